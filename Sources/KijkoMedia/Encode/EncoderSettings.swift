/// How to encode one stream: the libav encoder by name and its settings.
///
///     EncoderSettings(codec: "libx264", options: ["preset": "veryfast", "crf": "18"])
///     EncoderSettings(codec: "prores_ks", options: ["profile": "3"])   // ProRes 422 HQ
///     EncoderSettings(codec: "aac", bitRate: 192_000)
public struct EncoderSettings: Sendable, Equatable {
    /// libav encoder name: `libx264`, `libx265`, `prores_ks`, `aac`, `pcm_s16le`, `png`, `mjpeg`, …
    public var codec: String
    /// Encoder private options (`preset`, `crf`, `profile`, `x264-params`, …), as the CLI's `-opt`.
    public var options: [String: String]
    /// Target bits per second (nil: the encoder's rate control from `options`).
    public var bitRate: Int?
    /// VBV maximum rate and buffer, bits per second / bits.
    public var maxRate: Int?
    public var bufferSize: Int?
    /// Frames between keyframes.
    public var gopSize: Int?
    public var maxBFrames: Int?
    /// Output pixel format for video (nil: the first the encoder supports that matches the input).
    public var pixelFormat: PixelFormat?
    /// Colour tags to write (nil: carried from the input as given to the encoder).
    public var colour: ColourProperties?
    /// Encoder threads; 0 lets libav choose.
    public var threads: Int

    public init(codec: String, options: [String: String] = [:], bitRate: Int? = nil, maxRate: Int? = nil,
                bufferSize: Int? = nil, gopSize: Int? = nil, maxBFrames: Int? = nil,
                pixelFormat: PixelFormat? = nil, colour: ColourProperties? = nil, threads: Int = 0) {
        self.codec = codec
        self.options = options
        self.bitRate = bitRate
        self.maxRate = maxRate
        self.bufferSize = bufferSize
        self.gopSize = gopSize
        self.maxBFrames = maxBFrames
        self.pixelFormat = pixelFormat
        self.colour = colour
        self.threads = threads
    }
}
