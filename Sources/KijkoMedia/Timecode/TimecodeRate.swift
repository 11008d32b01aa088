import Foundation

/// A timecode counting rate: the exact playback rate, the frames per timecode second, and whether
/// frame numbers are dropped (29.97 and 59.94 drop-frame).
///
///     TimecodeRate.ntsc30DF      // 30000/1001, counts 30 per second, drops 2 numbers a minute
///     TimecodeRate(parsing: "23.976")
public struct TimecodeRate: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Exact frames per second of playback.
    public let rate: Rational
    /// Frames per timecode second: the rate rounded (30 for 29.97).
    public let nominal: Int
    /// Whether frame numbers are dropped to keep timecode on the wall clock.
    public let dropFrame: Bool

    /// `dropFrame` counts only at 30000/1001 or 60000/1001. A rate read from a file that rounds
    /// below 1 (or is not a number) counts 1 frame a timecode second, so arithmetic never divides by
    /// zero; ``init(parsing:)`` refuses such rates instead.
    public init(rate: Rational, dropFrame: Bool = false) {
        self.rate = rate
        let fps = rate.doubleValue.rounded()
        nominal = fps.isFinite ? Int(min(max(fps, 1), Self.maximumNominal)) : 1
        self.dropFrame = dropFrame && (nominal == 30 || nominal == 60) && rate.den == 1001
    }

    public static let film23976 = TimecodeRate(rate: Rational(24000, 1001))
    public static let film24 = TimecodeRate(rate: Rational(24, 1))
    public static let pal25 = TimecodeRate(rate: Rational(25, 1))
    public static let ntsc30DF = TimecodeRate(rate: Rational(30000, 1001), dropFrame: true)
    public static let ntsc30NDF = TimecodeRate(rate: Rational(30000, 1001))
    public static let fps30 = TimecodeRate(rate: Rational(30, 1))
    public static let pal50 = TimecodeRate(rate: Rational(50, 1))
    public static let ntsc60DF = TimecodeRate(rate: Rational(60000, 1001), dropFrame: true)
    public static let ntsc60NDF = TimecodeRate(rate: Rational(60000, 1001))
    public static let fps60 = TimecodeRate(rate: Rational(60, 1))

    /// Parses `25`, `24000/1001`, `23.976`, `29.97`, `29.97df`, `59.94DF`, `30000/1001:df`.
    /// 29.97 and 59.94 are non-drop unless `df` is given.
    public init?(parsing text: String) {
        var body = text.lowercased().trimmingCharacters(in: .whitespaces)
        var drop = false
        for suffix in [":df", "df", " df"] where body.hasSuffix(suffix) {
            body.removeLast(suffix.count)
            drop = true
            break
        }
        for suffix in [":ndf", "ndf"] where body.hasSuffix(suffix) {
            body.removeLast(suffix.count)
            break
        }
        guard let rate = Rational(parsing: body), rate.num > 0, rate.den > 0,
              (1...Self.maximumNominal).contains(rate.doubleValue.rounded()) else { return nil }
        self.init(rate: rate, dropFrame: drop)
        if drop && !dropFrame { return nil }
    }

    /// The fastest timecode count accepted: 1,000 frames a second (high-speed cameras count no faster).
    static let maximumNominal: Double = 1000

    /// Frame numbers dropped at the start of each minute (except every tenth): 2 at 29.97, 4 at 59.94.
    var droppedPerMinute: Int { dropFrame ? nominal / 15 : 0 }

    /// The same rate, counted drop-frame or not (drop-frame only where it exists).
    public func with(dropFrame: Bool) -> TimecodeRate { TimecodeRate(rate: rate, dropFrame: dropFrame) }

    public var description: String { "\(rate)\(dropFrame ? " DF" : "")" }

    enum CodingKeys: String, CodingKey { case rate, dropFrame }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rate: try c.decode(Rational.self, forKey: .rate),
                  dropFrame: try c.decodeIfPresent(Bool.self, forKey: .dropFrame) ?? false)
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rate, forKey: .rate)
        try c.encode(dropFrame, forKey: .dropFrame)
    }
}


