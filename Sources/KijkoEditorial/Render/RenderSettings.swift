public import KijkoMedia

/// The format a timeline renders to.
public struct RenderSettings: Sendable {
    /// Output presets: an H.264 proxy (mp4) or ProRes 422 with 24-bit PCM (mov).
    public enum Preset: String, Sendable, CaseIterable, Codable {
        case proxy, prores
    }

    public var width: Int
    public var height: Int
    public var preset: Preset
    public var sampleRate: Int
    public var channels: Int
    /// Length of the audio crossfade centred on every cut, in samples (10 ms at 48 kHz).
    public var cutCrossfadeSamples: Int
    /// Burn-ins drawn on the picture.
    public var burnIn: BurnInOptions
    /// Apply each clip's ASC CDL (from the EDL's `* ASC_SOP`/`* ASC_SAT`, or a CDL file) to its picture.
    public var applyCDL = true
    /// A show LUT applied to every clip's picture after its CDL, in the source's colour space.
    public var lut: CubeLUT?

    public init(width: Int = 1920, height: Int = 1080, preset: Preset = .proxy, sampleRate: Int = 48_000,
                channels: Int = 2, cutCrossfadeSamples: Int = 480, burnIn: BurnInOptions = []) {
        self.width = width
        self.height = height
        self.preset = preset
        self.sampleRate = sampleRate
        self.channels = channels
        self.cutCrossfadeSamples = cutCrossfadeSamples
        self.burnIn = burnIn
    }

    public var pixelFormat: PixelFormat {
        preset == .prores ? PixelFormat(name: "yuv422p10le")! : .yuv420p
    }

    public func videoSettings(rate: Rational) -> EncoderSettings {
        switch preset {
        case .proxy:
            EncoderSettings(codec: "libx264", options: ["preset": "veryfast", "crf": "20"],
                            gopSize: Int((rate.doubleValue * 2).rounded()), colour: .bt709)
        case .prores:
            EncoderSettings(codec: "prores_ks", options: ["profile": "2"], colour: .bt709)
        }
    }

    public var audioSettings: EncoderSettings {
        preset == .prores ? EncoderSettings(codec: "pcm_s24le") : EncoderSettings(codec: "aac", bitRate: 96_000 * channels)
    }

    /// The container extension the preset writes.
    public var fileExtension: String { preset == .prores ? "mov" : "mp4" }
}
