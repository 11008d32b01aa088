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
