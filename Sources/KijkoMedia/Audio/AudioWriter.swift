/// Encodes planar float sound into one stream of a ``Muxer``, in the encoder's frame size, with
/// timestamps counted in samples so sound stays in sync with picture over any length.
public final class AudioWriter {
    public let encoder: Encoder
    public let sampleRate: Int
    public let channels: Int
    private let shaper: FilterGraph
    private let muxer: Muxer
    private let packet: Packet
    private let shaped: Frame
    /// Samples written so far.
    public private(set) var written: Int64 = 0

    /// Adds an audio stream to `muxer` (call before `muxer.start()`).
    public init(_ settings: EncoderSettings, sampleRate: Int = 48_000, channels: Int = 2, muxer: Muxer) throws(MediaError) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.muxer = muxer
        let layout = defaultChannelLayoutName(channels: channels)
        let tb = Rational(1, Int32(sampleRate))
        // What the encoder takes: packed integers for PCM, planar float otherwise (AAC, Opus).
        let sampleFormat = settings.codec.hasPrefix("pcm_s24") || settings.codec.hasPrefix("pcm_s32") ? "s32"
            : settings.codec.hasPrefix("pcm_s16") ? "s16" : "fltp"
        encoder = try Encoder(settings, format: .audio(sampleRate: sampleRate, sampleFormat: sampleFormat,
                                                       channelLayout: layout, timeBase: tb), for: muxer)
        shaper = try FilterGraph("aformat=sample_fmts=\(sampleFormat)",
                                 inputs: ["in": .audio(sampleRate: sampleRate, sampleFormat: "fltp", channelLayout: layout, timeBase: tb)],
                                 outputs: ["out": .audio],
                                 audioFrameSize: encoder.frameSize.map { ["out": $0] } ?? [:])
        try muxer.addStream(for: encoder)
        packet = try Packet()
        shaped = try Frame()
    }

    /// Appends samples (one array per channel).
    public func write(_ samples: [[Float]]) throws(MediaError) {
        let count = samples.first?.count ?? 0
        guard count > 0 else { return }
        try shaper.push(try Frame.audio(samples, sampleRate: sampleRate, pts: written))
        written += Int64(count)
        try drainShaper()
    }

    /// Appends a planar-float frame with this writer's rate and channels, e.g. a filter graph's
    /// output (its reference is taken; no copy). Its timestamp is replaced by the sample count.
    public func write(_ frame: Frame) throws(MediaError) {
        let count = frame.sampleCount
        guard count > 0 else { return }
        frame.pts = written
        try shaper.push(frame)
        written += Int64(count)
        try drainShaper()
    }

    /// Flushes the last partial frame and the encoder.
    public func finish() throws(MediaError) {
        try shaper.push(nil)
        try drainShaper()
        try muxer.drain(encoder, packet: packet)
    }

    private func drainShaper() throws(MediaError) {
        while try shaper.pull(into: shaped) == .frame {
            try encoder.send(shaped)
            while try encoder.receive(into: packet) { try muxer.write(packet, from: encoder) }
        }
    }
}
