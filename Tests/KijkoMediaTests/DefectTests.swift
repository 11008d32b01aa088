import Testing
import KijkoMedia

/// Planted defects are where the spec says, and nowhere else.
@Suite struct DefectTests {
    /// Mean luma of the picture, 8-bit.
    static func meanLuma(_ frame: Frame) -> Double {
        let base = frame.data(0)!, stride = frame.lineSize(0)
        var sum = 0
        for y in 0..<frame.height {
            for x in 0..<frame.width { sum += Int(base[y * stride + x]) }
        }
        return Double(sum) / Double(frame.width * frame.height)
    }

    @Test func pictureDefectsSitAtTheirFrames() throws {
        var spec = SynthSpec(width: 320, height: 180, frames: 60, audioCodec: nil)
        spec.defects = [Defect(.black, frames: 10..<15), Defect(.freeze, frames: 20..<26),
                        Defect(.flash, frames: 30..<36), Defect(.illegalLevels, frames: 40..<42)]
        let reader = try FrameReader(path: try Fixture.media(spec))
        let frame = try Frame()
        var stamps: [Int?] = [], luma: [Double] = []
        var maxLuma: [Int] = [], minLuma: [Int] = []
        while try reader.next(into: frame) {
            stamps.append(FrameStamp.read(frame))
            luma.append(Self.meanLuma(frame))
            let base = frame.data(0)!, stride = frame.lineSize(0)
            var hi = 0, lo = 255
            for y in 0..<frame.height { for x in 0..<frame.width { hi = max(hi, Int(base[y * stride + x])); lo = min(lo, Int(base[y * stride + x])) } }
            maxLuma.append(hi)
            minLuma.append(lo)
        }
        #expect(stamps.count == 60)
        // Black: no stamp, luma at 16.
        for n in 10..<15 { #expect(abs(luma[n] - 16) < 1, "frame \(n)") ; #expect(stamps[n] == nil) }
        #expect(stamps[9] == 9 && stamps[15] == 15)
        // Freeze: the frame before the range, repeated, stamp and all.
        #expect(stamps[20..<26].allSatisfy { $0 == 19 })
        #expect(stamps[26] == 26)
        // Flash: white and black alternate.
        for n in 30..<36 { #expect(abs(luma[n] - (n % 2 == 0 ? 235 : 16)) < 2, "frame \(n)") }
        // Illegal levels only where planted.
        for n in 0..<60 where !(30..<36).contains(n) {
            let planted = (40..<42).contains(n)
            #expect((maxLuma[n] > 246) == planted, "frame \(n) max \(maxLuma[n])")
            #expect((minLuma[n] < 5) == planted, "frame \(n) min \(minLuma[n])")
        }
    }

    /// Integrated loudness through libavfilter's ebur128, read from frame metadata.
    static func integratedLoudness(_ path: String) throws -> Double {
        let reader = try FrameReader(path: path, type: .audio)
        let graph = try FilterGraph("[in]ebur128=metadata=1[out]", inputs: ["in": .of(reader.decoder)], outputs: ["out": .audio])
        let frame = try Frame(), measured = try Frame()
        var last: Double?
        func collect() throws {
            while try graph.pull(into: measured) == .frame {
                if let value = measured.metadata("lavfi.r128.I").flatMap(Double.init) { last = value }
            }
        }
        while try reader.next(into: frame) {
            try graph.push(frame)
            try collect()
        }
        try graph.push(nil)
        try collect()
        return try #require(last)
    }

    @Test func toneMeasuresMinus23LUFSAndGainMovesIt() throws {
        let plain = try Fixture.media(SynthSpec(width: 128, height: 72, frames: 100))
        let louder = try Fixture.media(SynthSpec(width: 128, height: 72, frames: 100,
                                                 defects: [Defect(.loudness, frames: 0..<100, gain: 6)]))
        let base = try Self.integratedLoudness(plain)
        #expect(abs(base - -23) < 0.5, "measured \(base) LUFS")
        let raised = try Self.integratedLoudness(louder)
        #expect(abs(raised - base - 6) < 0.3, "measured \(raised) LUFS")
    }

    @Test func silenceAndClippingSitAtTheirFrames() throws {
        // PCM keeps samples exact: silence is digital zero, clipping sits at full scale.
        var spec = SynthSpec(width: 128, height: 72, frameRate: Rational(25, 1), frames: 50, audioCodec: .pcm)
        spec.defects = [Defect(.silence, frames: 10..<20), Defect(.clipping, frames: 30..<32)]
        let reader = try FrameReader(path: try Fixture.media(spec), type: .audio)
        let frame = try Frame()
        var peaks = [Float](repeating: 0, count: 50)   // per video frame (1920 samples at 48 kHz)
        var fullScale = [Int](repeating: 0, count: 50)
        var position = 0
        while try reader.next(into: frame) {
            let channels = frame.channelCount
            let base = frame.data(0)!.withMemoryRebound(to: Int32.self, capacity: frame.sampleCount * channels) { $0 }
            for i in 0..<frame.sampleCount {
                let slot = (position + i) / 1920
                for c in 0..<channels {
                    let value = abs(Float(base[i * channels + c]) / Float(Int32.max))
                    peaks[slot] = max(peaks[slot], value)
                    if value > 0.999 { fullScale[slot] += 1 }
                }
            }
            position += frame.sampleCount
        }
        #expect(position == 50 * 1920)
        for n in 0..<50 {
            #expect((peaks[n] == 0) == (10..<20).contains(n), "frame \(n) peak \(peaks[n])")
            #expect((fullScale[n] > 100) == (30..<32).contains(n), "frame \(n) full-scale samples \(fullScale[n])")
        }
    }
}
