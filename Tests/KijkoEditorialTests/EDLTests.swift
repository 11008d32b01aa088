import Foundation
import Testing
import KijkoMedia
@testable import KijkoEditorial

enum EDLFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ name: String) -> String { root.appendingPathComponent("Fixtures/edl/\(name)").path }

    static let rates: [(String, TimecodeRate)] = [
        ("25fps.edl", .pal25), ("avid_example.edl", .film24), ("cdl.edl", .film24), ("dissolve_test.edl", .film24),
        ("gap_test.edl", .film24), ("premiere_example.edl", .film24), ("speed_effects.edl", .film24),
        ("wipe_test.edl", .film24), ("kijko_edge_cases.edl", .ntsc30NDF),
    ]

    static func read(_ name: String, rate: TimecodeRate, lenient: Bool = false) throws -> (EDL, Timeline, [EDLDiagnostic]) {
        var (edl, warnings) = try EDLReader(rate: rate, lenient: lenient).read(path: path(name))
        let timeline = try Timeline(edl, lenient: lenient, warnings: &warnings)
        return (edl, timeline, warnings)
    }

    static func read(text: String, rate: TimecodeRate = .pal25, lenient: Bool = false) throws -> (EDL, Timeline, [EDLDiagnostic]) {
        var (edl, warnings) = try EDLReader(rate: rate, lenient: lenient).read(data: Data(text.utf8), file: "test.edl")
        let timeline = try Timeline(edl, file: "test.edl", lenient: lenient, warnings: &warnings)
        return (edl, timeline, warnings)
    }
}

@Suite struct EDLReadingTests {
    /// Numbers the reader used to accept and later code trapped on: a dissolve of Int64.max frames,
    /// M2 speeds of nan, inf, 1e308 and 2^64. Each is one error naming the line.
    @Test(arguments: [
        ("001  AX V C        01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n001  BX V D 9223372036854775807 01:00:00:00 01:00:01:00 01:00:01:00 01:00:02:00\n",
         "test.edl:2: event 1: a transition of 9223372036854775807 frames is longer than a day"),
        ("001  AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\nM2   AX       nan                 01:00:00:00\n", "test.edl:2: event 1: M2 speed nan is outside"),
        ("001  AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\nM2   AX       inf                 01:00:00:00\n", "M2 speed inf is outside"),
        ("001  AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\nM2   AX       1e308               01:00:00:00\n", "M2 speed 1e308 is outside"),
        ("001  AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\nM2   AX       18446744073709551616 01:00:00:00\n", "M2 speed 18446744073709551616 is outside"),
    ])
    func outOfRangeNumbersAreErrors(text: String, expected: String) {
        #expect { _ = try EDLReader(rate: .pal25).read(data: Data(text.utf8), file: "test.edl") } throws: { "\($0)".contains(expected) }
    }

