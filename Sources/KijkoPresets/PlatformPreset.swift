public import KijkoMedia

/// A delivery specification: what one platform or broadcaster accepts. Loaded from YAML in
/// `presets/platforms/` (or a folder of the user's), validated on load.
public struct PlatformPreset: Sendable, Equatable, Codable {
    /// Video deliverable, still frame grab, or an animated display ad (a short silent loop in a
    /// byte budget: GIF, WebP or MP4).
    public enum Kind: String, Sendable, Codable { case video, still, display }

    /// How the output frame rate follows the master.
    public enum RatePolicy: String, Sendable, Codable {
        /// The master's rate.
        case keep
        /// Always `rate`.
        case fixed
        /// The master's rate, capped at `rate`.
        case max
    }

    public enum Reframe: String, Sendable, Codable, CaseIterable { case fit, fill, blur, smart }

    public struct Video: Sendable, Equatable, Codable {
        public var codec: String
        public var profile: String?
        public var encoderPreset: String?
        public var pixelFormat: String
        /// Constant-quality rate control; or `bitRate` (bits/s) when nil.
        public var crf: Double?
        public var bitRate: Int?
        public var maxRate: Int?
        public var bufferSize: Int?
        /// Seconds between keyframes.
        public var gopSeconds: Double
    }

    public struct Audio: Sendable, Equatable, Codable {
        public var codec: String
        public var sampleRate: Int
        public var channels: Int
        public var bitRate: Int?
    }

    /// Fractions of the frame covered by a platform's interface (vertical formats).
    public struct SafeZone: Sendable, Equatable, Codable {
        public var top: Double
        public var bottom: Double
        public var left: Double
        public var right: Double
    }

    public var name: String
    public var description: String
    public var kind: Kind
    public var width: Int
    public var height: Int
    /// `16:9`, `9:16`, `1:1`, `4:5`.
    public var aspect: String
    public var ratePolicy: RatePolicy
    public var rate: Rational?
    /// Seconds.
    public var minDuration: Double?
    public var maxDuration: Double?
    public var optimalDuration: ClosedRange<Double>?
    /// A cutdown's target length, seconds (TV spots); nil keeps the master's length.
    public var targetDuration: Double?
    public var video: Video?
    public var colour: ColourProperties
    public var audio: Audio?
    /// Integrated loudness target, LUFS, and true-peak ceiling, dBTP.
    public var loudness: Double?
    public var truePeak: Double?
    public var maxFileSize: Int?
    public var safeZone: SafeZone?
    public var reframe: Reframe
    /// mp4, mov; png or jpg for stills.
    public var container: String
    /// For stills: where to grab, seconds (nil: the middle).
    public var stillAt: Double?
    /// For display ads: how many times the loop plays (IAB: the animation stops within 15 s).
    public var plays: Int?
    /// A `.cube` LUT every deliverable of this preset is graded by before its reframe (an absolute
    /// path; the preset file names it relative to itself).
    public var lut: String? = nil
    /// The file's group: a display preset written in several formats is one file naming them all
    /// (`display-300x250` gives `display-300x250-gif`, `-webp`, `-mp4`); asking for the group asks for each.
    public var group: String?
    /// The file it was read from.
    public var source: String
}

extension PlatformPreset {
    /// This preset at another size (a print still at a poster's pixels, a display ad at a size the
    /// IAB list lacks), named `name`: even sides, the longer at most 8192 with the shape kept, the
    /// aspect from the size. Everything else is this preset's.
    public func resized(width: Int, height: Int, name: String) -> PlatformPreset {
        var w = max(16, width), h = max(16, height)
        let longest = max(w, h)
        if longest > 8192 {
            w = max(16, Int(Double(w) * 8192 / Double(longest)))
            h = max(16, Int(Double(h) * 8192 / Double(longest)))
        }
        var copy = self
        copy.name = name
        copy.width = w / 2 * 2
        copy.height = h / 2 * 2
        copy.aspect = Rational(Int32(copy.width), Int32(copy.height)).reduced.ratioDescription
        copy.group = nil
        copy.description = "\(description.split(separator: ",").first.map(String.init) ?? name), \(copy.width)x\(copy.height)"
        return copy
    }
}
