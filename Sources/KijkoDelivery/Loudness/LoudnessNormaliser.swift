import Foundation
public import KijkoMedia

/// Brings a section of a master to a loudness target (integrated LUFS) under a true-peak ceiling
/// (dBTP): a linear gain when the peaks allow it; otherwise the gain followed by a lookahead
/// limiter running at four times the sample rate (so it catches inter-sample peaks), with the
/// gain corrected by measuring what the limiter leaves — the same chain the deliverable plays.
public struct LoudnessNormaliser: Sendable {
    /// The decision for one (target, ceiling).
    public struct Decision: Sendable, Equatable {
        /// dB applied before the limiter.
        public var gainDb: Double
        public var limited: Bool
        /// dB the limiter keeps under the ceiling (grows when the encoder overshoots).
        public var margin: Double
        /// The section as measured through the decided chain (before encoding).
        public var predicted: Loudness?
    }

    public let master: String
    /// The master frames the deliverable plays.
    public let selection: Selection
    /// Output sample rate, Hz, and channels.
    public let sampleRate: Int
    public let channels: Int
    /// The deliverable's audio encoder when it is lossy (its overshoot is measured), nil for PCM.
    public let encoder: EncoderSettings?

    /// How far a lossy encoder's true peak varies with framing, dB, kept spare under the ceiling.
    public static let encoderSpread = 0.3

    public init(master: String, selection: Selection, sampleRate: Int = 48_000, channels: Int = 2,
                encoder: EncoderSettings? = nil) {
        self.master = master
        self.selection = selection
        self.sampleRate = sampleRate
        self.channels = channels
        self.encoder = encoder.flatMap { $0.codec.hasPrefix("pcm_") ? nil : $0 }
    }

    /// The selection (trims, edit fades), resampled and laid out as the output wants. `rebase`
    /// counts time from the stream's first sample (for a file read from its start).
    public func sectionChain(rebase: Bool = true) -> String {
        let layout = channels == 1 ? "mono" : channels == 6 ? "5.1" : "stereo"
        return (rebase ? "asetpts=PTS-STARTPTS," : "") + selection.audioChain()
            + ",aresample=\(sampleRate),aformat=sample_fmts=fltp:channel_layouts=\(layout)"
    }

    /// The gain (and limiter) chain for a decision; `margin` dB is kept under the ceiling.
    public static func gainChain(gainDb: Double, limited: Bool, ceiling: Double, margin: Double = 0.5,
                                 sampleRate: Int) -> String? {
        var parts: [String] = []
        if gainDb != 0 { parts.append(String(format: "volume=%.3fdB:precision=double", gainDb)) }
        if limited {
            let limit = pow(10, (ceiling - margin) / 20)
            parts.append("aresample=\(sampleRate * 4)")
            parts.append(String(format: "alimiter=limit=%.5f:attack=1:release=80:level=false:latency=1", limit))
            parts.append("aresample=\(sampleRate)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ",")
    }

    /// Decides gain, limiting and margin for `target` LUFS under `ceiling` dBTP, measuring the
    /// section through the very chain (and encoder) the deliverable will use, up to five times.
    /// Nil when the master has no sound or the section is silent (below the −70 LUFS gate).
    public func decide(target: Double, ceiling: Double) throws(MediaError) -> Decision? {
        guard let measured = try LoudnessMeter.measure(path: master, through: sectionChain()), measured.integrated > -70 else {
            return nil
        }
        var decision = Decision(gainDb: target - measured.integrated, limited: false, margin: 0.3, predicted: nil)
        for _ in 0..<5 {
            let result = try hear(decision, ceiling: ceiling)
            decision.predicted = result
            let loudOK = abs(target - result.integrated) < 0.15
            // The encoder's overshoot moves a few tenths with the exact framing: keep 0.3 dB spare.
            let peakOK = result.truePeak <= ceiling - Self.encoderSpread
            if loudOK && peakOK { break }
            if !peakOK {
                if decision.limited { decision.margin += result.truePeak - (ceiling - Self.encoderSpread) + 0.1 } else { decision.limited = true }
            }
            if !loudOK { decision.gainDb += target - result.integrated }
        }
        return decision
    }

    /// The section's loudness through `decision`'s chain and, for a lossy codec, encoded and decoded.
    func hear(_ decision: Decision, ceiling: Double) throws(MediaError) -> Loudness {
        var chain = sectionChain()
        if let gain = Self.gainChain(gainDb: decision.gainDb, limited: decision.limited, ceiling: ceiling,
                                     margin: decision.margin, sampleRate: sampleRate) {
            chain += "," + gain
        }
        let silent = Loudness(integrated: -144, range: 0, truePeak: -144, samplePeak: -144)
        guard let encoder else { return try LoudnessMeter.measure(path: master, through: chain) ?? silent }
        let scratch = NSTemporaryDirectory() + "kijko-loudness-\(UUID().uuidString.prefix(8)).m4a"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let reader = try FrameReader(path: master, type: .audio)
        let graph = try FilterGraph("[in]\(chain),aformat=sample_fmts=fltp[out]", inputs: ["in": reader.frameFormat],
                                    outputs: ["out": .audio])
        let muxer = try Muxer(path: scratch)
        let writer = try AudioWriter(encoder, sampleRate: sampleRate, channels: channels, muxer: muxer)
        try muxer.start()
        let frame = try Frame(), out = try Frame()
        var more = true
        while more {
            more = try reader.next(into: frame)
            try graph.push(more ? frame : nil)
            while try graph.pull(into: out) == .frame { try writer.write(out) }
        }
        try writer.finish()
        try muxer.finish()
        return try LoudnessMeter.measure(path: scratch) ?? silent
    }
}
