import Foundation

/// The analysis pass: decodes a section of the master once, scales each frame to a small copy
/// (160 pixels wide), and measures cuts and saliency there. Cuts are large changes in the luma
/// histogram and picture between neighbours that do not come back within a few frames — so a
/// camera flash or a strobe (bright for a frame or two, then the same picture again) is not a cut.
public struct MasterAnalyser {
    public let master: String
    /// Seconds of the master; nil for its start / end.
    public var start: Double?
    public var end: Double?
    public static let analysisWidth = 160
    /// Frames a change must last to count as a cut (flash guard), and the shortest shot.
    static let settle = 3
    static let shortestShot = 6

    public init(master: String, start: Double? = nil, end: Double? = nil) {
        self.master = master
        self.start = start
        self.end = end
    }

    /// Runs the pass. `progress` gets frames analysed.
    public func run(progress: ((Int) -> Void)? = nil) throws -> MasterAnalysis {
        // The analysis copy is 160 pixels wide: deblocking is invisible there, so skip it.
        let reader = try FrameReader(path: master, fastDecode: true)
        guard case let .video(width, height, _, _, _, _) = reader.frameFormat else {
            throw MediaError(file: master, stage: .probe, reason: "no picture to analyse")
        }
        guard width >= 2, height >= 2 else {
            throw MediaError(file: master, stage: .probe, reason: "the picture is \(width)x\(height): nothing to analyse")
        }
        let aw = Self.analysisWidth, ah = max(2, Int((Double(aw) * Double(height) / Double(width)).rounded()) & ~1)
        let graph = try FilterGraph("[in]scale=\(aw):\(ah):flags=area,format=yuv444p[out]", inputs: ["in": reader.frameFormat])
        if let start, start > 0 { try reader.seek(toPTS: reader.startPTS + Int64(start / reader.timeBase.doubleValue)) }
        let endFrame = end.map { Int(($0 * reader.frameRate.doubleValue).rounded()) }

        var analysis = MasterAnalysis(width: width, height: height, frameRate: reader.frameRate, analysisWidth: aw,
                                      analysisHeight: ah, firstFrame: 0, shots: [], columns: [], rows: [], activity: [])
        var lumas: [[UInt8]] = []          // the last few small lumas, for the flash guard
        var changes: [Int: Double] = [:]   // frame → histogram change from its predecessor
        var previous: [UInt8]?
        var cuts: [Int] = []
        // The picture from before a run of flashes (a strobe longer than the look-back), and when
        // the last flash was seen: a change that returns to it ends the strobe, not a shot.
        var beforeFlashes: [UInt8]?
        var lastFlash: Int?
        var first: Int?
        var gradual = TransitionFinder(longest: Int((reader.frameRate.doubleValue * 3).rounded()))
        let frame = try Frame(), small = try Frame()
        var more = true
        while more {
            more = try reader.next(into: frame)
            var index = 0
            if more {
                index = reader.frameIndex(ofPTS: frame.pts ?? 0)
                if let endFrame, index >= endFrame { more = false }
            }
            if more { try graph.push(frame) } else { try graph.push(nil) }
            while try graph.pull(into: small) == .frame {
                let n = (first ?? index) + analysis.frameCount
                if first == nil { first = n; analysis.firstFrame = n }
                let planes = Self.planes(small, width: aw, height: ah)
                let measured = Self.saliency(planes, previous: previous, width: aw, height: ah)
                analysis.columns.append(measured.columns)
                analysis.rows.append(measured.rows)
                analysis.activity.append(measured.activity)
                analysis.detail.append(measured.detail)
                if let previous { changes[n] = Self.histogramChange(previous, planes.y) }
                lumas.append(planes.y)
                gradual.add(frame: n, luma: planes.y)
                let span = 2 * Self.settle + 2
                if lumas.count > span { lumas.removeFirst() }
                // Decide on frame n - settle now that the frames after it are known.
                let candidate = n - Self.settle
                if let change = changes[candidate], change > 0.3,
                   candidate - (cuts.last ?? analysis.firstFrame) >= Self.shortestShot {
                    // lumas ends [… candidate-1, candidate, …, n]. A flash is a change that goes
                    // back: a later frame like the one before it (a flash starting here), or this
                    // frame like one from before the frame before (a flash ending here).
                    let here = lumas.count - 1 - Self.settle
                    let before = lumas[here - 1]
                    let similar = change * 0.35
                    let goesBack = lumas[(here + 1)...].contains { Self.histogramChange(before, $0) < similar }
                    if let lastFlash, candidate - lastFlash > Int(reader.frameRate.doubleValue * 2) { beforeFlashes = nil }
                    let cameBack = lumas[..<max(0, here - 1)].contains { Self.histogramChange(lumas[here], $0) < similar }
                        || beforeFlashes.map { Self.histogramChange(lumas[here], $0) < similar } == true
                    // And a cut lands on a picture that holds (a strobe does not).
                    let holds = Self.histogramChange(lumas[here], lumas[lumas.count - 1]) < similar
                    if holds && !goesBack && !cameBack {
                        cuts.append(candidate)
                        gradual.cuts.append(candidate)
                        beforeFlashes = nil
                    } else {
                        if beforeFlashes == nil { beforeFlashes = before }
                        lastFlash = candidate
                    }
                }
                changes[candidate - 1] = nil
                previous = planes.y
                progress?(analysis.frameCount)
            }
        }
        guard analysis.frameCount > 0 else {
            throw MediaError(file: master, stage: .decode, reason: "no frames in the section to analyse")
        }
        // A cut frame's "motion" is the whole picture changing: describe it by the frame after.
        for cut in cuts where cut + 1 < analysis.frames.upperBound {
            let i = cut - analysis.firstFrame
            analysis.columns[i] = analysis.columns[i + 1]
            analysis.rows[i] = analysis.rows[i + 1]
            analysis.activity[i] = analysis.activity[i + 1]
        }
        // A gradual transition hands over at its middle; its frames are kept apart for keyframes.
        // The histograms of a blend can jump where a flat colour crosses a bin: a "cut" inside a
        // transition is part of it.
        gradual.finish()
        analysis.transitions = gradual.found
        cuts.removeAll { cut in analysis.transitions.contains { ($0.startFrame - 1)...($0.endFrame + 1) ~= cut } }
        let middles = analysis.transitions.map { ($0.startFrame + $0.endFrame) / 2 }
        let bounds = [analysis.firstFrame] + Array(Set(cuts + middles)).sorted() + [analysis.frames.upperBound]
        analysis.shots = zip(bounds, bounds.dropFirst()).map { $0..<$1 }.filter { !$0.isEmpty }
        return analysis
    }

