public import KijkoMedia

/// Full-frame statistics of one picture on the 8-bit scale (deeper formats are shifted down):
/// the share of black pixels, the shares outside the legal luma and chroma ranges, and the mean
/// absolute luma change from the picture before. Every pixel is read; nothing is copied.
public struct PictureStatistics: Sendable, Equatable {
    public var blackShare: Double
    public var lumaOutside: Double
    public var chromaOutside: Double
    /// Nil for the first picture (or after a size change).
    public var difference: Double?
    public var lumaLow: Int
    public var lumaHigh: Int
    /// Shares of the picture that got brighter / darker by the profile's flash step since the
    /// picture before (0 when there is no flash check or no picture before).
    public var rose: Double = 0
    public var fell: Double = 0
}

public struct PictureMeter: Sendable {
    public let profile: QCProfile

    public init(profile: QCProfile) { self.profile = profile }

    public func measure(_ frame: Frame, previous: Frame?) -> PictureStatistics {
        let format = frame.pixelFormat
        let depth = format.bitDepth ?? 8
        if depth == 8, let fast = measure8(frame, previous: previous) { return fast }
        let luma = histogram(frame, plane: 0, width: frame.width, height: frame.height, depth: depth)
        let shift = format.chromaShift
        let cw = (frame.width + (1 << shift.x) - 1) >> shift.x, ch = (frame.height + (1 << shift.y) - 1) >> shift.y
        var chroma = histogram(frame, plane: 1, width: cw, height: ch, depth: depth)
        let cr = histogram(frame, plane: 2, width: cw, height: ch, depth: depth)
        for i in 0..<256 { chroma[i] += cr[i] }
        let pixels = Double(max(1, frame.width * frame.height)), chromaPixels = Double(max(1, 2 * cw * ch))
        func share(_ histogram: [Int], outside range: QCProfile.Range?) -> Double {
            guard let range else { return 0 }
            let low = histogram[0..<range.low].reduce(0, +), high = histogram[(range.high + 1)...].reduce(0, +)
            return Double(low + high)
        }
        let blackMax = profile.black?.lumaMax ?? 32
        return PictureStatistics(
            blackShare: Double(luma[0...blackMax].reduce(0, +)) / pixels,
            lumaOutside: share(luma, outside: profile.lumaRange) / pixels,
            chromaOutside: share(chroma, outside: profile.chromaRange) / chromaPixels,
            difference: previous.flatMap { difference(frame, $0, depth: depth) },
            lumaLow: luma.firstIndex { $0 > 0 } ?? 0, lumaHigh: luma.lastIndex { $0 > 0 } ?? 0)
    }

    /// The 8-bit path: SIMD counts instead of histograms.
    func measure8(_ frame: Frame, previous: Frame?) -> PictureStatistics? {
        guard let y = frame.data(0), let u = frame.data(1), let v = frame.data(2) else { return nil }
        let shift = frame.pixelFormat.chromaShift
        let cw = (frame.width + (1 << shift.x) - 1) >> shift.x, ch = (frame.height + (1 << shift.y) - 1) >> shift.y
        let luma = profile.lumaRange, chroma = profile.chromaRange
        let l = PlaneScan.count(y, stride: frame.lineSize(0), width: frame.width, height: frame.height,
                                floor: UInt8(profile.black?.lumaMax ?? 32), low: UInt8(luma?.low ?? 0), high: UInt8(luma?.high ?? 255))
        var outside = 0
        if let chroma {
            for (plane, base) in [(1, u), (2, v)] {
                outside += PlaneScan.outside(base, stride: frame.lineSize(plane), width: cw, height: ch,
                                             low: UInt8(chroma.low), high: UInt8(chroma.high))
            }
        }
        var difference: Double?
        var rose = 0, fell = 0
        if let previous, previous.width == frame.width, previous.height == frame.height,
           previous.pixelFormat == frame.pixelFormat, let p = previous.data(0) {
            let total = PlaneScan.difference(y, frame.lineSize(0), p, previous.lineSize(0), width: frame.width, height: frame.height)
            difference = Double(total) / Double(max(1, frame.width * frame.height))
            // A transition needs `area` of the pixels to move by `step`, so the mean change must be
            // at least area × step: below that the exact count cannot qualify and is skipped.
            if let flash = profile.flash, let mean = difference, mean >= flash.area * Double(flash.lumaStep) {
                (rose, fell) = PlaneScan.changes(y, frame.lineSize(0), p, previous.lineSize(0), width: frame.width,
                                                 height: frame.height, step: UInt8(flash.lumaStep))
            }
        }
        let pixels = Double(max(1, frame.width * frame.height))
        return PictureStatistics(blackShare: Double(l.atOrBelow) / pixels, lumaOutside: Double(l.outside) / pixels,
                                 chromaOutside: Double(outside) / Double(max(1, 2 * cw * ch)), difference: difference,
                                 lumaLow: l.lowest, lumaHigh: l.highest, rose: Double(rose) / pixels, fell: Double(fell) / pixels)
    }

    /// 256-bin histogram of a plane, 8-bit scale.
    func histogram(_ frame: Frame, plane: Int, width: Int, height: Int, depth: Int) -> [Int] {
        var bins = [Int](repeating: 0, count: 256)
        guard let base = frame.data(plane) else { return bins }
        let stride = frame.lineSize(plane)
        bins.withUnsafeMutableBufferPointer { bins in
            for y in 0..<height {
                let row = base + y * stride
                if depth == 8 {
                    for x in 0..<width { bins[Int(row[x])] += 1 }
                } else {
                    let wide = UnsafeRawPointer(row).assumingMemoryBound(to: UInt16.self)
                    for x in 0..<width { bins[min(255, Int(wide[x]) >> (depth - 8))] += 1 }
                }
            }
        }
        return bins
    }

    /// Mean absolute luma change between two pictures of one size, 8-bit scale.
    func difference(_ a: Frame, _ b: Frame, depth: Int) -> Double? {
        guard a.width == b.width, a.height == b.height, let pa = a.data(0), let pb = b.data(0) else { return nil }
        let sa = a.lineSize(0), sb = b.lineSize(0)
        var total = 0
        for y in 0..<a.height {
            let ra = pa + y * sa, rb = pb + y * sb
            var row = 0
            if depth == 8 {
                for x in 0..<a.width { row &+= abs(Int(ra[x]) - Int(rb[x])) }
            } else {
                let wa = UnsafeRawPointer(ra).assumingMemoryBound(to: UInt16.self)
                let wb = UnsafeRawPointer(rb).assumingMemoryBound(to: UInt16.self)
                for x in 0..<a.width { row &+= abs(Int(wa[x]) - Int(wb[x])) }
                row >>= depth - 8
            }
            total &+= row
        }
        return Double(total) / Double(max(1, a.width * a.height))
    }
}
