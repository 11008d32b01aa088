import Foundation
import KijkoCore
import KijkoEditorial
import KijkoMedia
import KijkoTestSupport
import Testing

/// The OpenTimelineIO reader on files OpenTimelineIO itself wrote (`Fixtures/otio`), on Kijko's own
/// OTIO of every EDL fixture, in a render graded by an OTIO's CDL, and on broken files.
@Suite struct OTIOReaderTests {
    static func fixture(_ name: String) -> String { EDLFixture.root.appendingPathComponent("Fixtures/otio/\(name)").path }

    static func read(_ path: String) throws -> (Timeline, [String]) {
        var warnings: [String] = []
        let timeline = try OTIOReader.read(path: path, warnings: &warnings)
        return (timeline, warnings)
    }

    /// Every kind of item, as OpenTimelineIO's API wrote it: a dissolve centred on its cut becomes
    /// Kijko's form (the cut at its start), a file URL is decoded, a half-speed clip uses half the
    /// source frames, a marker lands on its record frame.
    @Test func readsWhatOpenTimelineIOWrote() throws {
        let (timeline, warnings) = try Self.read(Self.fixture("centered_dissolve.otio"))
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(timeline.name == "centered dissolve")
        #expect(timeline.rate == .pal25)
        #expect(timeline.startFrame == 90_000)
        #expect(timeline.tracks.map(\.name) == ["V1", "A1"])
        #expect(timeline.tracks.map(\.kind) == [.video, .audio])
        let items = timeline.tracks[0].items
        try #require(items.count == 6, "\(items)")
        guard case .clip(let a) = items[0], case .transition(let t) = items[1], case .clip(let b) = items[2],
              case .gap(let gap) = items[3], case .clip(let slow) = items[4], case .clip(let black) = items[5] else {
            Issue.record("items: \(items)"); return
        }
        // take_a used 100+50 with the cut 5 frames into a 12-frame dissolve: it now ends at the dissolve's start.
        #expect(a.source == FrameRange(start: 100, duration: 45) && a.duration == 45)
        #expect(a.sourceFile == "/media/shoot day/take_a.mov")
        #expect(a.colorDecision == CDL(slope: [1.1, 1.0, 0.9], offset: [0.01, 0, -0.01], power: [1, 1, 1.05], saturation: 0.8))
        #expect(a.markers == [Marker(frame: 20, name: "check focus", color: "GREEN")])
        #expect(t.kind == .dissolve && t.frames == 12)
        // take_b starts 5 frames earlier in its source and on the record.
        #expect(b.source == FrameRange(start: 195, duration: 45) && b.duration == 45 && b.sourceFile == nil && b.colorDecision == nil)
        #expect(gap == 10)
        #expect(slow.speed == .rate(fps: 12.5) && slow.duration == 20 && slow.source == FrameRange(start: 0, duration: 10))
        #expect(slow.sourceFile == "take_c.mov")
        #expect(black.isGenerator && black.reel == "BL" && black.duration == 12)
        // The record stays where OpenTimelineIO has it: the track lasts as long.
        #expect(timeline.tracks[0].duration == 50 + 40 + 10 + 20 + 12)
        // Converted to an EDL the cut is a two-line dissolve event at 01:00:01:20.
        let edl = EDLWriter.write(EDL(timeline: timeline))
        #expect(edl.contains("D    012") && edl.contains("01:00:01:20"), "\(edl)")
    }

    /// OpenTimelineIO's CMX 3600 adapter read `cdl.edl` and wrote its `cdl` metadata: Kijko reads the
    /// same decisions and ranges from that file as from the EDL itself.
    @Test func readsTheCMXAdaptersCDL() throws {
        let (timeline, _) = try Self.read(Self.fixture("cdl_from_edl.otio"))
        let (_, fromEDL, _) = try EDLFixture.read("cdl.edl", rate: .film24)
        let ours = timeline.tracks[0].placedClips, theirs = fromEDL.tracks[0].placedClips
        try #require(ours.count == 2 && theirs.count == 2)
        for (o, e) in zip(ours, theirs) {
            #expect(o.clip.colorDecision == e.clip.colorDecision)
            #expect(o.clip.colorDecision?.slope == [0.1, 0.2, 0.3] && o.clip.colorDecision?.saturation == 0.9)
            #expect(o.clip.source == e.clip.source && o.start == e.start)
        }
    }

