import Testing
import KijkoMedia

/// Every frame carries its number, in every codec and rate, and seeking lands on the exact frame.
@Suite struct FrameAccuracyTests {
    static let kinds: [SynthSpec] = [
        SynthSpec(width: 320, height: 180, frameRate: Rational(25, 1), frames: 60),
        SynthSpec(width: 320, height: 240, frameRate: Rational(30000, 1001), frames: 75),
        SynthSpec(width: 256, height: 144, frameRate: Rational(24000, 1001), frames: 60, videoCodec: .prores, audioCodec: .pcm),
        SynthSpec(width: 320, height: 180, frameRate: Rational(50, 1), frames: 60, videoCodec: .hevc, audioCodec: nil),
    ]

    @Test(arguments: kinds)
    func everyFrameCarriesItsNumber(spec: SynthSpec) throws {
        let rows = try Fixture.stamps(try Fixture.media(spec))
        #expect(rows.count == spec.frames)
        #expect(rows.map(\.index) == Array(0..<spec.frames))
        #expect(rows.map(\.stamp) == Array(0..<spec.frames))
    }

    @Test(arguments: [0, 1, 13, 24, 25, 26, 49, 50, 73, 74])
    func seekLandsOnTheExactFrame(target: Int) throws {
        // 29.97 with B-frames and a GOP of 60: most targets sit between keyframes.
        let path = try Fixture.media(SynthSpec(width: 320, height: 240, frameRate: Rational(30000, 1001), frames: 75))
        let rows = try Fixture.stamps(path, from: target, count: 3)
        let expected = Array(target..<min(target + 3, 75))
        #expect(rows.map(\.stamp) == expected)
        #expect(rows.map(\.index) == expected)
    }

    @Test func seekBackwardsAfterReadingAhead() throws {
        let path = try Fixture.media(SynthSpec(width: 320, height: 180, frameRate: Rational(25, 1), frames: 60))
        let reader = try FrameReader(path: path)
        let frame = try Frame()
        try reader.seek(toFrame: 55)
        #expect(try reader.next(into: frame))
        #expect(FrameStamp.read(frame) == 55)
        try reader.seek(toFrame: 7)
        #expect(try reader.next(into: frame))
        #expect(FrameStamp.read(frame) == 7)
    }

    @Test func stampSurvivesScalingToHalfSize() throws {
        let path = try Fixture.media(SynthSpec(width: 640, height: 360, frames: 10, audioCodec: nil))
        let reader = try FrameReader(path: path)
        let graph = try FilterGraph("[in]scale=320:180[out]", inputs: ["in": .of(reader.decoder)])
        let frame = try Frame(), scaled = try Frame()
        var seen: [Int?] = []
        while try reader.next(into: frame) {
            try graph.push(frame)
            while try graph.pull(into: scaled) == .frame { seen.append(FrameStamp.read(scaled)) }
        }
        try graph.push(nil)
        while try graph.pull(into: scaled) == .frame { seen.append(FrameStamp.read(scaled)) }
        #expect(seen == Array(0..<10))
    }

    @Test func unstampedPictureReadsAsNothing() throws {
        let path = try Fixture.media(SynthSpec(width: 320, height: 180, frames: 5, audioCodec: nil, stamp: false))
        #expect(try Fixture.stamps(path).allSatisfy { $0.stamp == nil })
    }
}

extension SynthSpec: CustomTestStringConvertible {
    public var testDescription: String {
        "\(width)x\(height)@\(frameRate) \(videoCodec.rawValue)/\(audioCodec?.rawValue ?? "no audio")"
    }
}
