import KijkoMedia

/// One stretch of sound on the record timeline, in samples: where it plays, where its source
/// starts, and its fades. Segments overlap at edits, where one fades out as the next fades in.
struct SoundSegment {
    /// The source file; nil plays silence.
    var path: String?
    /// Source sample (from the file's first sample) heard at `start`.
    var sourceSample: Int64
    var start: Int64
    var end: Int64
    var fadeIn: Int64
    var fadeOut: Int64
    /// Which source channel feeds which output channel; nil: channel c to channel c.
    var routing: [(output: Int, source: Int)]? = nil

    func gain(at t: Int64) -> Float {
        var g: Float = 1
        if fadeIn > 0, t < start + fadeIn { g = min(g, (Float(t - start) + 0.5) / Float(fadeIn)) }
        if fadeOut > 0, t >= end - fadeOut { g = min(g, (Float(end - t) - 0.5) / Float(fadeOut)) }
        return max(0, g)
    }
}

/// Mixes overlapping ``SoundSegment``s into consecutive blocks of output samples. Each segment's
/// file is opened when the segment starts and read straight through.
final class SoundMixer {
    let sampleRate: Int
    let channels: Int
    private let segments: [SoundSegment]
    private var readers: [Int: AudioSampleReader] = [:]
    private var next = 0          // first segment not yet started
    private var position: Int64 = 0

    init(_ segments: [SoundSegment], sampleRate: Int, channels: Int) {
        self.segments = segments.sorted { $0.start < $1.start }
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// The next `count` samples per channel.
    func render(count: Int) throws(MediaError) -> [[Float]] {
        let from = position, to = position + Int64(count)
        var out = [[Float]](repeating: [Float](repeating: 0, count: count), count: channels)
        while next < segments.count, segments[next].start < to {
            if let path = segments[next].path {
                let reader = try AudioSampleReader(path: path, sampleRate: sampleRate, channels: channels)
                let segment = segments[next]
                try reader.seek(toSample: segment.sourceSample + max(0, from - segment.start))
                readers[next] = reader
            }
            next += 1
        }
        for (index, reader) in readers {
            let segment = segments[index]
            let a = max(from, segment.start), b = min(to, segment.end)
            if b <= a {
                if segment.end <= from { readers[index] = nil }
                continue
            }
            let block = try reader.read(count: Int(b - a))
            let routing = segment.routing ?? (0..<channels).map { ($0, $0) }
            for t in a..<b {
                let g = segment.gain(at: t)
                let i = Int(t - a), o = Int(t - from)
                for (output, source) in routing where source < block.count { out[output][o] += block[source][i] * g }
            }
            if segment.end <= to { readers[index] = nil }
        }
        position = to
        return out
    }
}