    /// Each EDL fixture → Kijko's OTIO → Kijko's reader gives the timeline back: every clip, range,
    /// retime, marker, comment, CDL and placeholder card (the transition's EDL line aside, which OTIO
    /// cannot hold).
    @Test(arguments: EDLFixture.rates.map(\.0))
    func kijkosOwnOTIOReadsBack(name: String) throws {
        let rate = EDLFixture.rates.first { $0.0 == name }!.1
        var (_, timeline, _) = try EDLFixture.read(name, rate: rate, lenient: true)
        timeline.tracks[0].items.insert(.clip(Clip(name: "VFX 12", reel: "BL", source: FrameRange(start: 0, duration: 5),
                                                   placeholder: Placeholder(title: "VFX 12", lines: ["sky / replace", "100%"]))), at: 0)
        let data = try OTIOWriter.data(timeline)
        var warnings: [String] = []
        let back = try OTIOReader.timeline(data, file: name, warnings: &warnings)
        #expect(warnings.isEmpty)
        func normalised(_ t: Timeline) -> Timeline {
            var t = t
            t.rate = t.rate.with(dropFrame: false)
            for i in t.tracks.indices {
                t.tracks[i].items = t.tracks[i].items.map { item in
                    switch item {
                    case .transition(var transition):
                        transition.from = nil
                        return .transition(transition)
                    case .clip(var clip):
                        if clip.reel == "AX" { clip.reel = nil }
                        return .clip(clip)
                    case .gap: return item
                    }
                }
            }
            return t
        }
        #expect(normalised(back) == normalised(timeline))
    }

    /// OpenTimelineIO converts an EDL whose event carries `* ASC_SOP`; Kijko renders that `.otio`
    /// and the EDL itself to the same pictures, graded.
    @Test func anOTIOsCDLGradesTheRender() throws {
        let python = EDLFixture.root.appendingPathComponent(".build/otio-venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "OpenTimelineIO missing: run scripts/test (it installs .build/otio-venv)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-otio-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (reel, colour) in [("A", "0x7a5c40"), ("B", "0x406a8c")] {
            let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=\(colour):s=320x180:r=25:d=2",
                                                  "-vf", "format=yuv444p10le", "-color_primaries", "bt709", "-color_trc", "bt709",
                                                  "-colorspace", "bt709", "-color_range", "tv", "-c:v", "ffv1", "\(folder)/\(reel).mkv"])
            try #require(made.status == 0, "\(made.stderr)")
        }
        let edl = """
            TITLE: graded
            FCM: NON-DROP FRAME
            001  A        V     C        00:00:00:00 00:00:01:00 10:00:00:00 10:00:01:00
            * ASC_SOP (1.2 1.0 0.8)(0.05 0.0 -0.02)(1.0 1.1 0.9)
            * ASC_SAT 0.8
            002  B        V     C        00:00:00:00 00:00:01:00 10:00:01:00 10:00:02:00

            """
        try edl.write(toFile: folder + "/cut.edl", atomically: true, encoding: .utf8)
        let converted = try Program.run(python, ["-c", """
            import opentimelineio as otio, sys
            otio.adapters.write_to_file(otio.adapters.read_from_file(sys.argv[1], rate=25), sys.argv[2])
            """, folder + "/cut.edl", folder + "/cut.otio"])
        try #require(converted.status == 0, "\(converted.stderr)")
        var results: [String: AssemblyService.Result] = [:]
        for name in ["cut.edl", "cut.otio"] {
            let request = AssemblyService.Request(source: .edl(folder + "/" + name), media: [folder], output: folder + "/\(name).mov",
                                                  settings: RenderSettings(width: 320, height: 180, preset: .prores))
            results[name] = try AssemblyService.perform(request)
        }
        #expect(results["cut.otio"]?.render?.graded.count == 1, "\(String(describing: results["cut.otio"]?.render?.graded))")
        #expect(results["cut.otio"]?.render?.frames == 50)
        for n in [12, 37] {
            let e = try ColourGradeTests.colour(folder + "/cut.edl.mov", n), o = try ColourGradeTests.colour(folder + "/cut.otio.mov", n)
            for (x, y) in [(e.0, o.0), (e.1, o.1), (e.2, o.2)] { #expect(abs(x - y) * 1023 <= 0.5, "frame \(n): EDL \(e), OTIO \(o)") }
        }
        // And graded at all: frame 12 differs from the ungraded patch.
        var plain = AssemblyService.Request(source: .edl(folder + "/cut.otio"), media: [folder], output: folder + "/plain.mov",
                                            settings: RenderSettings(width: 320, height: 180, preset: .prores))
        plain.settings.applyCDL = false
        _ = try AssemblyService.perform(plain)
        let graded = try ColourGradeTests.colour(folder + "/cut.otio.mov", 12), untouched = try ColourGradeTests.colour(folder + "/plain.mov", 12)
        #expect(abs(graded.0 - untouched.0) > 0.05, "graded \(graded), plain \(untouched)")
    }

