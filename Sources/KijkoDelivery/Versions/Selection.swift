import Foundation
public import KijkoMedia

/// Which frames of the master a deliverable plays: one or more ranges of master frame numbers in
/// programme order (a section, or a cutdown's shots). Picture is selected frame by frame and
/// retimed to run on without gaps; sound is cut at the same instants, sample-exact, with a short
/// fade at every edit so no cut clicks.
public struct Selection: Sendable, Equatable, Codable {
    /// Master frame ranges, in order.
    public var segments: [Range<Int>]
    /// The master's frame rate.
    public var rate: Rational
    /// Seconds of fade at each edit.
    public static let editFade = 0.01

    public init(segments: [Range<Int>], rate: Rational) {
        self.segments = segments.filter { !$0.isEmpty }
        self.rate = rate
    }

    /// The whole section from `start` to `end` seconds, in whole frames.
    public init(start: Double, end: Double, rate: Rational) {
        let first = Int((start * rate.doubleValue).rounded()), last = Int((end * rate.doubleValue).rounded())
        self.init(segments: [first..<max(first + 1, last)], rate: rate)
    }

    public var frameCount: Int { segments.reduce(0) { $0 + $1.count } }
    public var duration: Double { Double(frameCount) / rate.doubleValue }

    /// Where master frame `n` lands in the programme (0-based output frame), or nil when cut out.
    public func position(of n: Int) -> Int? {
        var offset = 0
        for segment in segments {
            if segment.contains(n) { return offset + n - segment.lowerBound }
            offset += segment.count
        }
        return nil
    }

    func seconds(_ frame: Int) -> String { String(format: "%.6f", Double(frame) / rate.doubleValue) }

    /// The audio filter chain (fragment, labels prefixed `cut`) that plays these segments from a
    /// stream whose time counts from the master's start: trims, fades at every edit, joined.
    public func audioChain() -> String {
        func piece(_ segment: Range<Int>) -> String {
            let length = Double(segment.count) / rate.doubleValue
            var chain = "atrim=start=\(seconds(segment.lowerBound)):end=\(seconds(segment.upperBound)),asetpts=PTS-STARTPTS"
            if length > 4 * Self.editFade {
                chain += ",afade=t=in:d=\(Self.editFade),afade=t=out:st=\(String(format: "%.6f", length - Self.editFade)):d=\(Self.editFade)"
            }
            return chain
        }
        guard segments.count > 1 else { return piece(segments[0]) }
        let k = segments.count
        var parts = ["asplit=\(k)" + (0..<k).map { "[cut\($0)]" }.joined()]
        for (i, segment) in segments.enumerated() { parts.append("[cut\(i)]\(piece(segment))[cutd\(i)]") }
        parts.append((0..<k).map { "[cutd\($0)]" }.joined() + "concat=n=\(k):v=0:a=1")
        return parts.joined(separator: ";")
    }
}