    @Test func dissolveKeepsBothSidesAndExactLengths() throws {
        let (edl, timeline, warnings) = try EDLFixture.read("dissolve_test.edl", rate: .film24)
        #expect(warnings.isEmpty)
        #expect(edl.title == "dissolve test")
        #expect(edl.events.map(\.number) == [1, 2, 3])
        let dissolve = edl.events[1]
        #expect(dissolve.transition == .dissolve && dissolve.transitionFrames == 10)
        #expect(dissolve.from == EDLSource(reel: "TST", track: "V", sourceIn: 86_510, sourceOut: 86_510, recordIn: 86_409, recordOut: 86_409))
        #expect(dissolve.edit.sourceIn == 86_600 && dissolve.edit.recordOut == 86_419)
        let v = try #require(timeline.tracks.first)
        #expect(v.duration == 20)
        guard case .transition(let t) = v.items[1] else { Issue.record("no transition"); return }
        #expect(t.frames == 10 && t.name == "SMPTE_Dissolve from clip_A to clip_B")
        #expect(v.placedClips.map(\.start) == [0, 9, 19])
        #expect(v.placedClips.map(\.clip.source) == [FrameRange(start: 86_501, duration: 9), FrameRange(start: 86_600, duration: 10),
                                                    FrameRange(start: 86_610, duration: 1)])
    }

    @Test func edgeCasesThatOpenTimelineIOGetsWrong() throws {
        let (edl, timeline, warnings) = try EDLFixture.read("kijko_edge_cases.edl", rate: .ntsc30NDF)
        #expect(warnings.isEmpty)
        #expect(edl.rate == .ntsc30DF, "FCM: DROP FRAME switches 29.97 to drop-frame counting")
        #expect(timeline.startFrame == 107_892)
        #expect(timeline.tracks.map(\.name) == ["V", "A1", "A2"])
        let v = timeline.tracks[0]
        // Chained dissolves A→B→C keep every length: 60 + 60 + 45 + 60 + 60 + 30.
        #expect(v.placedClips.map(\.start) == [0, 60, 120, 165, 225, 285])
        #expect(v.duration == 315)
        // The wipe's outgoing clip is not the clip before it: the reel is kept, not dropped.
        let transitions = v.items.compactMap { item -> Transition? in if case .transition(let t) = item { t } else { nil } }
        #expect(transitions.map(\.kind) == [.dissolve, .dissolve, .wipe(code: 2)])
        #expect(transitions.map(\.frames) == [15, 10, 20])
        #expect(transitions[2].from?.reel == "X999")
        #expect(transitions[2].from?.sourceIn == (try Timecode.frames("04:00:00;00", rate: .ntsc30DF)))
        // LOC sits in record time: one second into the first clip.
        let first = v.placedClips[0].clip
        #expect(first.markers == [Marker(frame: 30, name: "check focus", color: "YELLOW")])
        // M2: 12 fps over 60 record frames uses 24 source frames.
        let slow = v.placedClips[4].clip
        #expect(slow.speed == .rate(fps: 12) && slow.duration == 60 && slow.source.duration == 24)
        // Audio: AA on A1 and A2, B on V and A1, a gap where A1 has nothing.
        #expect(timeline.tracks[1].items.map(\.duration) == [165, 120, 30])
        #expect(timeline.tracks[2].placedClips.map(\.clip.name) == ["shot_a_sound", "wild_track"])
        #expect(v.placedClips[5].clip.sourceFile == "/media/G007.mov")
        #expect(timeline.tracks[2].placedClips[1].clip.comments == ["a note the reader keeps"])
    }

    @Test func speedEffectsAndFreezeFrames() throws {
        let (edl, timeline, _) = try EDLFixture.read("speed_effects.edl", rate: .film24)
        #expect(edl.events.count == 548)
        let freezes = edl.events.filter(\.freezeFrame)
        #expect(!freezes.isEmpty)
        #expect(freezes.allSatisfy { $0.speed?.speed == 0 })
        let clips = timeline.tracks[0].placedClips.map(\.clip)
        let retimed = try #require(clips.first { $0.event == 282 })
        #expect(retimed.speed == .rate(fps: 47.6))
        #expect(retimed.duration == 36 && retimed.source.duration == 70)
        let frozen = try #require(clips.first { $0.event == 183 })
        #expect(frozen.speed == .freeze && frozen.duration == 17 && frozen.name == "Z682_156 (LAY3)")
        #expect(timeline.tracks[0].duration == 30_330)
    }

    @Test func colourDecisionsInEveryLayout() throws {
        let (edl, _, _) = try EDLFixture.read("cdl.edl", rate: .film24)
        let expected = ColorDecision(slope: [0.1, 0.2, 0.3], offset: [1.0, -0.0122, 0.0305], power: [1.0, 0.0, 1.0], saturation: 0.9)
        #expect(edl.events.count >= 2)
        #expect(edl.events.allSatisfy { $0.colorDecision == expected })
        #expect(edl.events[0].sourceFile == "ZZ100_501.LAY3.01")
    }

    @Test func gapsBetweenEvents() throws {
        let (_, timeline, _) = try EDLFixture.read("gap_test.edl", rate: .film24)
        #expect(timeline.tracks[0].items.map(\.duration) == [24, 16, 24, 38, 24])
    }

    @Test(arguments: EDLFixture.rates.map(\.0))
    func writeThenReadGivesTheSameTimeline(name: String) throws {
        let rate = EDLFixture.rates.first { $0.0 == name }!.1
        let (edl, timeline, _) = try EDLFixture.read(name, rate: rate)
        let written = EDLWriter.write(edl)
        let (again, timelineAgain, warnings) = try EDLFixture.read(text: written, rate: rate)
        #expect(warnings.isEmpty)
        #expect(timelineAgain == timeline)
        #expect(again.events.map(\.speed) == edl.events.map(\.speed), "M2 survives")
        #expect(again.events.map(\.markers) == edl.events.map(\.markers))
        #expect(again.events.map(\.from) == edl.events.map(\.from))
    }

    /// Line breaks in names and comments (a shot's description, say) stay inside their line:
    /// written text never becomes an event or a `SOURCE FILE` of its own.
    @Test func textFieldsAreOneLineWhenWritten() throws {
        let edit = EDLSource(reel: "A 001\n", track: "V", sourceIn: 0, sourceOut: 25, recordIn: 90_000, recordOut: 90_025)
        let event = EDLEvent(number: 1, edit: edit, clipName: "take\n002  EVIL V C 00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00",
                             sourceFile: "a.mov\r\n* SOURCE FILE: /etc/passwd", comments: ["note\u{2028}more"])
        let edl = EDL(title: "cut\nFCM: DROP FRAME", rate: .pal25, events: [event])
        let written = EDLWriter.write(edl)
        #expect(!written.contains("\r") && !written.contains("\u{2028}"))
        #expect(written.split(separator: "\n").filter { $0.hasPrefix("* SOURCE FILE:") }.count == 1)
        #expect(!written.split(separator: "\n").contains { $0.hasPrefix("002") || $0 == "FCM: DROP FRAME" })
        let (again, _, _) = try EDLFixture.read(text: written, rate: .pal25)
        #expect(again.events.count == 1 && again.events[0].edit.reel == "A_001_" && again.events[0].sourceFile?.hasPrefix("a.mov") == true)
    }

    /// A huge line is quoted short in its error.
    @Test func aHugeLineIsQuotedShort() throws {
        for text in ["TITLE: t\n" + String(repeating: "X", count: 200_000) + " V C 00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n",
                     "TITLE: t\n001  AX V C 00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\nM2   AX 0" + String(repeating: "9", count: 200_000) + " 00:00:00:00\n"] {
            #expect { _ = try EDLFixture.read(text: text, rate: .pal25) } throws: { error in
                let line = "\(error)"
                return line.count < 400 && line.contains("test.edl:")
            }
        }
        #expect(EDLDiagnostic(file: "f", line: 1, message: String(repeating: "y", count: 5000)).message.count == 240)
    }

    @Test func perEventFrameCodeModeIsKeptAndWritten() throws {
        let text = """
            TITLE: mixed
            FCM: NON-DROP FRAME
            001  AX       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00
            FCM: DROP FRAME
            002  BX       V     C        00:10:00;00 00:10:01;00 01:00:01:00 01:00:02:00
            """
        let (edl, _, _) = try EDLFixture.read(text: text, rate: .ntsc30NDF)
        #expect(edl.events.map(\.dropFrame) == [false, true])
        #expect(edl.events[1].edit.sourceIn == 17_982)
        let written = EDLWriter.write(edl)
        #expect(written.components(separatedBy: "FCM: DROP FRAME").count == 2)
        let (again, _, _) = try EDLFixture.read(text: written, rate: .ntsc30NDF)
        #expect(again.events == edl.events.map { var e = $0; e.line = again.events.first { $0.number == e.number }!.line; return e })
    }
}

