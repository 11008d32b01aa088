import Testing
import KijkoMedia
@testable import KijkoEditorial

@Suite struct TimecodeTests {
    /// Known frame counts at minute and hour boundaries, including the drop-frame skips.
    static let table: [(String, TimecodeRate, Int)] = [
        ("00:00:00:00", .pal25, 0),
        ("01:00:00:00", .pal25, 90_000),
        ("00:00:06:11", .pal25, 161),
        ("01:00:00:00", .film24, 86_400),
        ("01:00:00:00", .film23976, 86_400),
        ("00:00:59:23", .film23976, 1_439),
        ("00:00:59;29", .ntsc30DF, 1_799),
        ("00:01:00;02", .ntsc30DF, 1_800),
        ("00:09:59;29", .ntsc30DF, 17_981),
        ("00:10:00;00", .ntsc30DF, 17_982),
        ("00:10:01;00", .ntsc30DF, 18_012),
        ("00:11:00;02", .ntsc30DF, 19_782),
        ("01:00:00;00", .ntsc30DF, 107_892),
        ("23:59:59;29", .ntsc30DF, 2_589_407),
        ("01:00:00:00", .ntsc30NDF, 108_000),
        ("01:00:00:00", .fps30, 108_000),
        ("01:00:00:00", .pal50, 180_000),
        ("00:01:00;04", .ntsc60DF, 3_600),
        ("00:00:59;56", .ntsc60DF, 3_596),
        ("00:10:00;00", .ntsc60DF, 35_964),
        ("01:00:00;00", .ntsc60DF, 215_784),
        ("01:00:00:00", .ntsc60NDF, 216_000),
        ("00:00:01:59", .fps60, 119),
    ]

    @Test func knownValuesBothWays() throws {
        for (text, rate, frames) in Self.table {
            #expect(try Timecode.frames(text, rate: rate) == frames, "\(text) at \(rate)")
            #expect(Timecode.string(frames, rate: rate) == text, "\(frames) at \(rate)")
        }
    }

    @Test(arguments: [TimecodeRate.ntsc30DF, .ntsc60DF, .film23976, .pal25, .ntsc30NDF])
    func everyFrameOfTheFirstHoursRoundTrips(rate: TimecodeRate) throws {
        var previous = -1
        for frame in stride(from: 0, to: 3 * 3600 * rate.nominal, by: 7) {
            let text = Timecode.string(frame, rate: rate)
            #expect(try Timecode.frames(text, rate: rate) == frame)
            #expect(frame > previous)
            previous = frame
        }
    }

    @Test func dropFrameSkipsExactlyTheRightNumbers() throws {
        // Frames 1799 and 1800 at 29.97 DF are 00:00:59;29 and 00:01:00;02: ;00 and ;01 do not exist.
        #expect(throws: Timecode.ParseError.self) { try Timecode.frames("00:01:00;00", rate: .ntsc30DF) }
        #expect(throws: Timecode.ParseError.self) { try Timecode.frames("00:01:00;01", rate: .ntsc30DF) }
        #expect(throws: Timecode.ParseError.self) { try Timecode.frames("00:02:00;03", rate: .ntsc60DF) }
        #expect(try Timecode.frames("00:10:00;01", rate: .ntsc30DF) == 17_983)
        // A day at 29.97 DF is 2,589,408 frames; the count wraps there.
        #expect(Timecode.framesPerDay(.ntsc30DF) == 2_589_408)
        #expect(Timecode.string(2_589_408, rate: .ntsc30DF) == "00:00:00;00")
        #expect(Timecode.string(-1, rate: .pal25) == "23:59:59:24")
    }

    @Test func malformedTimecodeIsRejected() {
        for bad in ["", "1:2:3", "01:00:00:25", "24:00:00:00", "00:60:00:00", "aa:bb:cc:dd", "01:00:00:0x", "01:00::00"] {
            #expect(throws: Timecode.ParseError.self, "\(bad)") { try Timecode.frames(bad, rate: .pal25) }
        }
    }

    @Test func ratesParse() {
        #expect(TimecodeRate(parsing: "29.97") == .ntsc30NDF)
        #expect(TimecodeRate(parsing: "29.97df") == .ntsc30DF)
        #expect(TimecodeRate(parsing: "30000/1001:df") == .ntsc30DF)
        #expect(TimecodeRate(parsing: "59.94DF") == .ntsc60DF)
        #expect(TimecodeRate(parsing: "23.976") == .film23976)
        #expect(TimecodeRate(parsing: "25") == .pal25)
        #expect(TimecodeRate(parsing: "25df") == nil)
        #expect(TimecodeRate(parsing: "fast") == nil)
    }

    /// Found by the shot-list fuzzer: 3/34 fps counted 0 frames a timecode second and timecode
    /// text divided by zero. Parsing refuses rates that count no frame or absurdly many; a rate read
    /// from a file still makes timecode that can be printed.
    @Test func ratesThatCountNoFrameAreRefused() {
        for bad in ["3:34", "0.4", "1/3", "2000000", "2147483647/1"] {
            #expect(TimecodeRate(parsing: bad) == nil, "\(bad)")
        }
        #expect(TimecodeRate(parsing: "1")?.nominal == 1)
        #expect(TimecodeRate(parsing: "1000")?.nominal == 1000)
        let slow = TimecodeRate(rate: Rational(3, 34))
        #expect(slow.nominal == 1)
        #expect(Timecode.string(90, rate: slow) == "00:01:30:00")
    }
}

extension TimecodeRate: CustomTestStringConvertible {
    public var testDescription: String { description }
}
