public import KijkoMedia


/// What `kijko qc` found in one file: a verdict, the measurements, and every issue with where it
/// is. Check ids are stable: `black`, `freeze`, `luma_range`, `chroma_range`, `loudness`,
/// `true_peak`, `silence`, `audio_clipping`, `channels`, `av_duration`, `spec`, `vision`, `decode`.
public struct QCReport: Codable, Sendable {
    public enum Status: String, Codable, Sendable { case pass, fail, unreadable }
    public enum Severity: String, Codable, Sendable { case error, warning }

    public struct Issue: Codable, Sendable, Equatable {
        public var check: String
        public var severity: Severity
        /// Frames of the picture, `[start, end)`, and the same in seconds.
        public var startFrame: Int
        public var endFrame: Int
        public var start: Double
        public var end: Double
        /// What was measured (worst over the run) and the limit it broke.
        public var measured: Double?
        public var threshold: Double?
        public var message: String
        /// A JPEG of the run's middle frame, when the report was written with pictures.
        public var thumbnail: String?
        /// What to do about it (the command or the change that fixes it).
        public var fix: String? = nil
    }

    public struct Measurements: Codable, Sendable {
        public init(frames: Int, frameRate: Rational? = nil, videoDuration: Double? = nil, audioDuration: Double? = nil,
                    integratedLoudness: Double? = nil, loudnessRange: Double? = nil, truePeak: Double? = nil,
                    lumaLow: Int? = nil, lumaHigh: Int? = nil, variableFrameRate: Bool? = nil) {
            self.frames = frames
            self.frameRate = frameRate
            self.videoDuration = videoDuration
            self.audioDuration = audioDuration
            self.integratedLoudness = integratedLoudness
            self.loudnessRange = loudnessRange
            self.truePeak = truePeak
            self.lumaLow = lumaLow
            self.lumaHigh = lumaHigh
            self.variableFrameRate = variableFrameRate
        }

        public var frames: Int
        public var frameRate: Rational?
        public var videoDuration: Double?
        public var audioDuration: Double?
        public var integratedLoudness: Double?
        public var loudnessRange: Double?
        public var truePeak: Double?
        public var lumaLow: Int?
        public var lumaHigh: Int?
        /// True when the pictures' timestamps do not follow one frame rate (times in the report
        /// come from the timestamps either way).
        public var variableFrameRate: Bool?
    }

    public var file: String
    public var profile: String
    /// The delivery preset checked against (`--spec`), if any.
    public var spec: String?
    public var status: Status
    public var measurements: Measurements
    public var issues: [Issue]
    /// Where decoding broke, when it did: the audit covers what came before.
    public var note: String?
    /// The vision model's review, when `--vision` was asked for (its status says if it ran).
    public var vision: VisionReview?
    /// The programme over time, for the report's graphs.
    public var timeline: Timeline? = nil

    /// The programme over time, in at most ``Timeline/most`` points: luma per picture (lowest,
    /// mean, highest, 8-bit levels), chroma per picture (mean Cb and Cr, the share outside the legal
    /// range), loudness every 100 ms (momentary, short-term, LUFS).
    public struct Timeline: Codable, Sendable {
        public static let most = 600
        /// The master's start timecode (the report's time axis counts from it), if it has one.
        public var startTimecode: String?
        /// Frames each luma point covers, and the points: the lowest low, mean mean and highest high
        /// over them.
        public var framesPerPoint: Int
        public var lumaLow: [Int]
        public var lumaMean: [Double]
        public var lumaHigh: [Int]
        /// The legal luma range the profile checks, if it does.
        public var lumaLegal: [Int]?
        /// Mean Cb and Cr over each point's pictures (8-bit levels; 128 is neutral).
        public var cbMean: [Double]? = nil
        public var crMean: [Double]? = nil
        /// Per point, the largest share of chroma pixels outside the legal range (0–1), when the
        /// profile checks chroma.
        public var chromaOutside: [Double]? = nil
        /// The share of a picture's chroma the profile lets stray outside the range.
        public var chromaTolerated: Double? = nil
        /// Seconds each loudness point covers, and the points (the quietest is clamped at -70).
        public var secondsPerLoudnessPoint: Double?
        public var momentary: [Double]?
        public var shortTerm: [Double]?
        /// The profile's integrated loudness target, LUFS.
        public var loudnessTarget: Double?
    }

    /// Sets `status` from the issues: fail when one is an error (a file that could not be read stays
    /// unreadable).
    public mutating func settleStatus() {
        guard status != .unreadable else { return }
        status = issues.contains { $0.severity == .error } ? .fail : .pass
    }
}
