import Foundation
import Testing
import KijkoMedia
@testable import KijkoEditorial

/// Assembly from a shot list: matching, trimming, placeholders, notes, EDL, render.
@Suite struct ShotListTests {
    static let list = """
        {
          "title": "Spring campaign",
          "frame_rate": "25",
          "shots": [
            {"shot": 1, "scene": 1, "description": "Wide of the kitchen", "shot_type": "WS", "duration": 2.0,
             "reel": "A001", "in": "01:00:01:00", "out": "01:00:03:00"},
            {"shot": "2", "scene": 1, "description": "Close on the kettle", "duration": 1.5, "source": "B002.mp4"},
            {"shot": "3", "scene": 2, "description": "Hands pour the tea", "duration": 1.0},
            {"shot": "4", "scene": 2, "description": "Logo from steam", "duration": 2.0, "vfx": true},
            {"shot": "5", "scene": 3, "description": "Packshot", "duration": 1.0},
            {"shot": "6", "scene": 3, "description": "Long hold", "duration": 6.0, "reel": "C003"},
            {"shot": "7", "description": "Slate says 3 s", "duration": 1.0, "reel": "A001", "in": "2.0", "out": "5.0"}
          ]
        }
        """

    static func setUp() throws -> (ShotList, MediaLibrary, String) {
        let media = try RenderFixture.media([
            "A001": SynthSpec(width: 320, height: 180, frames: 150, startTimecode: "01:00:00:00"),
            "B002": SynthSpec(width: 320, height: 180, frames: 100, cuts: [1], startTimecode: "02:00:00:00"),
            "shot_3_take2": SynthSpec(width: 320, height: 180, frames: 60, startTimecode: "04:00:00:00"),
            "C003": SynthSpec(width: 320, height: 180, frames: 100, startTimecode: "03:00:00:00"),
        ])
        let path = media + "/shots.json"
        try Data(list.utf8).write(to: URL(fileURLWithPath: path))
        return (try ShotList.read(path: path), MediaLibrary(folders: [media]), media)
    }

    @Test func assemblesToTimeWithNotes() throws {
        let (list, library, _) = try Self.setUp()
        let result = try ShotListAssembler(list: list, library: library, rate: .pal25).assemble()
        let clips = result.timeline.tracks[0].placedClips.map(\.clip)
        #expect(clips.map(\.duration) == [50, 38, 25, 50, 25, 100, 50, 25])
        #expect(result.timeline.duration == 363, "runs to the planned 14.5 s")
        // Slate 01:00:01:00–01:00:03:00 centred: source 01:00:01:00 for 2 s.
        #expect(clips[0].source.start == 90_025)
        // No slate: centred on the take (4 s take, 1.5 s wanted: from 1.25 s, frame 31).
        #expect(clips[1].source.start == 180_000 + 31)
        #expect(clips[2].sourceFile?.hasSuffix("shot_3_take2.mp4") == true)
        #expect(clips[3].placeholder?.title == "SHOT 4 — VFX")
        #expect(clips[4].placeholder?.title == "SHOT 5 — MISSING")
        #expect(clips[6].placeholder?.title == "SHOT 6 — SHORT TAKE")
        // Slate in seconds, 3 s long for a 1 s shot: centred on 3.5 s.
        #expect(clips[7].source.start == 90_000 + 75)
        #expect(result.notes.map(\.kind) == [.vfx, .missing, .tooShort, .durationMismatch])
        #expect(result.notes.map(\.shot) == ["4", "5", "6", "7"])
    }

    @Test func edlAndRenderFromTheShotList() throws {
        let (list, library, media) = try Self.setUp()
        let result = try ShotListAssembler(list: list, library: library, rate: .pal25).assemble()
        let edl = EDL(timeline: result.timeline)
        var (again, warnings) = try EDLReader(rate: .pal25).read(data: Data(EDLWriter.write(edl).utf8))
        let timeline = try Timeline(again, warnings: &warnings)
        #expect(warnings.isEmpty)
        #expect(timeline.tracks[0].placedClips.map(\.clip.source) == result.timeline.tracks[0].placedClips.map(\.clip.source))
        #expect(again.events.filter { $0.edit.reel == "BL" }.count == 3)

        let out = media + "/cut.mp4"
        let report = try TimelineRenderer(timeline: result.timeline, library: library,
                                          settings: RenderSettings(width: 320, height: 180)).render(to: out)
        #expect(report.frames == 363)
        let stamps = try RenderFixture.frames(out).map(\.stamp)
        #expect(Array(stamps[0..<50]) == (25..<75).map { Optional($0) })
        #expect(Array(stamps[50..<88]) == (31..<69).map { Optional($0) })
        #expect(stamps[113..<188].allSatisfy { $0 == nil }, "placeholder cards carry no stamp")
        #expect(Array(stamps[188..<288]) == (0..<100).map { Optional($0) })
    }

    @Test func badShotListsNameWhatIsWrong() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-shots-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            (#"{"shots": [{"shot": 1, "duration": 2}, {"shot": 2}]}"#, "shots[1].duration: missing"),
            (#"{"shots": [{"duration": 2}]}"#, "shots[0].shot: missing"),
            (#"{"shots": [{"shot": 1, "duration": -3}]}"#, "duration must be positive"),
            (#"{"shots": []}"#, "no shots"),
            ("not json", "not valid JSON"),
        ]
        for (text, expected) in cases {
            let path = dir.appendingPathComponent("s.json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ShotList.read(path: path)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(error.description.hasPrefix(path))
            }
        }
    }
}
