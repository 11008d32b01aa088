import Foundation
/// SMPTE timecode at a ``TimecodeRate``, converted to and from a frame count. All arithmetic is on
/// integer frames; drop-frame counting skips frame numbers 0 and 1 (0–3 at 59.94) at the start of
/// every minute except each tenth, so that 29.97 timecode keeps to the wall clock.
///
///     let frames = try Timecode.frames("01:00:00;00", rate: .ntsc30DF)   // 107892
///     Timecode.string(107892, rate: .ntsc30DF)                          // "01:00:00;00"
public enum Timecode {
    /// Why a timecode could not be read.
    public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        public let text: String
        public let reason: String
        public var description: String { "bad timecode \"\(text)\": \(reason)" }
    }

    /// Frames in a 24-hour day at `rate` (timecode wraps there).
    public static func framesPerDay(_ rate: TimecodeRate) -> Int {
        if rate.dropFrame {
            let perTenMinutes = rate.nominal * 600 - 9 * rate.droppedPerMinute
            return perTenMinutes * 6 * 24
        }
        return rate.nominal * 86_400
    }

    /// The frame count of `text` (`HH:MM:SS:FF`; `;`, `,` or `.` before the frames marks drop-frame
    /// but the rate decides the counting). A plain integer is taken as a frame count.
    ///
    /// - Throws: ``ParseError`` for malformed fields, fields out of range, or a frame number that
    ///   drop-frame counting skips.
    public static func frames(_ text: String, rate: TimecodeRate) throws(ParseError) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let count = Int(trimmed), count >= 0 { return count }
        let fields = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { ":;,.".contains($0) })
        guard fields.count == 4,
              fields.allSatisfy({ field in !field.isEmpty && field.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(fields[0]), let m = Int(fields[1]), let s = Int(fields[2]), let f = Int(fields[3]) else {
            throw ParseError(text: text, reason: "expected HH:MM:SS:FF")
        }
        guard h < 24 else { throw ParseError(text: text, reason: "hours must be below 24") }
        guard m < 60, s < 60 else { throw ParseError(text: text, reason: "minutes and seconds must be below 60") }
        guard f < rate.nominal else { throw ParseError(text: text, reason: "frame \(f) does not exist at \(rate.nominal) frames a second") }
        let minutes = 60 * h + m
        if rate.dropFrame {
            if s == 0, f < rate.droppedPerMinute, m % 10 != 0 {
                throw ParseError(text: text, reason: "drop-frame timecode skips frames 0–\(rate.droppedPerMinute - 1) at minute \(m)")
            }
            return (3600 * h + 60 * m + s) * rate.nominal + f - rate.droppedPerMinute * (minutes - minutes / 10)
        }
        return (3600 * h + 60 * m + s) * rate.nominal + f
    }

    /// The timecode of frame `frame` (wrapping at 24 hours; negative counts wrap backwards).
    /// Drop-frame timecode uses `;` before the frames.
    public static func string(_ frame: Int, rate: TimecodeRate) -> String {
        let day = framesPerDay(rate)
        var n = frame % day
        if n < 0 { n += day }
        if rate.dropFrame {
            let drop = rate.droppedPerMinute
            let perMinute = rate.nominal * 60 - drop
            let perTenMinutes = rate.nominal * 600 - 9 * drop
            let tens = n / perTenMinutes, rest = n % perTenMinutes
            n += 9 * drop * tens
            if rest >= drop { n += drop * ((rest - drop) / perMinute) }
        }
        let f = n % rate.nominal
        let totalSeconds = n / rate.nominal
        let text = "\(two(totalSeconds / 3600)):\(two(totalSeconds / 60 % 60)):\(two(totalSeconds % 60))"
        return text + (rate.dropFrame ? ";" : ":") + two(f)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}


