public import KijkoMedia

/// Full-frame statistics of one picture on the 8-bit scale (deeper formats are shifted down
/// first): the share of black pixels, the shares outside the legal luma and chroma ranges, the
/// mean absolute luma change from the picture before, flash transitions, black bars, blocking and
/// combing. Every pixel is read for the levels; bars, blocking and combing read samples.
public struct PictureStatistics: Sendable, Equatable {
    public var blackShare: Double
    public var lumaOutside: Double
    public var chromaOutside: Double
    /// Mean absolute luma change from the picture before (where that is under the freeze limit,
    /// the chroma's change when larger). Nil for the first picture (or after a size change).
    public var difference: Double?
    public var lumaLow: Int
    public var lumaHigh: Int
    /// Mean luma, Cb and Cr (8-bit levels, every fourth line), for the report's graphs.
    public var lumaMean: Float = 0
    public var cbMean: Float = 128
    public var crMean: Float = 128
    /// Shares of the picture that got brighter / darker by the profile's flash step since the
    /// picture before (0 when there is no flash check or no picture before).
    public var rose: Double = 0
    public var fell: Double = 0
    /// Share of the picture that is saturated red (0 without a flash check).
    public var redShare: Float = 0
    /// Black bars, pixels: top, bottom, left, right (0 without a letterbox check).
    public var bars: SIMD4<Int16> = .zero
    /// Shares of 8×8 block edges, and of block middles, where the luma step stands out (0 without
    /// a blockiness check).
    public var blockEdge: Float = 0
    public var blockInside: Float = 0
    /// The picture's mean H.264 quantiser (0–51) as its decoder exported it; -1 when unknown
    /// (another codec, or no blockiness check).
    public var quantiser: Float = -1
    /// Mean combing steps across fields and within a field (0 without an interlace check, or when
    /// the picture is flagged interlaced).
    public var combAcross: Float = 0
    public var combWithin: Float = 0
}

public struct PictureMeter: Sendable {
    public let profile: QCProfile

    public init(profile: QCProfile) { self.profile = profile }

    /// The three planes of a picture, 8 bits a sample.
    struct Planes {
        var y: UnsafePointer<UInt8>, u: UnsafePointer<UInt8>, v: UnsafePointer<UInt8>
        var yStride: Int, uStride: Int, vStride: Int
        var width: Int, height: Int, chromaWidth: Int, chromaHeight: Int
        var interlaced: Bool
    }

    /// Measures `frame` against `previous`. Pictures deeper than 8 bits are shifted down into
    /// `scratch` (owned by the caller's thread, reused picture to picture).
    public func measure(_ frame: Frame, previous: Frame?, scratch: inout EightBitPlanes) -> PictureStatistics? {
        let depth = frame.pixelFormat.bitDepth ?? 8
        if depth == 8 {
            guard let planes = Self.planes(frame) else { return nil }
            let before = previous.flatMap { Self.planes($0) }
            return measure(planes, previous: before)
        }
        guard scratch.load(frame, depth: depth) else { return nil }
        let hasPrevious = previous != nil && scratch.hasSecond
        defer { scratch.swap() }
        return scratch.withPlanes { current, before in measure(current, previous: hasPrevious ? before : nil) }
    }

    static func planes(_ frame: Frame) -> Planes? {
        guard let y = frame.data(0), let u = frame.data(1), let v = frame.data(2) else { return nil }
        let shift = frame.pixelFormat.chromaShift
        return Planes(y: y, u: u, v: v, yStride: frame.lineSize(0), uStride: frame.lineSize(1), vStride: frame.lineSize(2),
                      width: frame.width, height: frame.height,
                      chromaWidth: (frame.width + (1 << shift.x) - 1) >> shift.x, chromaHeight: (frame.height + (1 << shift.y) - 1) >> shift.y,
                      interlaced: frame.isInterlaced)
    }