    /// Fades from and to black as NLEs write them (a gap, a transition centred on the cut, a clip;
    /// a clip, a transition, a gap), and a global start OpenTimelineIO left at rate 1: the items'
    /// rate is the edit's; the record stays where it was.
    @Test func fadesAndTheStartsDefaultRate() throws {
        func time(_ v: Int) -> String { #"{"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": \#(v).0}"# }
        func range(_ start: Int, _ duration: Int) -> String { #"{"OTIO_SCHEMA": "TimeRange.1", "start_time": \#(time(start)), "duration": \#(time(duration))}"# }
        let gap = #"{"OTIO_SCHEMA": "Gap.1", "name": "", "source_range": \#(range(0, 24))}"#
        func clip(_ name: String, _ start: Int) -> String {
            #"{"OTIO_SCHEMA": "Clip.2", "name": "\#(name)", "source_range": \#(range(start, 48)), "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "MissingReference.1"}}, "active_media_reference_key": "DEFAULT_MEDIA"}"#
        }
        let fade = #"{"OTIO_SCHEMA": "Transition.1", "name": "fade", "transition_type": "SMPTE_Dissolve", "in_offset": \#(time(6)), "out_offset": \#(time(6))}"#
        let text = #"""
            {"OTIO_SCHEMA": "Timeline.1", "name": "fades", "global_start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 1.0, "value": 0.0},
             "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video",
               "children": [\#(gap), \#(fade), \#(clip("a", 100)), \#(fade), \#(gap)]}]}}
            """#
        var warnings: [String] = []
        let timeline = try OTIOReader.timeline(Data(text.utf8), file: "fades.otio", warnings: &warnings)
        #expect(timeline.rate == .film24)
        let items = timeline.tracks[0].items
        try #require(items.count == 4, "\(items)")
        // From black: the gap gives 6 frames to the dissolve, the clip starts 6 frames earlier.
        #expect(items[0] == .gap(frames: 18))
        guard case .transition(let t) = items[1], case .clip(let a) = items[2] else { Issue.record("\(items)"); return }
        #expect(t.frames == 12 && a.source == FrameRange(start: 94, duration: 48) && a.duration == 48)
        // To black: the clip ends 6 frames early, the gap is 6 longer, and the fade is a cut (said so).
        #expect(items[3] == .gap(frames: 30))
        #expect(timeline.tracks[0].duration == 24 + 48 + 24)
        #expect(warnings.count == 1 && warnings[0].contains("fades.otio") && warnings[0].contains("rendered as a cut"), "\(warnings)")
    }

    /// Broken files: one error naming the file, the item where there is one, and what is wrong.
    @Test func brokenFilesAreRefusedSayingWhere() throws {
        let good = try String(contentsOfFile: Self.fixture("centered_dissolve.otio"), encoding: .utf8)
        let nested = """
            {"OTIO_SCHEMA": "Timeline.1", "name": "n", "global_start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24, "value": 0},
             "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
              {"OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video", "children": [
                {"OTIO_SCHEMA": "Stack.1", "name": "compound", "children": []}]}]}}
            """
        let cases: [(String, String)] = [
            ("{not json", "not JSON"),
            ("[1, 2]", "not an OpenTimelineIO timeline"),
            (#"{"OTIO_SCHEMA": "Clip.2"}"#, "not a Timeline"),
            (nested, "track V1, item 1 (Stack \"compound\"): a nested Stack"),
            (good.replacingOccurrences(of: "\"ExternalReference.1\"", with: "\"ImageSequenceReference.1\""), "an image sequence"),
            (good.replacingOccurrences(of: "\"value\": 40.0", with: "\"value\": -40.0"), "take_b\"), source_range, duration: the time -40.0 is negative"),
            (good.replacingOccurrences(of: "\"value\": 40.0", with: "\"value\": 1e300"), "beyond a billion frames"),
            (good.replacingOccurrences(of: "\"asc_sat\": 0.8", with: "\"asc_sat\": \"0.8\""), "metadata.cdl: asc_sat is not a number"),
            (good.replacingOccurrences(of: "1.05", with: "1e9"), "values must be finite numbers"),
            (good.replacingOccurrences(of: "\"rate\": 25.0", with: "\"rate\": 0.0"), "is not a frame rate"),
            (good.replacingOccurrences(of: "\"value\": 5.0", with: "\"value\": 500.0"),
             "in_offset 500 is not shorter than the clip before it"),
        ]
        for (text, wanted) in cases {
            var warnings: [String] = []
            do {
                _ = try OTIOReader.timeline(Data(text.utf8), file: "bad.otio", warnings: &warnings)
                Issue.record("read: \(wanted)")
            } catch {
                #expect(error.description.hasPrefix("bad.otio: ") && error.description.contains(wanted), "\(error) — wanted \(wanted)")
                #expect(!error.description.contains("\n"))
            }
        }
        // An unknown effect is left out with a warning, not an error.
        var warnings: [String] = []
        let blurred = good.replacingOccurrences(of: "\"LinearTimeWarp.1\"", with: "\"Effect.1\"")
        _ = try OTIOReader.timeline(Data(blurred.utf8), file: "fx.otio", warnings: &warnings)
        #expect(warnings.count == 1 && warnings[0].contains("fx.otio") && warnings[0].contains("not rendered"), "\(warnings)")
    }
}