@Suite struct EDLBadInputTests {
    func failure(_ text: String, rate: TimecodeRate = .pal25) -> EDLDiagnostic? {
        do {
            _ = try EDLFixture.read(text: text, rate: rate)
            return nil
        } catch let error as EDLDiagnostic {
            return error
        } catch {
            return nil
        }
    }

    @Test func malformedTimecodeNamesTheLineAndEvent() throws {
        let error = try #require(failure("TITLE: x\n001  AX V C 01:00:00:00 01:00:01:99 01:00:00:00 01:00:01:00\n"))
        #expect(error.line == 2 && error.event == 1)
        #expect(error.description.contains("source out"))
        #expect(error.description.hasPrefix("test.edl:2: event 1:"))
    }

    @Test func outOfOrderEventsAreAnError() throws {
        let text = """
            001  AX V C 01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00
            002  BX V C 02:00:00:00 02:00:01:00 01:00:01:00 01:00:02:00
            """
        let error = try #require(failure(text))
        #expect(error.line == 2 && error.event == 2)
        #expect(error.message.contains("before the previous event on track V"))
        // Lenient: a warning, and the event is left out.
        let (_, timeline, warnings) = try EDLFixture.read(text: text, lenient: true)
        #expect(warnings.count == 1)
        #expect(timeline.tracks[0].placedClips.count == 1)
    }

    @Test func lengthMismatchWithoutSpeedChange() throws {
        let error = try #require(failure("001  AX V C 01:00:00:00 01:00:02:00 01:00:00:00 01:00:01:00\n"))
        #expect(error.message.contains("source runs 50 frames but record 25"))
    }

    @Test func unreadableLineIsAnErrorOrWithLenientAWarning() throws {
        let text = """
            TITLE: x
            001  AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00
            002  AX V X 01:00:00:00 01:00:01:00 01:00:01:00 01:00:02:00
            003  AX V C 01:00:00:00 01:00:01:00 01:00:02:00 01:00:03:00
            garbage here
            """
        let error = try #require(failure(text))
        #expect(error.line == 3 && error.message.contains("unknown edit type X"))
        let (edl, _, warnings) = try EDLFixture.read(text: text, lenient: true)
        #expect(edl.events.map(\.number) == [1, 3])
        #expect(warnings.map(\.line) == [3, 5])
    }

    @Test func emptyEDL() throws {
        let error = try #require(failure("TITLE: nothing here\nFCM: NON-DROP FRAME\n"))
        #expect(error.message.contains("no events"))
        #expect(failure("") != nil)
    }

    @Test func nonUTF8TextIsNamed() throws {
        var data = Data("TITLE: caf".utf8)
        data.append(0xE9)   // Latin-1 é
        data.append(contentsOf: Array("\n001  AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n".utf8))
        do {
            _ = try EDLReader(rate: .pal25).read(data: data, file: "latin.edl")
            Issue.record("read non-UTF-8 without a word")
        } catch {
            #expect(error.line == 1 && error.message.contains("not UTF-8"))
        }
        let (edl, warnings) = try EDLReader(rate: .pal25, lenient: true).read(data: data, file: "latin.edl")
        #expect(edl.title == "café")
        #expect(warnings.count == 1)
    }

    @Test func droppedDropFrameNumberIsAnError() throws {
        let error = try #require(failure("FCM: DROP FRAME\n001  AX V C 00:01:00;00 00:01:01;00 01:00:00;00 01:00:01;00\n", rate: .ntsc30NDF))
        #expect(error.message.contains("drop-frame timecode skips"))
    }
}