    func measure(_ p: Planes, previous: Planes?) -> PictureStatistics {
        let luma = profile.lumaRange, chroma = profile.chromaRange
        let l = PlaneScan.count(p.y, stride: p.yStride, width: p.width, height: p.height,
                                floor: UInt8(profile.black?.lumaMax ?? 32), low: UInt8(luma?.low ?? 0), high: UInt8(luma?.high ?? 255))
        // Both chroma planes are read whole: for the legal range when the profile has one, and for
        // the mean the report draws.
        let chromaLow = UInt8(chroma?.low ?? 0), chromaHigh = UInt8(chroma?.high ?? 255)
        let cb = PlaneScan.count(p.u, stride: p.uStride, width: p.chromaWidth, height: p.chromaHeight, floor: 0, low: chromaLow, high: chromaHigh)
        let cr = PlaneScan.count(p.v, stride: p.vStride, width: p.chromaWidth, height: p.chromaHeight, floor: 0, low: chromaLow, high: chromaHigh)
        let outside = chroma == nil ? 0 : cb.outside + cr.outside
        let pixels = Double(max(1, p.width * p.height))
        var stats = PictureStatistics(blackShare: Double(l.atOrBelow) / pixels, lumaOutside: Double(l.outside) / pixels,
                                      chromaOutside: Double(outside) / Double(max(1, 2 * p.chromaWidth * p.chromaHeight)),
                                      difference: nil, lumaLow: l.lowest, lumaHigh: l.highest)
        stats.lumaMean = Float(l.sampledSum) / Float(max(1, l.sampledCount))
        stats.cbMean = Float(cb.sampledSum) / Float(max(1, cb.sampledCount))
        stats.crMean = Float(cr.sampledSum) / Float(max(1, cr.sampledCount))
        if let q = previous, q.width == p.width, q.height == p.height {
            let total = PlaneScan.difference(p.y, p.yStride, q.y, q.yStride, width: p.width, height: p.height)
            var mean = Double(total) / pixels
            // A picture whose luma stands still may still change colour: the chroma decides, read
            // only for these few candidates.
            if let freeze = profile.freeze, mean <= freeze.differenceMax {
                let chroma = PlaneScan.difference(p.u, p.uStride, q.u, q.uStride, width: p.chromaWidth, height: p.chromaHeight)
                    + PlaneScan.difference(p.v, p.vStride, q.v, q.vStride, width: p.chromaWidth, height: p.chromaHeight)
                mean = max(mean, Double(chroma) / Double(max(1, 2 * p.chromaWidth * p.chromaHeight)))
            }
            stats.difference = mean
            // A transition needs `area` of the pixels to move by `step`, so the mean change must be
            // at least area × step: below that the exact count cannot qualify and is skipped.
            if let flash = profile.flash, mean >= flash.area * Double(flash.lumaStep) {
                let (rose, fell) = PlaneScan.changes(p.y, p.yStride, q.y, q.yStride, width: p.width, height: p.height,
                                                     step: UInt8(flash.lumaStep))
                stats.rose = Double(rose) / pixels
                stats.fell = Double(fell) / pixels
            }
        }
        if let flash = profile.flash {
            stats.redShare = Float(PlaneScan.redShare(p.u, p.uStride, p.v, p.vStride, width: p.chromaWidth, height: p.chromaHeight,
                                                      crMin: UInt8(flash.redCrMin), cbMax: UInt8(flash.redCbMax)))
        }
        // Bars are looked for only in pictures that are not black all over.
        if let box = profile.letterbox, stats.blackShare < 0.9 {
            let level = UInt8(box.lumaMax)
            let top = PlaneScan.darkRows(p.y, stride: p.yStride, width: p.width, height: p.height, level: level, fromBottom: false, limit: p.height / 3)
            let bottom = PlaneScan.darkRows(p.y, stride: p.yStride, width: p.width, height: p.height, level: level, fromBottom: true, limit: p.height / 3)
            let left = PlaneScan.darkColumns(p.y, stride: p.yStride, width: p.width, top: top, bottom: p.height - bottom, level: level,
                                             fromRight: false, limit: p.width / 3)
            let right = PlaneScan.darkColumns(p.y, stride: p.yStride, width: p.width, top: top, bottom: p.height - bottom, level: level,
                                              fromRight: true, limit: p.width / 3)
            stats.bars = SIMD4(Int16(top), Int16(bottom), Int16(left), Int16(right))
        }
        if let block = profile.blockiness {
            let steps = PlaneScan.blockSteps(p.y, stride: p.yStride, width: p.width, height: p.height, minStep: UInt8(block.minStep))
            stats.blockEdge = Float(steps.edges)
            stats.blockInside = Float(steps.middles)
        }
        if profile.interlace != nil, !p.interlaced {
            let comb = PlaneScan.combing(p.y, stride: p.yStride, width: p.width, height: p.height)
            stats.combAcross = Float(comb.across)
            stats.combWithin = Float(comb.within)
        }
        return stats
    }
}

