import Foundation

/// EBU R128 loudness of a file's sound, measured by libavfilter's `ebur128` (true peak by its
/// 4× oversampling): integrated loudness (LUFS), loudness range (LU), true and sample peaks (dBFS).
public struct Loudness: Codable, Sendable, Equatable {
    public var integrated: Double
    public var range: Double
    public var truePeak: Double
    public var samplePeak: Double

    public init(integrated: Double, range: Double, truePeak: Double, samplePeak: Double) {
        self.integrated = integrated
        self.range = range
        self.truePeak = truePeak
        self.samplePeak = samplePeak
    }
}

/// Momentary (400 ms) and short-term (3 s) loudness at one moment, LUFS.
public struct LoudnessPoint: Codable, Sendable, Equatable {
    /// Seconds from the start of the sound.
    public var time: Double
    public var momentary: Double
    public var shortTerm: Double
}

/// Feeds audio frames to an `ebur128` graph and reads the running measurement back.
public final class LoudnessMeter {
    private let graph: FilterGraph
    private let out: Frame
    private var last: Loudness?
    private var channels = 0
    /// Momentary and short-term loudness every 100 ms (point i at (i + 1) / 10 s), as `ebur128`
    /// updates them.
    public private(set) var series: [LoudnessPoint] = []
    private var samplesOut = 0

    /// A meter for frames of `format` (e.g. `reader.frameFormat`), measured after the filter
    /// chain `through` when one is given (a trim, a gain, a limiter: what a deliverable will hear).
    public init(format: FilterInputFormat, through chain: String? = nil) throws(MediaError) {
        let prefix = chain.map { "\($0)," } ?? ""
        graph = try FilterGraph("[in]\(prefix)ebur128=metadata=1:peak=true+sample[out]", inputs: ["in": format], outputs: ["out": .audio])
        out = try Frame()
        if case let .audio(_, _, layout, _) = format { channels = Self.channelCount(layout) }
    }

    static func channelCount(_ layout: String) -> Int {
        switch layout {
        case "mono": 1
        case "stereo": 2
        case "5.1", "5.1(side)": 6
        case "7.1": 8
        default: Int(layout.prefix { $0.isNumber }) ?? 2
        }
    }

    /// Measures `frame` (its reference is taken).
    public func add(_ frame: Frame) throws(MediaError) {
        try graph.push(frame)
        try collect()
    }

    /// Ends the stream and returns the whole programme's measurement (nil for no sound).
    public func finish() throws(MediaError) -> Loudness? {
        try graph.push(nil)
        try collect()
        return last
    }

    private func collect() throws(MediaError) {
        while try graph.pull(into: out) == .frame {
            let rate = max(1, out.sampleRate)
            samplesOut += out.sampleCount
            let time = Double(samplesOut) / Double(rate)
            // One point at each tenth of a second the sound has passed (point i at (i + 1) / 10 s).
            if let m = out.metadata("lavfi.r128.M").flatMap(Double.init), let s = out.metadata("lavfi.r128.S").flatMap(Double.init) {
                while Double(series.count + 1) / 10 <= time + 1e-9 {
                    series.append(LoudnessPoint(time: Double(series.count + 1) / 10, momentary: m, shortTerm: s))
                }
            }
            guard let integrated = out.metadata("lavfi.r128.I").flatMap(Double.init) else { continue }
            let range = out.metadata("lavfi.r128.LRA").flatMap(Double.init) ?? 0
            let count = max(channels, out.channelCount)
            // Per-channel peaks are linear and running maxima; the programme's is their largest.
            let tp = (0..<count).compactMap { out.metadata("lavfi.r128.true_peaks_ch\($0)").flatMap(Double.init) }.max() ?? 0
            let sp = (0..<count).compactMap { out.metadata("lavfi.r128.sample_peaks_ch\($0)").flatMap(Double.init) }.max() ?? 0
            last = Loudness(integrated: integrated, range: range, truePeak: Self.decibels(tp), samplePeak: Self.decibels(sp))
        }
    }

    static func decibels(_ linear: Double) -> Double { linear > 0 ? 20 * log10(linear) : -144 }

    /// Measures the best audio stream of `path` (after the filter chain `through`, when given);
    /// nil when it has none.
    public static func measure(path: String, through chain: String? = nil) throws(MediaError) -> Loudness? {
        let input = try Demuxer(path: path)
        guard input.bestStream(.audio) != nil else { return nil }
        let reader = try FrameReader(path: path, type: .audio)
        let meter = try LoudnessMeter(format: reader.frameFormat, through: chain)
        let frame = try Frame()
        while try reader.next(into: frame) { try meter.add(frame) }
        return try meter.finish()
    }
}

