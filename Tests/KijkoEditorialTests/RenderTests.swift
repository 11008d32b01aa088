import Foundation
import Testing
import KijkoMedia
@testable import KijkoEditorial

/// Builds EDLs over synthesised, frame-stamped sources, and the frames a correct render shows.
struct CutPlan {
    enum Kind: Equatable {
        case cut
        case dissolve(Int)
        case wipe(code: Int, frames: Int)
        case freeze
        case speed(Double)
    }

    struct Event {
        let reel: String
        /// Source frame (from the file's first frame).
        let sourceIn: Int
        let length: Int
        var kind: Kind = .cut

        /// The EDL code and length of the transition into this event.
        var transition: (String, Int)? {
            switch kind {
            case .dissolve(let d): ("D", d)
            case .wipe(let code, let d): (String(format: "W%03d", code), d)
            default: nil
            }
        }
    }

    let rate: TimecodeRate
    /// Each reel's file starts at this timecode.
    let sourceStarts: [String: String]
    let events: [Event]
    let recordStart = "10:00:00:00"

    func tc(_ frames: Int) -> String { Timecode.string(frames, rate: rate) }

    func start(_ reel: String) throws -> Int { try Timecode.frames(sourceStarts[reel]!, rate: rate) }

    var edl: String {
        get throws {
            var lines = ["TITLE: plan", rate.dropFrame ? "FCM: DROP FRAME" : "FCM: NON-DROP FRAME"]
            var record = try Timecode.frames(recordStart.replacingOccurrences(of: ":", with: rate.dropFrame ? ";" : ":"), rate: rate)
            for (i, e) in events.enumerated() {
                let number = String(format: "%03d", i + 1)
                let s = try start(e.reel) + e.sourceIn
                var sourceOut = s + e.length
                switch e.kind {
                case .freeze: sourceOut = s + 1
                case .speed(let fps): sourceOut = s + Int((Double(e.length) * fps / rate.rate.doubleValue).rounded(.up))
                default: break
                }
                if let (code, d) = e.transition {
                    let p = events[i - 1]
                    let continuing = try start(p.reel) + p.sourceIn + p.length
                    lines.append("\(number)  \(p.reel.padding(toLength: 8, withPad: " ", startingAt: 0)) V     C        \(tc(continuing)) \(tc(continuing)) \(tc(record)) \(tc(record))")
                    lines.append("\(number)  \(e.reel.padding(toLength: 8, withPad: " ", startingAt: 0)) V     \(code.padding(toLength: 4, withPad: " ", startingAt: 0)) \(String(format: "%03d", d)) \(tc(s)) \(tc(sourceOut)) \(tc(record)) \(tc(record + e.length))")
                } else {
                    lines.append("\(number)  \(e.reel.padding(toLength: 8, withPad: " ", startingAt: 0)) V     C        \(tc(s)) \(tc(sourceOut)) \(tc(record)) \(tc(record + e.length))")
                }
                switch e.kind {
                case .freeze: lines.append("M2   \(e.reel.padding(toLength: 8, withPad: " ", startingAt: 0))       000.0                \(tc(s))")
                case .speed(let fps): lines.append("M2   \(e.reel.padding(toLength: 8, withPad: " ", startingAt: 0))       \(String(format: "%05.1f", fps))                \(tc(s))")
                default: break
                }
                record += e.length
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The stamp each output frame must carry; for dissolve frames, the side that dominates.
    var expectedStamps: [Int] {
        var out: [Int] = []
        for (i, e) in events.enumerated() {
            for k in 0..<e.length {
                switch e.kind {
                case .cut: out.append(e.sourceIn + k)
                case .freeze: out.append(e.sourceIn)
                case .speed(let fps): out.append(e.sourceIn + Int((Double(k) * fps / rate.rate.doubleValue + 1e-6).rounded(.down)))
                case .dissolve(let d), .wipe(_, let d):
                    let p = events[i - 1]
                    out.append(k < d && 2 * (k + 1) <= d ? p.sourceIn + p.length + k : e.sourceIn + k)
                }
            }
        }
        return out
    }

    /// Record frames inside wipes.
    var wipeFrames: [Int] {
        var out: [Int] = []
        var record = 0
        for e in events {
            if case .wipe(_, let d) = e.kind { out += (record..<(record + d)) }
            record += e.length
        }
        return out
    }

    /// Record frames inside dissolves, with the outgoing and incoming stamps and B's weight.
    var dissolveFrames: [(frame: Int, a: Int, b: Int, weight: Double)] {
        var out: [(Int, Int, Int, Double)] = []
        var record = 0
        for (i, e) in events.enumerated() {
            if case .dissolve(let d) = e.kind {
                let p = events[i - 1]
                for k in 0..<d { out.append((record + k, p.sourceIn + p.length + k, e.sourceIn + k, Double(k + 1) / Double(d + 1))) }
            }
            record += e.length
        }
        return out
    }
}

enum RenderFixture {
    /// A scratch folder holding each reel as a link to its cached synthesised file.
    static func media(_ reels: [String: SynthSpec]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-media-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cache = EDLFixture.root.appendingPathComponent(".build/test-media").path
        for (reel, spec) in reels {
            let file = try Synthesizer.cached(spec, in: cache)
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("\(reel).\(spec.defaultExtension)").path,
                                                       withDestinationPath: file)
        }
        return dir.path
    }

    static func render(_ plan: CutPlan, media: String, settings: RenderSettings, lenient: Bool = false) throws -> (String, RenderReport) {
        var (edl, warnings) = try EDLReader(rate: plan.rate.with(dropFrame: false)).read(data: Data(try plan.edl.utf8), file: "plan.edl")
        let timeline = try Timeline(edl, warnings: &warnings)
        let out = media + "/out.\(settings.fileExtension)"
        let report = try TimelineRenderer(timeline: timeline, library: MediaLibrary(folders: [media]), settings: settings,
                                          lenient: lenient).render(to: out)
        return (out, report)
    }

    /// Every frame's stamp and cell levels.
    static func frames(_ path: String) throws -> [(stamp: Int?, cells: [Int])] {
        let reader = try FrameReader(path: path)
        let frame = try Frame()
        var out: [(Int?, [Int])] = []
        while try reader.next(into: frame) { out.append((FrameStamp.read(frame), FrameStamp.cellLevels(frame))) }
        return out
    }
}

@Suite struct RenderTests {
    static func spec(_ rate: Rational, timecode: String, frames: Int = 120, size: (Int, Int) = (320, 180), cuts: [Int] = []) -> SynthSpec {
        SynthSpec(width: size.0, height: size.1, frameRate: rate, frames: frames, cuts: cuts, startTimecode: timecode)
    }

    static let cases: [(TimecodeRate, Rational, String)] = [
        (.pal25, Rational(25, 1), ":"),
        (.film23976, Rational(24000, 1001), ":"),
        (.ntsc30DF, Rational(30000, 1001), ";"),
    ]

    @Test(arguments: 0..<3)
    func everyFrameIsTheSourceFrameTheEDLNames(caseIndex: Int) throws {
        let (rate, exact, sep) = Self.cases[caseIndex]
        let starts = ["A001": "01:00:00\(sep)00", "B002": "02:00:00\(sep)00", "C003": "03:00:00\(sep)00"]
        let media = try RenderFixture.media([
            "A001": Self.spec(exact, timecode: starts["A001"]!),
            "B002": Self.spec(exact, timecode: starts["B002"]!, size: (640, 360), cuts: [1]),
            "C003": Self.spec(exact, timecode: starts["C003"]!, size: (320, 240)),
        ])
        let plan = CutPlan(rate: rate, sourceStarts: starts, events: [
            .init(reel: "A001", sourceIn: 10, length: 25),
            .init(reel: "B002", sourceIn: 50, length: 5),
            .init(reel: "C003", sourceIn: 20, length: 25, kind: .dissolve(10)),
            .init(reel: "A001", sourceIn: 75, length: 10, kind: .freeze),
            .init(reel: "C003", sourceIn: 50, length: 20, kind: .speed(2 * exact.doubleValue)),
            .init(reel: "B002", sourceIn: 0, length: 12),
            .init(reel: "A001", sourceIn: 100, length: 7),
        ])
        let (out, report) = try RenderFixture.render(plan, media: media, settings: RenderSettings(width: 480, height: 270))
        let expected = plan.expectedStamps
        #expect(report.frames == expected.count)
        let frames = try RenderFixture.frames(out)
        #expect(frames.count == expected.count)
        // Outside dissolves every frame is exactly the source frame the EDL names.
        let blended = Set(plan.dissolveFrames.map(\.frame))
        let outside = frames.indices.filter { !blended.contains($0) }
        #expect(outside.map { frames[$0].stamp } == outside.map { Optional(expected[$0]) })
        #expect(try Probe.file(out).first(.video)?.frameRate == exact)

        // Dissolve frames blend exactly the two frames the EDL says, in proportion: each stamp
        // cell sits where the same cells of the two conformed source frames, mixed, put it.
        let conformer = VideoConformer(width: 480, height: 270, pixelFormat: .yuv420p, timeBase: Rational(1, 1))
        func cells(_ reel: String, _ frame: Int) throws -> [Int] {
            let reader = try FrameReader(path: media + "/\(reel).mp4")
            try reader.seek(toFrame: frame)
            let picture = try Frame()
            _ = try reader.next(into: picture)
            try conformer.conform(picture)
            return FrameStamp.cellLevels(picture)
        }
        #expect(plan.dissolveFrames.count == 10)
        for d in plan.dissolveFrames {
            let a = try cells("B002", d.a), b = try cells("C003", d.b)
            let got = frames[d.frame].cells
            for cell in 0..<24 {
                let want = Double(a[cell]) * (1 - d.weight) + Double(b[cell]) * d.weight
                #expect(abs(Double(got[cell]) - want) < 10, "frame \(d.frame) cell \(cell): \(got[cell]) vs \(want)")
            }
            // Neither side alone: the blend differs from both where their bits differ.
            let apart = 188 * min(d.weight, 1 - d.weight) / 2
            #expect(zip(a, got).contains { Double(abs($0 - $1)) > apart } && zip(b, got).contains { Double(abs($0 - $1)) > apart })
        }
    }

    @Test func wipesReplaceExactlyTheirFrames() throws {
        let starts = ["A001": "01:00:00:00", "B002": "02:00:00:00"]
        let media = try RenderFixture.media([
            "A001": Self.spec(Rational(25, 1), timecode: starts["A001"]!),
            "B002": Self.spec(Rational(25, 1), timecode: starts["B002"]!, cuts: [1]),
        ])
        let plan = CutPlan(rate: .pal25, sourceStarts: starts, events: [
            .init(reel: "A001", sourceIn: 5, length: 20),
            .init(reel: "B002", sourceIn: 40, length: 30, kind: .wipe(code: 1, frames: 12)),
            .init(reel: "A001", sourceIn: 70, length: 8),
        ])
        let (out, report) = try RenderFixture.render(plan, media: media, settings: RenderSettings(width: 320, height: 180))
        #expect(report.transitions == 1)
        let frames = try RenderFixture.frames(out)
        #expect(frames.count == 58)
        let wiped = Set(plan.wipeFrames)
        #expect(wiped == Set(20..<32))
        let expected = plan.expectedStamps
        let outside = frames.indices.filter { !wiped.contains($0) }
        #expect(outside.map { frames[$0].stamp } == outside.map { Optional(expected[$0]) })
        // A left-to-right wipe: frame j shows B over (j+1)/13 of the width, A over the rest.
        func luma(_ path: String, frame: Int) throws -> Frame {
            let reader = try FrameReader(path: path)
            try reader.seek(toFrame: frame)
            let picture = try Frame()
            _ = try reader.next(into: picture)
            return picture
        }
        var previous = 0.0
        for j in 0..<12 {
            let got = try luma(out, frame: 20 + j)
            let a = try luma(media + "/A001.mp4", frame: 25 + j), b = try luma(media + "/B002.mp4", frame: 40 + j)
            var columnsB = 0
            for x in 0..<320 {
                var da = 0, db = 0
                for y in stride(from: 0, to: 180, by: 3) {
                    let g = Int(got.data(0)![y * got.lineSize(0) + x])
                    da += abs(g - Int(a.data(0)![y * a.lineSize(0) + x]))
                    db += abs(g - Int(b.data(0)![y * b.lineSize(0) + x]))
                }
                if db < da { columnsB += 1 }
            }
            let share = Double(columnsB) / 320
            #expect(abs(share - Double(j + 1) / 13) < 0.08, "wipe frame \(j): B over \(share) of the width")
            #expect(share > previous)
            previous = share
        }
    }

    @Test func soundIsCutSampleAccurateWithCrossfades() throws {
        // PCM in and out: samples compare exactly away from the crossfades.
        let starts = ["A001": "01:00:00:00", "B002": "02:00:00:00"]
        var a = Self.spec(Rational(25, 1), timecode: starts["A001"]!)
        var b = Self.spec(Rational(25, 1), timecode: starts["B002"]!)
        a.audioCodec = .pcm
        b.audioCodec = .pcm
        b.toneLevel = -12
        let media = try RenderFixture.media(["A001": a, "B002": b])
        let plan = CutPlan(rate: .pal25, sourceStarts: starts, events: [
            .init(reel: "A001", sourceIn: 10, length: 20),
            .init(reel: "B002", sourceIn: 33, length: 20),
            .init(reel: "A001", sourceIn: 60, length: 20),
        ])
        let (out, _) = try RenderFixture.render(plan, media: media, settings: RenderSettings(width: 320, height: 180, preset: .prores))
        let rendered = try AudioSampleReader(path: out).read(count: 60 * 1920)
        func source(_ reel: String, _ spec: SynthSpec, from frame: Int, count: Int) throws -> [[Float]] {
            let reader = try AudioSampleReader(path: media + "/\(reel).mov")
            try reader.seek(toSample: Int64(frame * 1920))
            return try reader.read(count: count)
        }
        let pieces = [(try source("A001", a, from: 10, count: 20 * 1920), 0),
                      (try source("B002", b, from: 33, count: 20 * 1920), 20 * 1920),
                      (try source("A001", a, from: 60, count: 20 * 1920), 40 * 1920)]
        for (piece, offset) in pieces {
            var worst: Float = 0
            // Skip the 240 samples either side of each cut (the crossfade).
            for i in 240..<(20 * 1920 - 240) {
                for c in 0..<2 { worst = max(worst, abs(rendered[c][offset + i] - piece[c][i])) }
            }
            #expect(worst < 1e-5, "piece at \(offset): worst difference \(worst)")
        }
        // The crossfade is a blend of both sides, with no click: each step stays small.
        var biggestStep: Float = 0
        for i in (20 * 1920 - 240)..<(20 * 1920 + 240) {
            biggestStep = max(biggestStep, abs(rendered[0][i] - rendered[0][i - 1]))
        }
        let toneStep = Float(2 * Double.pi * 1000 / 48000) * Float(pow(10, -12.0 / 20))
        #expect(biggestStep <= toneStep * 1.05)
    }

    /// An EDL with its own sound events: sound comes from the audio tracks, not the picture's
    /// sources — A1 on the left, A2 on the right, a lone A1 on both.
    @Test func audioTracksOfTheEDLAreWhatIsHeard() throws {
        var a = Self.spec(Rational(25, 1), timecode: "01:00:00:00")
        var b = Self.spec(Rational(25, 1), timecode: "02:00:00:00")
        a.audioCodec = .pcm
        b.audioCodec = .pcm
        b.toneLevel = -12
        let media = try RenderFixture.media(["A001": a, "B002": b])
        func render(_ edl: String, name: String) throws -> [[Float]] {
            var (list, warnings) = try EDLReader(rate: .pal25).read(data: Data(edl.utf8))
            let timeline = try Timeline(list, warnings: &warnings)
            let out = media + "/\(name).mov"
            _ = try TimelineRenderer(timeline: timeline, library: MediaLibrary(folders: [media]),
                                     settings: RenderSettings(width: 320, height: 180, preset: .prores)).render(to: out)
            return try AudioSampleReader(path: out).read(count: 50 * 1920)
        }
        let source = try AudioSampleReader(path: media + "/B002.mov")
        try source.seek(toSample: 25 * 1920)
        let want = try source.read(count: 50 * 1920)
        let stereo = try render("""
            001  A001     V     C        01:00:00:00 01:00:02:00 10:00:00:00 10:00:02:00
            002  B002     AA    C        02:00:01:00 02:00:03:00 10:00:00:00 10:00:02:00
            """, name: "stereo")
        let range = 0..<(50 * 1920 - 480)
        #expect(range.map { abs(stereo[0][$0] - want[0][$0]) }.max()! < 1e-5, "left is B002's first channel")
        #expect(range.map { abs(stereo[1][$0] - want[1][$0]) }.max()! < 1e-5, "right is B002's second channel")
        let mono = try render("""
            001  A001     V     C        01:00:00:00 01:00:02:00 10:00:00:00 10:00:02:00
            002  B002     A     C        02:00:01:00 02:00:03:00 10:00:00:00 10:00:02:00
            """, name: "mono")
        #expect(range.map { abs(mono[0][$0] - want[0][$0]) }.max()! < 1e-5)
        #expect(range.map { abs(mono[1][$0] - want[0][$0]) }.max()! < 1e-5, "a lone A1 plays on both sides")
    }

    /// Ten minutes of two- to three-second events: at the end, sound is still on the sample it
    /// should be, and both streams end together.
    @Test func tenMinutesOfShortEventsStayInSync() throws {
        let starts = ["A001": "01:00:00:00", "B002": "02:00:00:00", "C003": "03:00:00:00"]
        var specs: [String: SynthSpec] = [:]
        for (i, reel) in ["A001", "B002", "C003"].enumerated() {
            var spec = SynthSpec(width: 64, height: 64, frameRate: Rational(25, 1), frames: 1500, videoCodec: .prores,
                                 audioCodec: .pcm, toneLevel: -20 - Double(i) * 4, startTimecode: starts[reel]!)
            spec.stamp = true
            specs[reel] = spec
        }
        let media = try RenderFixture.media(specs)
        var events: [CutPlan.Event] = []
        var total = 0, n = 0
        let reels = ["A001", "B002", "C003"]
        while total < 15_000 {
            let length = min(50 + (n * 37) % 26, 15_000 - total)   // 2 to 3 seconds
            events.append(.init(reel: reels[n % 3], sourceIn: (n * 211) % 1400, length: length))
            total += length
            n += 1
        }
        let plan = CutPlan(rate: .pal25, sourceStarts: starts, events: events)
        let (out, report) = try RenderFixture.render(plan, media: media, settings: RenderSettings(width: 64, height: 64, preset: .prores))
        #expect(report.frames == 15_000)
        let info = try Probe.file(out)
        let video = try #require(info.first(.video)), audio = try #require(info.first(.audio))
        #expect(video.frameCount == 15_000)
        #expect(abs((audio.duration ?? 0) - (video.duration ?? 0)) <= 1024.0 / 48_000, "audio \(audio.duration ?? 0) s, video \(video.duration ?? 0) s")
        // The last event's sound, sample for sample, is its source's at the EDL's offset.
        let last = events.last!
        let lastStart = total - last.length
        let rendered = try AudioSampleReader(path: out)
        try rendered.seek(toSample: Int64(lastStart * 1920 + 480))
        let got = try rendered.read(count: 1920 * (last.length - 1) - 480)
        let source = try AudioSampleReader(path: media + "/\(last.reel).mov")
        try source.seek(toSample: Int64(last.sourceIn * 1920 + 480))
        let want = try source.read(count: got[0].count)
        let worst = zip(got[0], want[0]).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-5, "last event off by up to \(worst)")
        #expect(events.count > 200)
    }

    /// A 50p take and a 29.97 take cut into a 25p timeline, and a portrait phone clip: each is
    /// conformed, and picture is chosen by time.
    @Test func mixedRatesAndRotationConform() throws {
        let media = try RenderFixture.media([
            "FAST": SynthSpec(width: 320, height: 180, frameRate: Rational(50, 1), frames: 200, startTimecode: "01:00:00:00"),
            "NTSC": SynthSpec(width: 320, height: 180, frameRate: Rational(30000, 1001), frames: 120, startTimecode: "02:00:00:00"),
            "PHONE": SynthSpec(width: 320, height: 180, frames: 50, startTimecode: "03:00:00:00", rotation: -90),
        ])
        let edl = """
            TITLE: mixed
            001  FAST     V     C        01:00:01:00 01:00:01:10 10:00:00:00 10:00:00:10
            002  NTSC     V     C        02:00:01:00 02:00:01:10 10:00:00:10 10:00:00:20
            003  PHONE    V     C        03:00:00:05 03:00:00:15 10:00:00:20 10:00:01:05
            """
        var (list, warnings) = try EDLReader(rate: .pal25).read(data: Data(edl.utf8))
        let timeline = try Timeline(list, warnings: &warnings)
        let out = media + "/mixed.mp4"
        let report = try TimelineRenderer(timeline: timeline, library: MediaLibrary(folders: [media]),
                                          settings: RenderSettings(width: 320, height: 180)).render(to: out)
        #expect(report.frames == 30)
        let stamps = try RenderFixture.frames(out).map(\.stamp)
        // 50p: one second in is file frame 50, then every other frame.
        #expect(Array(stamps[0..<10]) == stride(from: 50, to: 70, by: 2).map { Optional($0) })
        // 29.97 (counting 30): one timecode second in is file frame 30, then 30 frames per 25.
        let ntsc: [Int?] = (0..<10).map { (k: Int) -> Int? in
            let offset = Double(k) * 30.0 / 25.0 + 1e-6
            return 30 + Int(offset.rounded(.down))
        }
        #expect(Array(stamps[10..<20]) == ntsc)
        // The phone clip is upright and pillarboxed: its stamp strip is turned, so it reads as none.
        #expect(stamps[20..<30].allSatisfy { $0 == nil })
        let reader = try FrameReader(path: out)
        try reader.seek(toFrame: 25)
        let frame = try Frame()
        _ = try reader.next(into: frame)
        // Pillarbox: black at the left and right edges.
        let y0 = frame.data(0)!
        #expect((0..<180).allSatisfy { Int(y0[$0 * frame.lineSize(0) + 2]) <= 20 && Int(y0[$0 * frame.lineSize(0) + 317]) <= 20 })
    }

    @Test func burnInsDrawWithoutMovingFrames() throws {
        let starts = ["A001": "01:00:00:00"]
        let media = try RenderFixture.media(["A001": Self.spec(Rational(25, 1), timecode: starts["A001"]!)])
        let plan = CutPlan(rate: .pal25, sourceStarts: starts, events: [.init(reel: "A001", sourceIn: 10, length: 20)])
        var settings = RenderSettings(width: 320, height: 180)
        let (plain, _) = try RenderFixture.render(plan, media: media, settings: settings)
        let plainFrames = try RenderFixture.frames(plain)
        let burned = media + "/burned.mp4"
        settings.burnIn = [.timecode, .clipName, .event]
        var (edl, warnings) = try EDLReader(rate: .pal25).read(data: Data(try plan.edl.utf8))
        _ = try TimelineRenderer(timeline: try Timeline(edl, warnings: &warnings), library: MediaLibrary(folders: [media]),
                                 settings: settings).render(to: burned)
        #expect(try RenderFixture.frames(burned).map(\.stamp) == plainFrames.map(\.stamp))
        // The bottom-left corner (record timecode) differs from the clean render; the centre does not.
        func first(_ path: String) throws -> Frame {
            let reader = try FrameReader(path: path)
            let frame = try Frame()
            _ = try reader.next(into: frame)
            return frame
        }
        let a = try first(burned), b = try first(plain)
        func difference(_ ys: Range<Int>, _ xs: Range<Int>) -> Double {
            var sum = 0
            for y in ys { for x in xs { sum += abs(Int(a.data(0)![y * a.lineSize(0) + x]) - Int(b.data(0)![y * b.lineSize(0) + x])) } }
            return Double(sum) / Double(ys.count * xs.count)
        }
        #expect(difference(164..<176, 4..<70) > 20)
        #expect(difference(80..<100, 140..<180) < 4)
    }

    @Test func missingMediaAndShortSourcesNameTheEvent() throws {
        let starts = ["A001": "01:00:00:00", "ZZ99": "05:00:00:00"]
        let media = try RenderFixture.media(["A001": Self.spec(Rational(25, 1), timecode: starts["A001"]!, frames: 60)])
        let missing = CutPlan(rate: .pal25, sourceStarts: starts, events: [
            .init(reel: "A001", sourceIn: 0, length: 10), .init(reel: "ZZ99", sourceIn: 0, length: 10)])
        do {
            _ = try RenderFixture.render(missing, media: media, settings: RenderSettings(width: 320, height: 180))
            Issue.record("rendered with a reel missing")
        } catch let error as RenderError {
            #expect(error.event == 2)
            #expect(error.description.contains("no media for reel ZZ99"))
        }
        let (out, report) = try RenderFixture.render(missing, media: media, settings: RenderSettings(width: 320, height: 180), lenient: true)
        #expect(report.missing == ["002"])
        #expect(try RenderFixture.frames(out).map(\.stamp) == Array(0..<10).map { Optional($0) } + Array(repeating: nil, count: 10))

        let short = CutPlan(rate: .pal25, sourceStarts: starts, events: [.init(reel: "A001", sourceIn: 50, length: 20)])
        do {
            _ = try RenderFixture.render(short, media: media, settings: RenderSettings(width: 320, height: 180))
            Issue.record("rendered past the end of a source")
        } catch let error as RenderError {
            #expect(error.event == 1)
            #expect(error.description.contains("shorter than the event"))
        }
    }
}

extension Sequence where Element: Comparable {
    var isSorted: Bool {
        var previous: Element?
        for x in self {
            if let p = previous, x < p { return false }
            previous = x
        }
        return true
    }
}
