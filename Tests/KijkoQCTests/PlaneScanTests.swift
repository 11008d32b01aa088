import CKijkoScan
import Testing

/// The C pass that QC runs over every pixel must count exactly what the plain loops count, on
/// planes of awkward sizes (tails past the 16-byte steps, rows past 255 steps, padded strides)
/// and levels at the edges of the ranges.
@Suite struct PlaneScanTests {
    /// A reproducible plane of `stride × height` bytes with runs of extreme levels.
    static func plane(width: Int, height: Int, stride: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<(stride * height)).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let r = UInt8(truncatingIfNeeded: state >> 56)
            // Every 97th pixel is 0 or 255, so the lowest and highest levels land anywhere.
            return i % 97 == 0 ? (r & 1 == 0 ? 0 : 255) : r
        }
    }

    @Test(arguments: [(1920, 1080, 1920), (4100, 3, 4128), (17, 9, 32), (15, 4, 15), (1, 1, 1), (960, 540, 1024)])
    func theFastPassCountsWhatThePlainLoopsCount(_ size: (Int, Int, Int)) {
        let (width, height, stride) = size
        let pixels = Self.plane(width: width, height: height, stride: stride, seed: UInt64(width * 31 + height))
        for (floor, low, high): (UInt8, UInt8, UInt8) in [(32, 16, 235), (0, 0, 255), (255, 128, 128), (16, 17, 240)] {
            var fast = kijko_plane_counts(), plain = kijko_plane_counts()
            pixels.withUnsafeBufferPointer { p in
                kijko_plane_count(p.baseAddress, stride, Int32(width), Int32(height), floor, low, high, 4, &fast)
                kijko_plane_count_portable(p.baseAddress, stride, Int32(width), Int32(height), floor, low, high, 4, &plain)
            }
            #expect(fast.at_or_below == plain.at_or_below && fast.outside == plain.outside, "\(size) \(floor) \(low)…\(high)")
            #expect(fast.lowest == plain.lowest && fast.highest == plain.highest)
            #expect(fast.sampled_sum == plain.sampled_sum && fast.sampled_count == plain.sampled_count)
        }
        let other = Self.plane(width: width, height: height, stride: stride, seed: 7)
        let (fast, plain) = pixels.withUnsafeBufferPointer { p in
            other.withUnsafeBufferPointer { q in
                (kijko_plane_sad(p.baseAddress, stride, q.baseAddress, stride, Int32(width), Int32(height)),
                 kijko_plane_sad_portable(p.baseAddress, stride, q.baseAddress, stride, Int32(width), Int32(height)))
            }
        }
        #expect(fast == plain && (fast > 0 || width * height < 16))
        // The sampled checks: blocking steps at a few step sizes, combing, saturated red.
        pixels.withUnsafeBufferPointer { p in
            for minStep: UInt8 in [1, 6, 40, 200] {
                var fast = (Int64(0), Int64(0), Int64(0)), plain = (Int64(0), Int64(0), Int64(0))
                kijko_block_steps(p.baseAddress, stride, Int32(width), Int32(height), minStep, &fast.0, &fast.1, &fast.2)
                kijko_block_steps_portable(p.baseAddress, stride, Int32(width), Int32(height), minStep, &plain.0, &plain.1, &plain.2)
                #expect(fast == plain, "blocking \(size) step \(minStep)")
            }
            var fast = (Int64(0), Int64(0), Int64(0)), plain = (Int64(0), Int64(0), Int64(0))
            kijko_combing(p.baseAddress, stride, Int32(width), Int32(height), &fast.0, &fast.1, &fast.2)
            kijko_combing_portable(p.baseAddress, stride, Int32(width), Int32(height), &plain.0, &plain.1, &plain.2)
            #expect(fast == plain, "combing \(size)")
            other.withUnsafeBufferPointer { q in
                var fast = (Int64(0), Int64(0)), plain = (Int64(0), Int64(0))
                kijko_red_count(p.baseAddress, stride, q.baseAddress, stride, Int32(width), Int32(height), 150, 110, &fast.0, &fast.1)
                kijko_red_count_portable(p.baseAddress, stride, q.baseAddress, stride, Int32(width), Int32(height), 150, 110,
                                         &plain.0, &plain.1)
                #expect(fast == plain && (height < 1 || fast.1 > 0), "red \(size)")
            }
        }
    }

    @Test func countsAreRightOnAKnownPlane() {
        // 20 × 2: the first row 0…19, the second all 200; floor 3, range 5…199.
        let pixels = (0..<20).map { UInt8($0) } + [UInt8](repeating: 200, count: 20)
        var c = kijko_plane_counts()
        pixels.withUnsafeBufferPointer { kijko_plane_count($0.baseAddress, 20, 20, 2, 3, 5, 199, 2, &c) }
        #expect(c.at_or_below == 4)            // 0, 1, 2, 3
        #expect(c.outside == 5 + 20)           // 0…4 and every 200
        #expect(c.lowest == 0 && c.highest == 200)
        #expect(c.sampled_sum == 190 && c.sampled_count == 20)   // the first row only
    }
}
