import CKijkoScan

/// The inner loops of the picture checks for 8-bit planes: counts of pixels at or under / under /
/// over levels, the lowest and highest level, and the summed absolute difference of two planes —
/// these in one SSE2 pass a row in C (`CKijkoScan`: four Swift loops a row, each vectorised, cost
/// four times the memory traffic; a fused Swift loop stays scalar) — and the sampled checks
/// (blocking, combing, saturated red), also in C; letterbox bars in Swift (they stop early).
enum PlaneScan {
    struct Counts {
        var atOrBelow = 0     // pixels ≤ `floor`
        var outside = 0       // pixels < `low` or > `high`
        var lowest = 255
        var highest = 0
        /// Sum and count of the pixels on every fourth line (for the mean luma the report draws).
        var sampledSum = 0
        var sampledCount = 0
    }

    /// One pass over a plane: what `Counts` holds, the mean sampled on every fourth row (C, SSE2).
    static func count(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int,
                      floor: UInt8, low: UInt8, high: UInt8) -> Counts {
        var c = kijko_plane_counts()
        kijko_plane_count(base, stride, Int32(width), Int32(height), floor, low, high, 4, &c)
        return Counts(atOrBelow: Int(c.at_or_below), outside: Int(c.outside), lowest: Int(c.lowest), highest: Int(c.highest),
                      sampledSum: Int(c.sampled_sum), sampledCount: Int(c.sampled_count))
    }

    /// Pixels that rose by at least `step` from `b` to `a`, and pixels that fell by at least `step`.
    @inline(never)
    static func changes(_ a: UnsafePointer<UInt8>, _ strideA: Int, _ b: UnsafePointer<UInt8>, _ strideB: Int,
                        width: Int, height: Int, step: UInt8) -> (rose: Int, fell: Int) {
        var rose = 0, fell = 0
        for y in 0..<height {
            let ra = a + y * strideA, rb = b + y * strideB
            var up: UInt32 = 0, down: UInt32 = 0
            // Signed 16-bit differences, one comparison each: loops the optimiser vectorises.
            let threshold = Int16(step)
            for x in 0..<width { up &+= UInt32(Int16(ra[x]) &- Int16(rb[x]) >= threshold ? 1 : 0) }
            for x in 0..<width { down &+= UInt32(Int16(rb[x]) &- Int16(ra[x]) >= threshold ? 1 : 0) }
            rose += Int(up)
            fell += Int(down)
        }
        return (rose, fell)
    }

    /// Σ|a − b| over two planes of one size (C, SSE2).
    static func difference(_ a: UnsafePointer<UInt8>, _ strideA: Int, _ b: UnsafePointer<UInt8>, _ strideB: Int,
                           width: Int, height: Int) -> Int {
        Int(kijko_plane_sad(a, strideA, b, strideB, Int32(width), Int32(height)))
    }
}

extension PlaneScan {
    /// Rows from the top (or the bottom) whose every pixel is at or under `level`, scanning at most
    /// `limit` rows: a letterbox bar.
    @inline(never)
    static func darkRows(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, level: UInt8,
                         fromBottom: Bool, limit: Int) -> Int {
        for i in 0..<min(limit, height) {
            let row = base + (fromBottom ? height - 1 - i : i) * stride
            var high: UInt8 = 0
            for x in 0..<width { high = Swift.max(high, row[x]) }
            if high > level { return i }
        }
        return min(limit, height)
    }

    /// Columns from the left (or the right) whose every pixel (rows `top..<bottom`) is at or under
    /// `level`, scanning at most `limit` columns: a pillarbox bar.
    @inline(never)
    static func darkColumns(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, top: Int, bottom: Int, level: UInt8,
                            fromRight: Bool, limit: Int) -> Int {
        guard bottom > top else { return 0 }
        for i in 0..<min(limit, width) {
            let x = fromRight ? width - 1 - i : i
            for y in top..<bottom where base[y * stride + x] > level { return i }
        }
        return min(limit, width)
    }

    /// Blocking, from a sample of the picture: the share of 8×8 block edges where the step across
    /// the edge stands out — at least `minStep` and more than about twice the steps either side of
    /// it — and the same share at the middles of blocks (8k + 4) as a control. Horizontal edges
    /// are read on every 16th block row across the whole width, vertical edges on every 16th row.
    /// Blocky pictures step at nearly every edge and almost nowhere inside; natural pictures step
    /// about as often at both.
    static func blockSteps(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, minStep: UInt8)
        -> (edges: Double, middles: Double) {
        var edges: Int64 = 0, middles: Int64 = 0, samples: Int64 = 0
        kijko_block_steps(base, stride, Int32(width), Int32(height), minStep, &edges, &middles, &samples)
        return (Double(edges) / Double(max(1, samples)), Double(middles) / Double(max(1, samples)))
    }

    /// Combing on a sample of line triples (every 16th): the mean of |2·b − a − c| (a line against
    /// its neighbours of the other field) and of |a − c| (the two neighours, one field). Woven
    /// fields from different moments make the first large and leave the second small.
    static func combing(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int) -> (across: Double, within: Double) {
        var across: Int64 = 0, within: Int64 = 0, count: Int64 = 0
        kijko_combing(base, stride, Int32(width), Int32(height), &across, &within, &count)
        return (Double(across) / Double(max(1, count)), Double(within) / Double(max(1, count)))
    }

    /// Share of chroma pixels that are saturated red (Cr at or over `crMin` with Cb at or under
    /// `cbMax`), read on every other row: the flash rule works on a quarter of the picture, so
    /// half the rows measure it to well under a percent.
    static func redShare(_ u: UnsafePointer<UInt8>, _ strideU: Int, _ v: UnsafePointer<UInt8>, _ strideV: Int,
                         width: Int, height: Int, crMin: UInt8, cbMax: UInt8) -> Double {
        var red: Int64 = 0, count: Int64 = 0
        kijko_red_count(u, strideU, v, strideV, Int32(width), Int32(height), crMin, cbMax, &red, &count)
        return Double(red) / Double(max(1, count))
    }
}
