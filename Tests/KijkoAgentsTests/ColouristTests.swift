import Foundation
@testable import KijkoAgents
import KijkoCore
import KijkoEditorial
import KijkoMedia
@testable import KijkoPipeline
import KijkoTestSupport
import Testing

/// The Colourist in the advertising workflow on takes of a real photograph (scikit-image's coffee,
/// panned as a camera would) shot at three white balances and exposures, and its look on its own.
@Suite struct ColouristTests {
    /// A 6 s take of the coffee photograph panned from `x`, through `look` (ffmpeg filters), as H.264.
    static func take(x: Int, look: String?, to path: String) throws {
        let chain = ["crop=480:320:x='\(x)+t*10':y=30"] + (look.map { [$0] } ?? []) + ["scale=out_color_matrix=bt709,format=yuv420p"]
        let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", RealShotsClip.picturesFolder + "/coffee.png",
                                              "-t", "6", "-r", "25", "-vf", chain.joined(separator: ","), "-colorspace", "bt709",
                                              "-color_primaries", "bt709", "-color_trc", "bt709", "-c:v", "libx264", "-crf", "18", path])
        try #require(made.status == 0, "\(made.stderr)")
    }

    /// Tungsten and dark (A001), neutral (A002), cool and bright (A003), in the film workflow: the
    /// Colourist takes the median-brightness take as the reference, brings the other two to it (ΔE00
    /// at least halved), adds the mood board's look because the brief asks for one, renders the graded
    /// cut, and opens the grade for approval; the Director of Photography's "warmer, a touch brighter"
    /// comes back as a trim in the look; the CDLs travel in the EDL and the OTIO; QC audits the graded cut.
    @Test func gradesTheCutAndTakesTheReviewersTrim() throws {
        try #require(RealShotsClip.available, "scikit-image's pictures missing: run scripts/test (it installs them)")
        let media = try AgentsFixture.scratch("colour-media")
        try Self.take(x: 20, look: "colortemperature=temperature=3800,exposure=exposure=-0.6", to: media + "/A001.mp4")
        try Self.take(x: 20, look: nil, to: media + "/A002.mp4")
        try Self.take(x: 50, look: "colortemperature=temperature=9000,exposure=exposure=0.4", to: media + "/A003.mp4")
        let brief = "A 12 s brand film for Acme. Budget: $9,000\nLook: a warm, golden grade from the mood board."
        var gateSeen = 0
        let run = try AgentsFixture.run("film", context: AgentsFixture.context(), brief: brief, options: .init(client: "Acme", media: media),
                                        override: { _ in "a photograph's takes: no sound to deliver" }) { request in
            guard request.step == "grade_review" else { return nil }
            gateSeen += 1
            return gateSeen == 1 ? "Warmer please, and a touch brighter" : nil
        }
        #expect(run.outcome == .complete, "\(run.outcome)")
        #expect(gateSeen == 2)
        let outputs = try AgentsFixture.outputs(run.runner, job: run.job)
        let grade = try AgentsFixture.document(ColourGrade.self, outputs, "colour")
        #expect(grade.reference.hasSuffix("/A002.mp4") && grade.referenceReason.contains("median brightness"), "\(grade.reference): \(grade.referenceReason)")
        #expect(grade.sources.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["A001.mp4", "A003.mp4"], "\(grade.sources.map(\.file))")
        for source in grade.sources {
            #expect(!source.identity && source.deltaEAfter <= source.deltaEBefore / 2, "\(source.file): \(source.deltaEBefore) → \(source.deltaEAfter)")
            #expect(FileManager.default.fileExists(atPath: source.beforeStill) && FileManager.default.fileExists(atPath: source.afterStill))
        }
        // The look: the palette's split tone, then the reviewer's trims; warm on a grey.
        #expect(grade.lookNotes.contains { $0.contains("mood board's palette") }, "\(grade.lookNotes)")
        #expect(grade.lookNotes.contains { $0.hasPrefix("warmer") } && grade.lookNotes.contains { $0.hasPrefix("brighter") }, "\(grade.lookNotes)")
        let look = try CubeLUT.read(path: try #require(grade.look))
        let grey = look.apply((0.5, 0.5, 0.5))
        #expect(grey.0 - grey.2 > 0.04 && grey.1 > 0.5, "\(grey)")
        // The graded cut has the rough cut's frames; QC audited it.
        let cut = try AgentsFixture.document(RoughCut.self, outputs, "assembly")
        #expect(grade.frames == cut.frames && FileManager.default.fileExists(atPath: grade.video))
        let qc = try AgentsFixture.document(QCVerdict.self, outputs, "qc")
        #expect(qc.master.file == grade.video, "\(qc.master.file)")
        // The grade travels: ASC_SOP on each event of the matched takes in the EDL, the CDL in the OTIO.
        let edl = try String(contentsOfFile: grade.edl, encoding: .utf8)
        let shotsGraded = grade.sources.reduce(0) { $0 + $1.shots.count }
        #expect(edl.components(separatedBy: "* ASC_SOP").count - 1 == shotsGraded, "\(edl)")
        var warnings: [String] = []
        let otio = try OTIOReader.read(path: grade.otio, warnings: &warnings)
        let decisions = otio.tracks[0].placedClips.compactMap(\.clip.colorDecision)
        #expect(decisions.count == shotsGraded)
        let first = try #require(grade.sources.first)
        #expect(decisions.contains(CDL(slope: first.slope, offset: first.offset, power: first.power, saturation: first.saturation)))
        // The tungsten take is warm and dark: its CDL cools it (blue slope above red) and lifts it.
        #expect(first.slope[2] > first.slope[0], "\(first)")
        // The pictures for the gate: the contact sheet and a before and after per source.
        let sheet = try #require(grade.contactSheet)
        #expect(FileManager.default.fileExists(atPath: sheet))
        let artefacts = outputs["colour"]?["artefacts"]
        #expect(artefacts.map { "\($0)".contains("after") } == true)
    }

    /// Versions and QC take the graded cut when there is one, else the rough cut.
    @Test func laterStepsTakeTheGradedCut() throws {
        let folder = try AgentsFixture.scratch("colour-master")
        for name in ["roughcut.mp4", "graded.mp4"] { _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data()) }
        var cut = RoughCut.example
        cut.video = folder + "/roughcut.mp4"
        var grade = ColourGrade.example
        grade.video = folder + "/graded.mp4"
        func text<D: AgentDocument>(_ document: D) throws -> String {
            String(decoding: try JSONEncoder().encode(try AgentEnvelope.wrap(Finished(document: document), provenance: "native", model: nil)), as: UTF8.self)
        }
        let graded = AgentInput(brief: "b", workFolder: folder, upstream: ["assembly": try text(cut), "colour": try text(grade)])
        #expect(try VersionGeneratorAgent.master(graded) == grade.video)
        let ungraded = AgentInput(brief: "b", workFolder: folder, upstream: ["assembly": try text(cut)])
        #expect(try VersionGeneratorAgent.master(ungraded) == cut.video)
    }

    /// The look alone: a grey palette tints nothing; a warm one warms the highlights and the
    /// shadows toward its own darker and lighter colours; the `.cube` it writes is the look within
    /// a 33-point lattice's interpolation error; trims are read from words, the rest reported.
    @Test func theLookAndTheTrims() throws {
        let grey = ColourLook.splitTone(palette: [(SIMD3(0.2, 0.2, 0.2), 0.5), (SIMD3(0.8, 0.8, 0.8), 0.5)])
        #expect(grey.isIdentity)
        let warm = ColourLook.splitTone(palette: [(SIMD3(0.25, 0.15, 0.3), 0.4), (SIMD3(0.9, 0.7, 0.4), 0.6)])
        let bright = warm.apply((0.9, 0.9, 0.9)), dark = warm.apply((0.1, 0.1, 0.1))
        #expect(bright.0 > bright.2 + 0.02, "\(bright)")          // highlights toward the light orange
        #expect(dark.2 > dark.1 && dark.0 > dark.1, "\(dark)")     // shadows toward the dark violet
        var trimmed = warm
        trimmed.warmth = 0.3
        trimmed.exposure = 0.2
        trimmed.saturation = 0.9
        let lut = try trimmed.cube(title: "test", file: "look.cube")
        var worst = 0.0
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let p = (Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator))
            let a = trimmed.apply(p), b = lut.apply(p)
            worst = max(worst, abs(a.0 - b.0), abs(a.1 - b.1), abs(a.2 - b.2))
        }
        #expect(worst < 0.01, "worst \(worst)")   // (the clamps are kinks a lattice rounds off)
        let read = ColouristAgent.trims(["Warmer please, and a touch brighter", "make it pop", "Too saturated now", "no look"])
        #expect(read.look.warmth == 0.3 && read.look.exposure == 0.2 && abs(read.look.saturation - 0.9) < 1e-12)
        #expect(read.ignored == ["make it pop"] && read.dropLook)
        #expect(ColouristAgent.asksForLook("Look: warm and golden") && !ColouristAgent.asksForLook("Tone: bright, optimistic"))
    }
}