    struct Planes {
        var y: [UInt8]
        var cb: [UInt8]
        var cr: [UInt8]
    }

    static func planes(_ frame: Frame, width: Int, height: Int) -> Planes {
        func copy(_ plane: Int) -> [UInt8] {
            guard let base = frame.data(plane) else { return [UInt8](repeating: 128, count: width * height) }
            let stride = frame.lineSize(plane)
            var out = [UInt8](repeating: 0, count: width * height)
            for row in 0..<height {
                for x in 0..<width { out[row * width + x] = base[row * stride + x] }
            }
            return out
        }
        return Planes(y: copy(0), cb: copy(1), cr: copy(2))
    }

    /// Share of pixels that moved between 32-bin luma histograms (0 same … 1 disjoint).
    static func histogramChange(_ a: [UInt8], _ b: [UInt8]) -> Double {
        var ha = [Int](repeating: 0, count: 32), hb = [Int](repeating: 0, count: 32)
        for v in a { ha[Int(v) >> 3] += 1 }
        for v in b { hb[Int(v) >> 3] += 1 }
        var moved = 0
        for i in 0..<32 { moved += abs(ha[i] - hb[i]) }
        return Double(moved) / Double(2 * max(1, a.count))
    }

    /// Edge detail + motion + skin, summed into column and row profiles.
    static func saliency(_ p: Planes, previous: [UInt8]?, width w: Int, height h: Int)
        -> (columns: [Float], rows: [Float], activity: Float, detail: Float) {
        var columns = [Float](repeating: 0, count: w), rows = [Float](repeating: 0, count: h)
        var motionSum: Float = 0, edgeSum: Float = 0
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let edge = Float(abs(Int(p.y[i + 1]) - Int(p.y[i - 1])) + abs(Int(p.y[i + w]) - Int(p.y[i - w])))
                let motion = previous.map { Float(abs(Int(p.y[i]) - Int($0[i]))) } ?? 0
                let cb = p.cb[i], cr = p.cr[i]
                let skin: Float = (77...127).contains(cb) && (133...173).contains(cr) && p.y[i] > 60 ? 40 : 0
                // Small differences are noise and compression; count what stands out.
                let value = max(0, edge - 12) + 2 * max(0, motion - 6) + skin
                columns[x] += value
                rows[y] += value
                motionSum += motion
                edgeSum += edge
            }
        }
        let area = Float(max(1, (w - 2) * (h - 2)))
        return (columns, rows, (motionSum + 0.25 * edgeSum) / area, edgeSum / area)
    }
}