/// 8-bit copies of the last two pictures of a deeper format (10-, 12-bit), shifted down, so the
/// 8-bit measures serve every depth. Owned by one thread; buffers are reused.
public struct EightBitPlanes {
    private var buffers: [[UInt8]] = [[], []]
    private var geometry: [(width: Int, height: Int, chromaWidth: Int, chromaHeight: Int, interlaced: Bool)?] = [nil, nil]
    private var current = 0

    public init() {}

    var hasSecond: Bool { geometry[1 - current] != nil }

    /// Shifts `frame`'s three planes down to 8 bits into the current slot.
    mutating func load(_ frame: Frame, depth: Int) -> Bool {
        guard let y = frame.data(0), let u = frame.data(1), let v = frame.data(2) else { return false }
        let shift = frame.pixelFormat.chromaShift
        let w = frame.width, h = frame.height
        let cw = (w + (1 << shift.x) - 1) >> shift.x, ch = (h + (1 << shift.y) - 1) >> shift.y
        let size = w * h + 2 * cw * ch
        if buffers[current].count != size { buffers[current] = [UInt8](repeating: 0, count: size) }
        let bits = UInt16(depth - 8)
        buffers[current].withUnsafeMutableBufferPointer { out in
            var offset = 0
            for (base, stride, pw, ph) in [(y, frame.lineSize(0), w, h), (u, frame.lineSize(1), cw, ch), (v, frame.lineSize(2), cw, ch)] {
                for row in 0..<ph {
                    let wide = UnsafeRawPointer(base + row * stride).assumingMemoryBound(to: UInt16.self)
                    let target = out.baseAddress! + offset + row * pw
                    for x in 0..<pw { target[x] = UInt8(truncatingIfNeeded: Swift.min(wide[x] >> bits, 255)) }
                }
                offset += pw * ph
            }
        }
        geometry[current] = (w, h, cw, ch, frame.isInterlaced)
        return true
    }

    /// Makes the current picture the previous one.
    mutating func swap() { current = 1 - current }

    /// The current and previous pictures as planes (the previous may be of another size: the
    /// meter checks).
    func withPlanes<R>(_ body: (PictureMeter.Planes, PictureMeter.Planes) -> R) -> R? {
        guard let g = geometry[current] else { return nil }
        let other = geometry[1 - current] ?? g
        return buffers[current].withUnsafeBufferPointer { a in
            buffers[1 - current].withUnsafeBufferPointer { b in
                func planes(_ base: UnsafePointer<UInt8>?, _ g: (width: Int, height: Int, chromaWidth: Int, chromaHeight: Int, interlaced: Bool))
                    -> PictureMeter.Planes? {
                    guard let base else { return nil }
                    let luma = g.width * g.height, chroma = g.chromaWidth * g.chromaHeight
                    return PictureMeter.Planes(y: base, u: base + luma, v: base + luma + chroma, yStride: g.width, uStride: g.chromaWidth,
                                               vStride: g.chromaWidth, width: g.width, height: g.height, chromaWidth: g.chromaWidth,
                                               chromaHeight: g.chromaHeight, interlaced: g.interlaced)
                }
                let now = planes(a.baseAddress, g)!
                return body(now, planes(b.baseAddress, other) ?? now)
            }
        }
    }
}
