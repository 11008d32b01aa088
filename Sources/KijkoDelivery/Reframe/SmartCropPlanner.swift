public import KijkoMedia
import Foundation

/// Plans the smart reframe: for each shot, a crop window of the output's aspect that keeps the
/// salient part of every frame inside. The path is a Viterbi search over window positions that
/// maximises the saliency captured with a cost for moving (see ``track(_:windowSize:scale:room:)``),
/// smoothed within the margin; a shot whose path barely moves is held still. The window never
/// leaves the picture. Without `lockZoom` a shot whose subject stays small is framed tighter (up to
/// 1.25×, constant through the shot).
public struct SmartCropPlanner {
    public let analysis: MasterAnalysis
    public let outputWidth: Int
    public let outputHeight: Int
    public let lockZoom: Bool
    /// Largest zoom in.
    public static let maximumZoom = 1.25
    /// Frames either side in the smoothing average.
    static let smoothingRadius = 12

    public init(analysis: MasterAnalysis, outputWidth: Int, outputHeight: Int, lockZoom: Bool = false) {
        self.analysis = analysis
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        self.lockZoom = lockZoom
    }

    /// The crop window size at zoom 1: the largest of the output's aspect inside the master.
    var fullWindow: (width: Int, height: Int, pansHorizontally: Bool) {
        let masterAspect = Double(analysis.width) / Double(analysis.height)
        let outAspect = Double(outputWidth) / Double(outputHeight)
        if masterAspect >= outAspect {
            return (min(analysis.width, Int((Double(analysis.height) * outAspect).rounded()) & ~1), analysis.height, true)
        }
        return (analysis.width, min(analysis.height, Int((Double(analysis.width) / outAspect).rounded()) & ~1), false)
    }

    /// The track for `aspect`, with `focus` overrides per shot start frame kept from an edited path.
    public func plan(aspect: String, focus: [Int: CropPath.Focus] = [:]) -> CropPath.Track {
        let shots = analysis.shots.map { shot -> CropPath.Shot in
            let keyframes = focus[shot.lowerBound].map { [window(centredOn: $0, frame: shot.lowerBound)] } ?? plan(shot)
            return CropPath.Shot(startFrame: shot.lowerBound, endFrame: shot.upperBound, focus: focus[shot.lowerBound],
                                 keyframes: keyframes)
        }
        return CropPath.Track(aspect: aspect, lockZoom: lockZoom, shots: shots)
    }

    /// A still window centred on a focus point, clamped inside the picture.
    func window(centredOn focus: CropPath.Focus, frame: Int) -> CropPath.Window {
        let (w, h, _) = fullWindow
        let x = Self.clamp(focus.x * Double(analysis.width) - Double(w) / 2, 0, Double(analysis.width - w))
        let y = Self.clamp(focus.y * Double(analysis.height) - Double(h) / 2, 0, Double(analysis.height - h))
        return CropPath.Window(frame: frame, x: Int(x) & ~1, y: Int(y) & ~1, width: w, height: h)
    }

    /// Where the salient mass lies along one axis of a profile: the interval holding its middle
    /// 96 % widened by two analysis pixels each side (edges blur on the small copy), and its
    /// centre of mass, in master pixels; nil when the frame has nothing salient.
    static func interval(_ profile: [Float], scale: Double) -> (low: Double, high: Double, centre: Double)? {
        let total = profile.reduce(0, +)
        guard total > Float(profile.count) * 2 else { return nil }
        // Quantiles interpolated inside their bin, so the interval moves smoothly, not in steps.
        var running: Float = 0, moment = 0.0
        var low: Double?, high: Double?
        for (i, v) in profile.enumerated() {
            let before = running
            running += v
            moment += Double(v) * (Double(i) + 0.5)
            guard v > 0 else { continue }
            if low == nil && running >= total * 0.02 { low = Double(i) + Double((total * 0.02 - before) / v) }
            if high == nil && running >= total * 0.98 { high = Double(i) + Double((total * 0.98 - before) / v) }
        }
        let lo = max(0, (low ?? 0) - 2), hi = min(Double(profile.count), (high ?? Double(profile.count)) + 2)
        return (Double(lo) * scale, Double(hi) * scale, moment / Double(total) * scale)
    }

