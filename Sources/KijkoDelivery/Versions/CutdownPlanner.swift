public import KijkoMedia
/// Cuts a programme down to a spot length: keeps the opening shot and the end card (the last
/// `endCard` frames: packshot, logo), and fills the time between with the highest-scoring whole
/// shots (most motion and detail) in their original order, cutting only at shot boundaries. The
/// spot must run exactly its length, so the last frames are found by trimming the tail of the
/// longest chosen shot (tails carry least); that trim is reported.
public struct CutdownPlanner {
    public struct Plan: Sendable, Equatable {
        public var selection: Selection
        /// Frames trimmed from a shot's tail to land on the exact length (0 when whole shots fit).
        public var trimmedFrames: Int
        /// Made of whole shots only (``plan(within:endCard:)`` landed in its range).
        public var wholeShots = false
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case shorterThanEndCard(programme: Double, endCard: Double)
        case spotNotLongerThanEndCard(spot: Double, endCard: Double)

        public var description: String {
            switch self {
            case let .shorterThanEndCard(programme, endCard):
                return String(format: "programme runs %.2f s, shorter than the %.2f s end card", programme, endCard)
            case let .spotNotLongerThanEndCard(spot, endCard):
                return String(format: "a %.2f s spot leaves no room before the %.2f s end card", spot, endCard)
            }
        }
    }

    public let analysis: MasterAnalysis

    public init(analysis: MasterAnalysis) { self.analysis = analysis }

    /// Plans a cutdown to `frames` master frames with an end card of `endCard` frames.
    public func plan(frames target: Int, endCard: Int) throws(Problem) -> Plan {
        let rate = analysis.frameRate.doubleValue
        let programme = analysis.frames
        guard endCard < programme.count else {
            throw .shorterThanEndCard(programme: Double(programme.count) / rate, endCard: Double(endCard) / rate)
        }
        guard endCard < target else {
            throw .spotNotLongerThanEndCard(spot: Double(target) / rate, endCard: Double(endCard) / rate)
        }
        let card = (programme.upperBound - endCard)..<programme.upperBound
        // The closing shot (the one the end card starts in) can play longer with no new cut.
        let closing = analysis.shots.last { $0.lowerBound < card.lowerBound && $0.upperBound > card.lowerBound }
        let bodyEnd = closing?.lowerBound ?? card.lowerBound
        let body = analysis.shots.compactMap { shot -> Range<Int>? in
            let clipped = shot.clamped(to: programme.lowerBound..<bodyEnd)
            return clipped.isEmpty ? nil : clipped
        }
        var budget = target - endCard
        var trimmed = 0
        var chosen: [Range<Int>] = []
        if let opening = body.first {
            chosen.append(opening.lowerBound..<(opening.lowerBound + min(opening.count, budget)))
            trimmed += max(0, opening.count - budget)
            budget -= chosen[0].count
        }
        // Highest score first: whole shots while they fit.
        let ranked = body.dropFirst().sorted { analysis.score($0) > analysis.score($1) }
        for shot in ranked where shot.count <= budget {
            chosen.append(shot)
            budget -= shot.count
        }
        // Land on the exact length: the closing shot plays longer before its end card; what it
        // cannot take comes from the head of the best unused shot, never shorter than a second.
        let room = closing.map { card.lowerBound - $0.lowerBound } ?? 0
        let shortest = Int(rate.rounded())
        if budget > room, let shot = ranked.first(where: { !chosen.contains($0) && $0.count >= min(budget, max(shortest, budget - room)) }) {
            let piece = min(budget, max(shortest, budget - room), shot.count)
            chosen.append(shot.lowerBound..<(shot.lowerBound + piece))
            trimmed += shot.count - piece
            budget -= piece
        }
        chosen.sort { $0.lowerBound < $1.lowerBound }
        let cardStart = max(chosen.last?.upperBound ?? programme.lowerBound, card.lowerBound - budget)
        budget -= card.lowerBound - cardStart
        var segments = chosen + [cardStart..<card.upperBound]
        if budget > 0 {
            // Not enough material before the card (a short programme): the card starts earlier.
            segments[segments.count - 1] = max(programme.lowerBound, cardStart - budget)..<card.upperBound
        }
        return Plan(selection: Selection(segments: Self.merged(segments), rate: analysis.frameRate), trimmedFrames: trimmed)
    }

    /// Plans a cut of whole shots for a platform's optimal length, `range` master frames: the
    /// opening shot, the shots the end card plays over, and the highest-scoring shots between
    /// them in their original order while they fit under the range's top. When whole shots cannot
    /// land in the range (the opening and closing shots alone are too long, or too few fit), it
    /// is the exact-length plan at the range's top instead.
    public func plan(within range: ClosedRange<Int>, endCard: Int) throws(Problem) -> Plan {
        let programme = analysis.frames
        let shots = analysis.shots.map { $0.clamped(to: programme) }.filter { !$0.isEmpty }
        let card = max(programme.lowerBound, programme.upperBound - endCard)..<programme.upperBound
        let closing = shots.filter { $0.overlaps(card) }
        guard let opening = shots.first, !closing.contains(opening) else { return try plan(frames: range.upperBound, endCard: endCard) }
        var chosen = [opening] + closing
        var total = chosen.reduce(0) { $0 + $1.count }
        guard total <= range.upperBound else { return try plan(frames: range.upperBound, endCard: endCard) }
        let middle = shots.filter { !chosen.contains($0) }.sorted { analysis.score($0) > analysis.score($1) }
        for shot in middle where total + shot.count <= range.upperBound {
            chosen.append(shot)
            total += shot.count
        }
        guard total >= range.lowerBound else { return try plan(frames: range.upperBound, endCard: endCard) }
        chosen.sort { $0.lowerBound < $1.lowerBound }
        return Plan(selection: Selection(segments: Self.merged(chosen), rate: analysis.frameRate), trimmedFrames: 0, wholeShots: true)
    }

    /// Ranges in play order with adjacent (and overlapping) ones joined.
    static func merged(_ segments: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for segment in segments {
            if let last = merged.last, last.upperBound == segment.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<segment.upperBound
            } else if let last = merged.last, segment.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, segment.upperBound)
            } else {
                merged.append(segment)
            }
        }
        return merged
    }
}
