/// Reads a file's sound as planar float samples at a chosen rate and channel count, from any
/// sample position (seek, then exact trimming), so edits land on the exact sample.
///
///     let sound = try AudioSampleReader(path: "take.mov", sampleRate: 48000, channels: 2)
///     try sound.seek(toSample: 96_000)              // 2 s in
///     let block = try sound.read(count: 1920)       // one 25p frame of sound, per channel
///
/// A file with no audio stream reads as silence, so picture-only sources still cut in sync.
public final class AudioSampleReader {
    public let sampleRate: Int
    public let channels: Int
    /// False when the file has no sound (reads give silence).
    public let hasAudio: Bool
    private let reader: FrameReader?
    private var graph: FilterGraph?
    private let frame: Frame
    private let converted: Frame
    /// Samples decoded but not yet returned, per channel.
    private var pending: [[Float]]
    /// Sample index (at `sampleRate`, from the stream start) of `pending[c][0]`.
    private var position: Int64 = 0
    /// The sample the caller wants next.
    private var wanted: Int64 = 0
    private var ended = false

    public init(path: String, sampleRate: Int = 48_000, channels: Int = 2) throws(MediaError) {
        self.sampleRate = sampleRate
        self.channels = channels
        let input = try Demuxer(path: path)
        hasAudio = input.bestStream(.audio) != nil
        reader = hasAudio ? try FrameReader(path: path, type: .audio) : nil
        frame = try Frame()
        converted = try Frame()
        pending = Array(repeating: [], count: channels)
        try rebuildGraph()
    }

    private func rebuildGraph() throws(MediaError) {
        guard let reader else { return }
        let layout = defaultChannelLayoutName(channels: channels)
        graph = try FilterGraph("[in]aresample=\(sampleRate),aformat=sample_fmts=fltp:channel_layouts=\(layout)[out]",
                                inputs: ["in": .of(reader.decoder)], outputs: ["out": .audio])
    }

    /// Positions the reader so the next sample returned is `sample` (at ``sampleRate``, counted
    /// from the stream's first sample).
    public func seek(toSample sample: Int64) throws(MediaError) {
        wanted = sample
        pending = Array(repeating: [], count: channels)
        ended = false
        guard let reader else { return }
        // Start a few packets early: the decoder needs pre-roll before the wanted sample.
        let preRoll = Int64(4096)
        let target = reader.startPTS + rescale(max(0, sample - preRoll), from: Rational(1, Int32(sampleRate)), to: reader.timeBase)
        try reader.seekToKeyframe(before: target)
        try rebuildGraph()
        position = -1
    }

    /// The next `count` samples per channel; silence past the end of the sound.
    public func read(count: Int) throws(MediaError) -> [[Float]] {
        while pending[0].count < count && !ended { try decodeMore() }
        var out: [[Float]] = []
        for c in 0..<channels {
            let take = min(count, pending[c].count)
            var chunk = Array(pending[c].prefix(take))
            pending[c].removeFirst(take)
            if chunk.count < count { chunk += [Float](repeating: 0, count: count - chunk.count) }
            out.append(chunk)
        }
        wanted += Int64(count)
        return out
    }

    private func decodeMore() throws(MediaError) {
        guard let reader, let graph else { ended = true; return }
        switch try graph.pull(into: converted) {
        case .frame:
            append(converted)
        case .end:
            ended = true
        case .needsInput:
            if try reader.next(into: frame) { try graph.push(frame) } else { try graph.push(nil) }
        }
    }

    /// Adds a converted frame's samples, dropping those before `wanted` and filling any gap with silence.
    private func append(_ block: Frame) {
        let start: Int64
        if let pts = block.pts, let reader {
            let tb = graph?.outputTimeBase() ?? Rational(1, Int32(sampleRate))
            start = rescale(pts, from: tb, to: Rational(1, Int32(sampleRate)))
                - rescale(reader.startPTS, from: reader.timeBase, to: Rational(1, Int32(sampleRate)))
        } else {
            start = position < 0 ? wanted : position
        }
        let end = start + Int64(block.sampleCount)
        let queuedEnd = wanted + Int64(pending[0].count)
        guard end > queuedEnd else { return }   // entirely before what is wanted
        if start > queuedEnd {
            let gap = Int(start - queuedEnd)
            for c in 0..<channels { pending[c] += [Float](repeating: 0, count: gap) }
        }
        let skip = Int(max(0, queuedEnd - start))
        for c in 0..<channels {
            guard let samples = block.floatSamples(channel: c) else { continue }
            pending[c] += samples[skip...]
        }
        position = end
    }
}