    func plan(_ shot: Range<Int>) -> [CropPath.Window] {
        let (fullW, fullH, horizontal) = fullWindow
        let local = shot.clamped(to: analysis.frames)
        guard !local.isEmpty else { return [CropPath.Window(frame: shot.lowerBound, x: (analysis.width - fullW) / 2 & ~1,
                                                            y: (analysis.height - fullH) / 2 & ~1, width: fullW, height: fullH)] }
        let along = horizontal ? analysis.width : analysis.height
        let across = horizontal ? analysis.height : analysis.width
        let scaleAlong = Double(along) / Double(horizontal ? analysis.analysisWidth : analysis.analysisHeight)
        let scaleAcross = Double(across) / Double(horizontal ? analysis.analysisHeight : analysis.analysisWidth)
        let spans = local.map { n -> (low: Double, high: Double, centre: Double)? in
            let i = n - analysis.firstFrame
            return Self.interval(horizontal ? analysis.columns[i] : analysis.rows[i], scale: scaleAlong)
        }
        let crossSpans = local.map { n -> (low: Double, high: Double, centre: Double)? in
            let i = n - analysis.firstFrame
            return Self.interval(horizontal ? analysis.rows[i] : analysis.columns[i], scale: scaleAcross)
        }
        let known = spans.compactMap { $0 }
        guard !known.isEmpty else {
            return [CropPath.Window(frame: shot.lowerBound, x: (analysis.width - fullW) / 2 & ~1,
                                    y: (analysis.height - fullH) / 2 & ~1, width: fullW, height: fullH)]
        }
        // Zoom: tighter when the subject stays small along both axes through the whole shot.
        let windowAlong = Double(horizontal ? fullW : fullH), windowAcross = Double(horizontal ? fullH : fullW)
        var zoom = 1.0
        if !lockZoom {
            let widest = known.map { $0.high - $0.low }.max() ?? windowAlong
            let crossKnown = crossSpans.compactMap { $0 }
            let crossLow = crossKnown.map(\.low).min() ?? 0, crossHigh = crossKnown.map(\.high).max() ?? Double(across)
            let fitAlong = windowAlong * 0.75 / max(1, widest)
            let fitAcross = windowAcross * 0.9 / max(1, crossHigh - crossLow)
            zoom = Self.clamp(min(fitAlong, fitAcross), 1, Self.maximumZoom)
        }
        let w = Int(Double(fullW) / zoom) & ~1, h = Int(Double(fullH) / zoom) & ~1
        let size = Double(horizontal ? w : h), room = Double(along) - size
        // Cross axis: one position for the shot, centred on where the subject sits.
        let crossKnown = crossSpans.compactMap { $0 }
        let crossCentre = crossKnown.isEmpty ? Double(across) / 2 : crossKnown.map(\.centre).reduce(0, +) / Double(crossKnown.count)
        let crossSize = Double(horizontal ? h : w)
        let cross = Int(Self.clamp(crossCentre - crossSize / 2, 0, Double(across) - crossSize)) & ~1

        let profiles = local.map { n -> [Float] in
            let i = n - analysis.firstFrame
            return horizontal ? analysis.columns[i] : analysis.rows[i]
        }
        let path = Self.track(profiles, windowSize: size / scaleAlong, scale: scaleAlong, room: room)
        let windows = zip(local, path).map { n, p -> CropPath.Window in
            let along = Int(p.rounded()) & ~1
            return horizontal ? CropPath.Window(frame: n, x: along, y: cross, width: w, height: h)
                              : CropPath.Window(frame: n, x: cross, y: along, width: w, height: h)
        }
        return Self.thinned(windows)
    }

