import Foundation

/// A gradual transition between two shots, in master frames: `[startFrame, endFrame)` are the
/// blended frames (the frame before is all outgoing shot, `endFrame` all incoming).
public struct ShotTransition: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case dissolve
        /// From black.
        case fadeIn = "fade_in"
        /// To black.
        case fadeOut = "fade_out"
    }

    public var kind: Kind
    public var startFrame: Int
    public var endFrame: Int

    public init(kind: Kind, startFrame: Int, endFrame: Int) {
        self.kind = kind
        self.startFrame = startFrame
        self.endFrame = endFrame
    }

    public var frames: Range<Int> { startFrame..<endFrame }
}

/// Finds dissolves and fades on the small luma copies of the analysis pass, frame by frame, with
/// memory bounded by the longest transition it looks for.
///
/// A blend is linear in time: mid-way through it, each pixel is the mean of the pictures either
/// side. So a frame is *dissolving* when, against the frames `window` before and after it, the
/// picture changed a good deal (`minSpread` levels on average) and yet sits well within half of
/// that change (`linearity`) of the straight line between them (motion and cuts do not: their middle frame is
/// one side or something else). A run of such frames is one transition. Its ends are found by
/// measuring each frame's step along the way from the outgoing picture to the incoming one: a
/// blend takes even steps, and the transition runs on from the run each way while the steps
/// stay above half the typical one. A blend also goes the whole way from the one picture to the
/// other within those frames, which a slow zoom or a change of light does not.
struct TransitionFinder {
    let window = 5
    let minSpread = 8.0
    let linearity = 0.4
    /// Longest transition looked for, frames.
    let longest: Int

    private var history: [(frame: Int, luma: [UInt8])] = []
    private var capacity: Int { longest + 6 * window + 8 }
    private var run: ClosedRange<Int>?
    private var pending: ClosedRange<Int>?
    /// Hard cuts found so far (some may turn out to lie inside a transition): a transition's
    /// outgoing and incoming pictures are taken inside the shots the other cuts bound.
    var cuts: [Int] = []
    private(set) var found: [ShotTransition] = []

    init(longest: Int) { self.longest = max(12, longest) }

    /// Adds frame `n`'s small luma (frames arrive in order, one size).
    mutating func add(frame n: Int, luma: [UInt8]) {
        history.append((n, luma))
        if history.count > capacity { history.removeFirst(history.count - capacity) }
        // Judge the frame `window` back, now that the frame `window` ahead of it is here.
        let centre = n - window
        if let verdict = dissolving(at: centre) {
            if verdict {
                if let open = run, open.upperBound == centre - 1 { run = open.lowerBound...centre } else { close(); run = centre...centre }
            } else {
                close()
            }
        }
        // A finished run is settled once the frames well after it are in.
        // (The cut detector decides a few frames late: wait for it too.)
        if let settled = pending, n >= settled.upperBound + 3 * window + 4 { settle(settled); pending = nil }
        if let open = run, open.count > longest { run = nil }  // a slow change of light, not a transition
    }

    /// Settles what is still open at the end of the pictures.
    mutating func finish() {
        close()
        if let settled = pending { settle(settled); pending = nil }
    }

    private mutating func close() {
        guard let open = run else { return }
        run = nil
        guard open.count >= 2 else { return }
        if let settled = pending { settle(settled) }
        pending = open
    }

    private func luma(_ n: Int) -> [UInt8]? {
        guard let first = history.first?.frame, n >= first, n - first < history.count else { return nil }
        return history[n - first].luma
    }

    private func dissolving(at c: Int) -> Bool? {
        guard let a = luma(c - window), let m = luma(c), let b = luma(c + window) else { return nil }
        var spread = 0, error = 0
        for i in 0..<a.count {
            let pa = Int(a[i]), pb = Int(b[i])
            spread += abs(pb - pa)
            error += abs(2 * Int(m[i]) - pa - pb)
        }
        let count = Double(max(1, a.count))
        let meanSpread = Double(spread) / count, meanError = Double(error) / (2 * count)
        return meanSpread >= minSpread && meanError <= linearity * meanSpread
    }

    private mutating func settle(_ core: ClosedRange<Int>) {
        guard let firstHeld = history.first?.frame else { return }
        let lastHeld = firstHeld + history.count - 1
        let near = (core.lowerBound - window - 1)...(core.upperBound + window + 1)
        let outside = cuts.filter { !near.contains($0) }
        var before = max(core.lowerBound - 3 * window, outside.last { $0 <= core.lowerBound } ?? .min, firstHeld)
        var after = min(core.upperBound + 3 * window, (outside.first { $0 > core.upperBound } ?? .max) - 1, lastHeld)
        // A fade through black is two blends: out to the black and in from it. The black frame
        // nearest the run, on either side, is the far end of the one this run belongs to.
        if let black = (core.upperBound...after).first(where: { luma($0).map(Self.isBlack) == true }) {
            after = black
        } else if let black = (before...core.lowerBound).reversed().first(where: { luma($0).map(Self.isBlack) == true }) {
            before = black
        }
        guard let a = luma(before), let b = luma(after) else { return }
        var span = 0.0
        var direction = [Double](repeating: 0, count: a.count)
        for i in 0..<a.count {
            direction[i] = Double(Int(b[i]) - Int(a[i]))
            span += direction[i] * direction[i]
        }
        guard span > 0 else { return }
        // Each frame's step along the way from the outgoing to the incoming picture. A blend
        // takes even steps; outside it the picture moves but not along that way.
        func step(_ n: Int) -> Double? {
            guard let y = luma(n), let x = luma(n - 1) else { return nil }
            var dot = 0.0
            for i in 0..<y.count { dot += Double(Int(y[i]) - Int(x[i])) * direction[i] }
            return dot / span
        }
        let steps = core.compactMap(step).sorted()
        guard !steps.isEmpty else { return }
        let typical = steps[steps.count / 2], floor = typical / 2
        guard typical > 0 else { return }
        // The blend runs on from the run, each way, while the steps keep up: its first frame is
        // the first step, the frame after its last is the last step.
        var start = core.lowerBound, end = core.upperBound
        while start - 1 > before, let s = step(start - 1), s > floor { start -= 1 }
        while end + 1 <= after, let s = step(end + 1), s > floor { end += 1 }
        // A blend goes all the way from one picture to the other (motion aside); a slow zoom or
        // a change of light that looks linear for a moment covers only part of its way here.
        var travelled = 0.0
        for n in start...end { travelled += step(n) ?? 0 }
        guard travelled >= 0.6, end - start >= 2 else { return }
        let kind: ShotTransition.Kind = Self.isBlack(a) ? .fadeIn : (Self.isBlack(b) ? .fadeOut : .dissolve)
        found.append(ShotTransition(kind: kind, startFrame: start, endFrame: end))
    }

    /// A picture whose mean luma is under 24 of 255.
    static func isBlack(_ y: [UInt8]) -> Bool { Double(y.reduce(0) { $0 + Int($1) }) / Double(max(1, y.count)) < 24 }
}
