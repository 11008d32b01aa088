/// What one analysis pass learns about a master (upright picture): where its shots cut, and per
/// frame where the interest lies — column and row profiles of a saliency map (edge detail, motion
/// energy, skin tones) computed on a small copy — and how much is happening (for ranking shots).
/// Frame numbers are the master's, counted from its first frame.
public struct MasterAnalysis: Sendable {
    /// Master picture size, pixels (after rotation).
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    /// Size of the analysis copy the profiles are measured on.
    public var analysisWidth: Int
    public var analysisHeight: Int
    /// First analysed frame; `columns[i]` belongs to frame `firstFrame + i`.
    public var firstFrame: Int
    /// Shots as master frame ranges, in order, covering the analysed frames.
    public var shots: [Range<Int>]
    /// Per frame: saliency summed down each column (analysisWidth values) and across each row.
    public var columns: [[Float]]
    public var rows: [[Float]]
    /// Per frame: motion energy plus detail, for ranking shots.
    public var activity: [Float]
    /// Per frame: mean edge strength of the small copy (sharpness, for picking keyframes).
    public var detail: [Float] = []
    /// Dissolves and fades, in order; each splits two shots at its middle frame.
    public var transitions: [ShotTransition] = []

    public var frameCount: Int { columns.count }
    public var frames: Range<Int> { firstFrame..<(firstFrame + frameCount) }

    /// The sharpest frame of `shot` away from its edges (the middle 80 %) and outside any
    /// dissolve or fade, so never mid-transition.
    public func keyframe(of shot: Range<Int>) -> Int {
        var local = shot.clamped(to: frames)
        for t in transitions where t.frames.overlaps(local) {
            // Keep the shot's clean side of the transition.
            if t.startFrame <= local.lowerBound { local = min(t.endFrame, local.upperBound)..<local.upperBound }
            else if t.endFrame >= local.upperBound { local = local.lowerBound..<max(t.startFrame, local.lowerBound) }
        }
        if local.isEmpty { local = shot.clamped(to: frames) }
        guard !local.isEmpty, detail.count == frameCount else { return shot.lowerBound + shot.count / 2 }
        let margin = local.count / 10
        let inner = (local.lowerBound + margin)..<max(local.lowerBound + margin + 1, local.upperBound - margin)
        return inner.max { detail[$0 - firstFrame] < detail[$1 - firstFrame] } ?? local.lowerBound
    }

    /// Mean activity over a shot.
    public func score(_ shot: Range<Int>) -> Double {
        let local = shot.clamped(to: frames)
        guard !local.isEmpty else { return 0 }
        let sum = local.reduce(0.0) { $0 + Double(activity[$1 - firstFrame]) }
        return sum / Double(local.count)
    }
}
