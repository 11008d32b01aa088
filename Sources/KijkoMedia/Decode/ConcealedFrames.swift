/// Frames a decoder gave out with damage concealed, counted so that frame threading loses none:
/// error resilience's are the larger of the frames it flagged and the lines it logged (a frame
/// can be handed out before its flag is set; its line is always logged, ``MediaLog``), other
/// damage flags count as they come.
struct ConcealedFrames {
    /// Frames flagged by error resilience, and frames with other damage flags.
    private(set) var resilience = 0, other = 0

    /// Counts `frame` if it came with damage flagged; whether it did.
    @discardableResult
    mutating func saw(_ frame: Frame) -> Bool {
        if frame.hasResilienceConcealment { resilience += 1 } else if frame.hasConcealedDamage { other += 1 } else { return false }
        return true
    }

    /// Every concealed frame, given the concealments the decoder has logged.
    func count(logged: Int) -> Int { other + max(resilience, logged) }

    /// Whether the flags saw every concealment the decoder logged.
    func flagsSawAll(logged: Int) -> Bool { resilience >= logged }
}
