/// The inner loops of the picture checks for 8-bit planes: counts of pixels at or under / under /
/// over levels, the lowest and highest level, and the summed absolute difference of two planes.
/// Written as plain branch-free loops with per-row 32-bit counters, one measure per loop, which the
/// optimiser turns into vector code (about 0.4 ns a pixel for all of them; a fused loop stays
/// scalar, and Swift's generic SIMD types were ten times slower).
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

    @inline(never)
    static func count(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int,
                      floor: UInt8, low: UInt8, high: UInt8) -> Counts {
        var result = Counts()
        var lowest: UInt8 = 255, highest: UInt8 = 0
        let span = high &- low   // outside [low, high] ⇔ p − low (wrapping) > high − low
        for y in 0..<height {
            let row = base + y * stride
            var dark: UInt32 = 0, outside: UInt32 = 0
            var rowLow: UInt8 = 255, rowHigh: UInt8 = 0
            // Three simple loops vectorise; one loop doing all three does not.
            for x in 0..<width { dark &+= UInt32(row[x] <= floor ? 1 : 0) }
            for x in 0..<width { outside &+= UInt32(row[x] &- low > span ? 1 : 0) }
            for x in 0..<width {
                let p = row[x]
                rowLow = Swift.min(rowLow, p)
                rowHigh = Swift.max(rowHigh, p)
            }
            if y & 3 == 0 {
                var sum: UInt32 = 0
                for x in 0..<width { sum &+= UInt32(row[x]) }
                result.sampledSum += Int(sum)
                result.sampledCount += width
            }
            result.atOrBelow += Int(dark)
            result.outside += Int(outside)
            lowest = Swift.min(lowest, rowLow)
            highest = Swift.max(highest, rowHigh)
        }
        result.lowest = Int(lowest)
        result.highest = Int(highest)
        return result
    }

    /// Pixels outside `[low, high]` only (what the chroma planes need).
    @inline(never)
    static func outside(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, low: UInt8, high: UInt8) -> Int {
        var total = 0
        let span = high &- low
        for y in 0..<height {
            let row = base + y * stride
            var outside: UInt32 = 0
            for x in 0..<width { outside &+= UInt32(row[x] &- low > span ? 1 : 0) }
            total += Int(outside)
        }
        return total
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

    /// Σ|a − b| over two planes of one size.
    @inline(never)
    static func difference(_ a: UnsafePointer<UInt8>, _ strideA: Int, _ b: UnsafePointer<UInt8>, _ strideB: Int,
                           width: Int, height: Int) -> Int {
        var total = 0
        for y in 0..<height {
            let ra = a + y * strideA, rb = b + y * strideB
            var row: UInt32 = 0
            for x in 0..<width {
                let p = ra[x], q = rb[x]
                row &+= UInt32(p > q ? p &- q : q &- p)
            }
            total += Int(row)
        }
        return total
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
    /// are read on every 16th block row across the whole width (branch-free loops the optimiser
    /// vectorises), vertical edges on every 16th row. Blocky pictures step at nearly every edge and
    /// almost nowhere inside; natural pictures step about as often at both.
    @inline(never)
    static func blockSteps(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int, minStep: UInt8)
        -> (edges: Double, middles: Double) {
        guard width >= 24, height >= 24 else { return (0, 0) }
        var edgeHits = 0, middleHits = 0, samples = 0
        @inline(__always) func absolute(_ p: UInt8, _ q: UInt8) -> UInt8 { p > q ? p &- q : q &- p }
        @inline(__always) func standsOut(_ p0: UInt8, _ p1: UInt8, _ p2: UInt8, _ p3: UInt8) -> UInt32 {
            let s = absolute(p1, p2), side = Swift.max(absolute(p0, p1), absolute(p2, p3))
            return UInt32((s >= minStep ? 1 : 0) & ((s &>> 1) > side ? 1 : 0))
        }
        // Across horizontal edges (rows 16k−1 | 16k), and across the middle rows as control.
        var y = 16
        while y + 6 < height {
            let r0 = base + (y - 2) * stride, r1 = base + (y - 1) * stride, r2 = base + y * stride, r3 = base + (y + 1) * stride
            let m0 = base + (y + 2) * stride, m1 = base + (y + 3) * stride, m2 = base + (y + 4) * stride, m3 = base + (y + 5) * stride
            var e: UInt32 = 0, m: UInt32 = 0
            for x in 0..<width { e &+= standsOut(r0[x], r1[x], r2[x], r3[x]) }
            for x in 0..<width { m &+= standsOut(m0[x], m1[x], m2[x], m3[x]) }
            edgeHits += Int(e); middleHits += Int(m); samples += width
            y += 16
        }
        // Across vertical edges (columns 8k−1 | 8k), along every 16th row.
        y = 4
        while y < height {
            let row = base + y * stride
            var x = 8
            while x + 6 < width {
                edgeHits += Int(standsOut(row[x - 2], row[x - 1], row[x], row[x + 1]))
                middleHits += Int(standsOut(row[x + 2], row[x + 3], row[x + 4], row[x + 5]))
                samples += 1
                x += 8
            }
            y += 16
        }
        return (Double(edgeHits) / Double(max(1, samples)), Double(middleHits) / Double(max(1, samples)))
    }

    /// Combing on a sample of line triples (every 16th): the mean of |2·b − a − c| (a line against
    /// its neighbours of the other field) and of |a − c| (the two neighours, one field). Woven
    /// fields from different moments make the first large and leave the second small.
    @inline(never)
    static func combing(_ base: UnsafePointer<UInt8>, stride: Int, width: Int, height: Int) -> (across: Double, within: Double) {
        var across = 0, within = 0, count = 0
        var y = 1
        while y + 1 < height {
            let a = base + (y - 1) * stride, b = base + y * stride, c = base + (y + 1) * stride
            var comb: UInt32 = 0, same: UInt32 = 0
            for x in 0..<width {
                let d = Int16(b[x]) &* 2 &- Int16(a[x]) &- Int16(c[x])
                comb &+= UInt32(UInt16(bitPattern: d < 0 ? 0 &- d : d))
            }
            for x in 0..<width { same &+= UInt32(a[x] > c[x] ? a[x] &- c[x] : c[x] &- a[x]) }
            across += Int(comb); within += Int(same); count += width
            y += 16
        }
        return (Double(across) / Double(max(1, count)), Double(within) / Double(max(1, count)))
    }

    /// Share of chroma pixels that are saturated red (Cr at or over `crMin` with Cb at or under
    /// `cbMax`), read on every other row: the flash rule works on a quarter of the picture, so
    /// half the rows measure it to well under a percent.
    @inline(never)
    static func redShare(_ u: UnsafePointer<UInt8>, _ strideU: Int, _ v: UnsafePointer<UInt8>, _ strideV: Int,
                         width: Int, height: Int, crMin: UInt8, cbMax: UInt8) -> Double {
        var total = 0, rows = 0
        for y in Swift.stride(from: 0, to: height, by: 2) {
            rows += 1
            let ru = u + y * strideU, rv = v + y * strideV
            var count: UInt32 = 0
            for x in 0..<width { count &+= UInt32((rv[x] >= crMin ? 1 : 0) & (ru[x] <= cbMax ? 1 : 0)) }
            total += Int(count)
        }
        return Double(total) / Double(max(1, rows * width))
    }
}