    /// The window's path through a shot, in master pixels along the pan axis: a Viterbi search
    /// over window positions on the analysis copy maximising the share of each frame's saliency
    /// inside a slightly smaller scoring window, where moving costs (so the camera holds still
    /// until the subject nears an edge, and never jumps to a distraction for a frame); then
    /// smoothed within the margin the scoring window leaves, and held still when it barely moves.
    static func track(_ profiles: [[Float]], windowSize: Double, scale: Double, room: Double) -> [Double] {
        guard let length = profiles.first?.count, length > 0 else { return [] }
        let scoring = max(1, Int((windowSize * 0.8).rounded(.down)))
        let positions = max(1, length - scoring + 1)
        let inset = (windowSize - Double(scoring)) / 2        // analysis pixels of margin each side
        let step = 1                                          // analysis pixels a frame, at most
        let moveCost = 0.004, startCost = 0.01
        var score = [Double](repeating: 0, count: positions)
        var back: [[Int32]] = []
        back.reserveCapacity(profiles.count)
        for (f, profile) in profiles.enumerated() {
            var prefix = [Double](repeating: 0, count: length + 1)
            for i in 0..<length { prefix[i + 1] = prefix[i] + Double(profile[i]) }
            let total = max(prefix[length], 1e-9)
            var next = [Double](repeating: -.infinity, count: positions)
            var from = [Int32](repeating: 0, count: positions)
            for p in 0..<positions {
                let captured = (prefix[min(length, p + scoring)] - prefix[p]) / total
                if f == 0 { next[p] = captured; from[p] = Int32(p); continue }
                var best = -Double.infinity, arg = p
                for q in max(0, p - step)...min(positions - 1, p + step) {
                    let moved = abs(q - p)
                    let value = score[q] - (moved == 0 ? 0 : startCost + moveCost * Double(moved))
                    if value > best { best = value; arg = q }
                }
                next[p] = best + captured
                from[p] = Int32(arg)
            }
            score = next
            back.append(from)
        }
        var p = score.indices.max { score[$0] < score[$1] } ?? 0
        var cells = [Int](repeating: 0, count: profiles.count)
        for f in stride(from: profiles.count - 1, through: 0, by: -1) {
            cells[f] = p
            p = Int(back[f][p])
        }
        // Analysis cells to master pixels: the real window sits `inset` outside the scoring one.
        let raw = cells.map { clamp((Double($0) - inset) * scale, 0, room) }
        let margin = inset * scale
        if (raw.max()! - raw.min()!) <= 2 * scale {
            let mean = raw.reduce(0, +) / Double(raw.count)
            return Array(repeating: mean, count: raw.count)
        }
        var path = raw
        for _ in 0..<8 {
            path = smoothed(path, radius: smoothingRadius)
            for i in path.indices { path[i] = clamp(path[i], raw[i] - margin, raw[i] + margin) }
        }
        for i in path.indices { path[i] = clamp(path[i], 0, room) }
        return path
    }

    static func smoothed(_ values: [Double], radius: Int) -> [Double] {
        guard values.count > 2 else { return values }
        var prefix = [0.0]
        for v in values { prefix.append(prefix.last! + v) }
        return values.indices.map { i in
            let a = max(0, i - radius), b = min(values.count, i + radius + 1)
            return (prefix[b] - prefix[a]) / Double(b - a)
        }
    }

    /// Keyframes where the path departs from a straight line between its neighbours by more than
    /// a pixel (the rest interpolate back within a pixel or two).
    static func thinned(_ windows: [CropPath.Window]) -> [CropPath.Window] {
        guard windows.count > 2 else { return windows }
        var kept = [windows[0]]
        var anchor = 0
        for i in 1..<(windows.count - 1) {
            let a = windows[anchor], c = windows[i + 1]
            let ok = (anchor + 1...i).allSatisfy { j in
                let t = Double(windows[j].frame - a.frame) / Double(c.frame - a.frame)
                let x = Double(a.x) + (Double(c.x) - Double(a.x)) * t, y = Double(a.y) + (Double(c.y) - Double(a.y)) * t
                return abs(x - Double(windows[j].x)) <= 1.5 && abs(y - Double(windows[j].y)) <= 1.5
            }
            if !ok { kept.append(windows[i]); anchor = i }
        }
        kept.append(windows[windows.count - 1])
        return kept
    }

    static func clamp(_ v: Double, _ low: Double, _ high: Double) -> Double { min(max(v, low), max(low, high)) }
}
