import KijkoPresets
import Foundation
import Testing
import KijkoMedia
import KijkoTestSupport
@testable import KijkoDelivery

/// The Version Generator end to end on synthesised masters: geometry read back through the frame
/// stamps, frame rates, trims, loudness, failure isolation, reruns and bad input.
@Suite struct VersionTests {
    static let shipped = PresetLoader(folders: [DeliveryFixture.presets])

    /// A 4 s 720p master, stamped, with a -20 dBFS tone.
    static let master16x9 = SynthSpec(width: 1280, height: 720, frames: 100, cuts: [40, 70], toneLevel: -20)

    static func generate(_ master: String, _ presets: [PlatformPreset], in folder: String, reframe: PlatformPreset.Reframe? = nil,
                         start: Double? = nil, end: Double? = nil, force: Bool = false) throws -> Manifest {
        try VersionGenerator(.init(master: master, presets: presets, reframe: reframe, outputFolder: folder + "/out",
                                   force: force, start: start, end: end)).run()
    }

    /// A small custom preset (640x360 unless said), written to `folder`.
    static func customPreset(_ name: String, in folder: String, width: Int = 640, height: Int = 360, extra: String = "",
                             codec: String = "libx264") throws -> PlatformPreset {
        let text = """
            name: \(name)
            kind: video
            width: \(width)
            height: \(height)
            video:
              codec: \(codec)
              preset: veryfast
              crf: 23
            \(extra)
            """
        let path = "\(folder)/\(name).yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try PresetLoader.load(path: path)
    }

    @Test func fourAspectsAndStillsFromOneDecode() throws {
        let (master, folder) = try DeliveryFixture.master(Self.master16x9)
        let presets = try Self.shipped.named(["youtube", "tiktok", "instagram-feed-square", "instagram-feed-portrait", "still", "still-jpeg"])
        let manifest = try Self.generate(master, presets, in: folder)
        #expect(manifest.deliverables.map(\.preset) == presets.map(\.name))
        for entry in manifest.deliverables {
            #expect(entry.status == .done && entry.pass, "\(entry.preset): \(entry.checks.filter { !$0.pass }) \(entry.error ?? "")")
            #expect(entry.sha256?.count == 64 && (entry.size ?? 0) > 0)
        }
        for preset in presets where preset.kind == .video {
            let entry = try #require(manifest.deliverables.first { $0.preset == preset.name })
            let region = DeliveryFixture.placement(1280, 720, in: preset.width, preset.height, cover: preset.reframe == .fill)
            let stamps = try DeliveryFixture.stamps(entry.path, region: region)
            #expect(stamps == (0..<100).map { $0 }, "\(preset.name): every frame, in order, through the \(preset.reframe) geometry")
            #expect(entry.measured?.width == preset.width && entry.measured?.height == preset.height)
            #expect(entry.measured?.frameRate == Rational(25, 1))
            let loudness = try #require(try LoudnessMeter.measure(path: entry.path))
            #expect(abs(loudness.integrated - -14) <= 0.5, "\(preset.name): \(loudness.integrated) LUFS")
            #expect(loudness.truePeak <= -1 + 0.05)
            #expect(entry.loudnessMode == "linear")
        }
        // Stills: the middle frame (2 s = frame 50), at the preset's size.
        let png = try #require(manifest.deliverables.first { $0.preset == "still" })
        #expect(png.path.hasSuffix(".png") && png.measured?.width == 3840 && png.measured?.height == 2160)
        #expect(try DeliveryFixture.stamps(png.path) == [50])
        let jpeg = try #require(manifest.deliverables.first { $0.preset == "still-jpeg" })
        #expect(jpeg.path.hasSuffix(".jpg") && jpeg.measured?.width == 1920)
        #expect(try DeliveryFixture.stamps(jpeg.path) == [50])
    }

    @Test func fitFillAndBlurPlaceThePictureExactly() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 1280, height: 720, frames: 10))
        let square = try Self.customPreset("square", in: folder, width: 720, height: 720)
        let fit = DeliveryFixture.placement(1280, 720, in: 720, 720, cover: false)
        let fill = DeliveryFixture.placement(1280, 720, in: 720, 720, cover: true)
        for mode in [PlatformPreset.Reframe.fit, .fill, .blur] {
            let manifest = try Self.generate(master, [square], in: folder + "/\(mode)", reframe: mode)
            let entry = try #require(manifest.deliverables.first)
            #expect(entry.status == .done && entry.reframe == mode.rawValue)
            let stamps = try DeliveryFixture.stamps(entry.path, region: mode == .fill ? fill : fit)
            #expect(stamps == Array(0..<10), "\(mode)")
            var bars: [(mean: Double, deviation: Double)] = []
            try DeliveryFixture.eachFrame(entry.path) { bars.append(DeliveryFixture.lumaStatistics($0, rows: 0..<(fit.y - 4))) }
            let top = try #require(bars.first)
            switch mode {
            case .fit: #expect(abs(top.mean - 16) < 1.5 && top.deviation < 1, "fit: black bars, got \(top)")
            case .fill: #expect(top.deviation > 20, "fill: picture to the edge, got \(top)")
            case .blur, .smart: #expect(top.mean > 30 && top.deviation > 5, "blur: a blurred copy behind, got \(top)")
            }
        }
    }

    @Test func cinemascopeToVerticalAndSquare() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 1280, height: 536, frames: 10))
        let vertical = try Self.customPreset("vertical", in: folder, width: 360, height: 640)
        for mode in [PlatformPreset.Reframe.fill, .fit] {
            let entry = try #require(try Self.generate(master, [vertical], in: folder + "/\(mode)", reframe: mode).deliverables.first)
            let region = DeliveryFixture.placement(1280, 536, in: 360, 640, cover: mode == .fill)
            #expect(try DeliveryFixture.stamps(entry.path, region: region, source: (1280, 536)) == Array(0..<10), "\(mode)")
        }
    }

    @Test func rotatedPhoneFootageIsUprightBeforeReframing() throws {
        // Coded landscape with a -90 display matrix: a portrait clip, as phones write them.
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 10, rotation: -90))
        let vertical = try Self.customPreset("vertical", in: folder, width: 360, height: 640)
        let entry = try #require(try Self.generate(master, [vertical], in: folder).deliverables.first)
        #expect(entry.measured?.width == 360 && entry.measured?.height == 640)
        // Upright portrait fills 9:16 with no crop: turned back, the whole coded picture is there.
        #expect(try DeliveryFixture.stamps(entry.path, filter: "transpose=cclock") == Array(0..<10))
    }

    @Test func inAndOutAreFrameExact() throws {
        let (master, folder) = try DeliveryFixture.master(Self.master16x9)
        let small = try Self.customPreset("small", in: folder, extra: """
            audio:
              codec: aac
              sample_rate: 48000
              channels: 2
            """)
        let entry = try #require(try Self.generate(master, [small], in: folder, start: 1.0, end: 3.0).deliverables.first)
        let region = DeliveryFixture.placement(1280, 720, in: 640, 360, cover: false)
        #expect(try DeliveryFixture.stamps(entry.path, region: region) == Array(25..<75))
        let info = try Probe.file(entry.path)
        let audio = try #require(info.first(.audio))
        #expect(abs((audio.duration ?? 0) - 2.0) < 0.03, "sound trimmed with the picture: \(audio.duration ?? 0)")
    }

    @Test func frameRatePolicies() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frameRate: Rational(50, 1), frames: 50))
        let fixed = try Self.customPreset("fixed25", in: folder, extra: "frame_rate:\n  policy: fixed\n  rate: 25")
        let capped = try Self.customPreset("max30", in: folder, extra: "frame_rate:\n  policy: max\n  rate: 30")
        let ntsc = try Self.customPreset("ntsc", in: folder, extra: "frame_rate:\n  policy: fixed\n  rate: 30000/1001")
        let kept = try Self.customPreset("keep", in: folder)
        let manifest = try Self.generate(master, [fixed, capped, ntsc, kept], in: folder)
        let byName = Dictionary(uniqueKeysWithValues: manifest.deliverables.map { ($0.preset, $0) })
        #expect(byName["fixed25"]?.measured?.frameRate == Rational(25, 1))
        #expect(try DeliveryFixture.stamps(byName["fixed25"]!.path) == stride(from: 0, to: 50, by: 2).map { $0 })
        #expect(byName["max30"]?.measured?.frameRate == Rational(30, 1))
        #expect(byName["ntsc"]?.measured?.frameRate == Rational(30000, 1001))
        #expect(byName["keep"]?.measured?.frameRate == Rational(50, 1))
        #expect(try DeliveryFixture.stamps(byName["keep"]!.path) == Array(0..<50))
        for entry in manifest.deliverables { #expect(entry.pass, "\(entry.preset): \(entry.checks.filter { !$0.pass })") }
    }

    @Test func loudPeaksGoThroughALimiterToTheCeiling() throws {
        // A -20 dBFS tone with one frame clipped to a full-scale square wave: the gain to -14 LUFS
        // would put its peaks well over the -1 dBTP ceiling.
        let (master, folder) = try DeliveryFixture.master(
            SynthSpec(width: 640, height: 360, frames: 200, toneLevel: -20, defects: [Defect(.clipping, frames: 100..<101)]))
        let tiktok = try Self.shipped.named(["tiktok"])
        let entry = try #require(try Self.generate(master, tiktok, in: folder).deliverables.first)
        #expect(entry.loudnessMode == "limited")
        let loudness = try #require(try LoudnessMeter.measure(path: entry.path))
        #expect(abs(loudness.integrated - -14) <= 0.5, "\(loudness.integrated) LUFS")
        #expect(loudness.truePeak <= -1 + 0.05, "\(loudness.truePeak) dBTP")
    }

    @Test func oneFailingDeliverableDoesNotStopTheOthers() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 25))
        let broken = try Self.customPreset("broken", in: folder, codec: "libnothing")
        let good = try Self.customPreset("good", in: folder)
        let manifest = try Self.generate(master, [broken, good], in: folder)
        #expect(manifest.deliverables[0].status == .failed)
        #expect(manifest.deliverables[0].error?.contains("libnothing") == true, "\(manifest.deliverables[0].error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: manifest.deliverables[0].path))
        #expect(manifest.deliverables[1].status == .done && manifest.deliverables[1].pass)
        #expect(try DeliveryFixture.stamps(manifest.deliverables[1].path) == Array(0..<25))
    }

    @Test func rerunKeepsFinishedOutputsAndClearsPartials() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 25))
        let a = try Self.customPreset("a", in: folder), b = try Self.customPreset("b", in: folder)
        let first = try Self.generate(master, [a, b], in: folder)
        #expect(first.deliverables.allSatisfy { $0.status == .done })
        try FileManager.default.removeItem(atPath: first.deliverables[1].path)
        let stale = folder + "/out/.master_b.partial-12345.mp4"
        try Data("half a file".utf8).write(to: URL(fileURLWithPath: stale))
        let second = try Self.generate(master, [a, b], in: folder)
        #expect(second.deliverables.map(\.status) == [.kept, .done])
        #expect(second.deliverables[0].sha256 == first.deliverables[0].sha256 && second.deliverables[0].pass)
        #expect(!FileManager.default.fileExists(atPath: stale))
        let forced = try Self.generate(master, [a], in: folder, force: true)
        #expect(forced.deliverables.map(\.status) == [.done])
    }

    @Test func killedRunLeavesNoHalfFileAndARerunCompletes() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 1920, height: 1080, frames: 250, cuts: [100]))
        let out = folder + "/out"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DeliveryFixture.kijko)
        process.arguments = ["versions", master, "--preset", "youtube", "--preset", "tiktok", "--out", out]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the encoders to be writing (a partial file exists), then kill without warning.
        var partial = false
        while process.isRunning && !partial {
            partial = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).contains { $0.contains(".partial-") }
            if !partial { usleep(20_000) }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(partial, "the run ended before it was killed")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(!names.contains("master_youtube.mp4") && !names.contains("master_tiktok.mp4"), "\(names)")
        let rerun = try DeliveryFixture.run(DeliveryFixture.kijko, ["versions", master, "--preset", "youtube", "--preset", "tiktok",
                                                                    "--out", out, "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let after = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(after.filter { $0.contains(".partial-") }.isEmpty, "\(after)")
        #expect(try DeliveryFixture.stamps(out + "/master_youtube.mp4").count == 250)
    }
}

/// `kijko versions` on bad input: one line on stderr naming the file and the fault, non-zero exit.
@Suite struct VersionsCLITests {
    static func versions(_ arguments: [String]) throws -> ProgramResult {
        try DeliveryFixture.run(DeliveryFixture.kijko, ["versions"] + arguments)
    }

    @Test func badMastersGiveOneClearLine() throws {
        let folder = try DeliveryFixture.scratch()
        let audioOnly = folder + "/audio.m4a", tiny = folder + "/tiny.mkv", text = folder + "/notes.mp4"
        #expect(try DeliveryFixture.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", audioOnly]).status == 0)
        #expect(try DeliveryFixture.run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=d=0.2", "-vf", "scale=1:1",
                                                   "-c:v", "ffv1", tiny]).status == 0)
        try Data("not a film".utf8).write(to: URL(fileURLWithPath: text))
        let cases: [(String, String)] = [
            (audioOnly, "audio-only master"), (tiny, "1x1"), (text, "moov atom not found"), (folder + "/absent.mp4", "no such file"),
        ]
        for (path, expected) in cases {
            let run = try Self.versions([path, "--preset", "youtube", "--out", folder + "/out"])
            #expect(run.status != 0, "\(path)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(path) && lines[0].contains(expected), "\(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/audio_youtube.mp4"))
    }

    /// The same master and presets make the same bytes whatever the process's heap held before
    /// (`MALLOC_PERTURB_` fills fresh and freed memory with a byte): libx264's AVX-512 code reads
    /// memory it never wrote, and is left out (``X264Determinism``). Where the CPU has no AVX-512
    /// this holds anyway.
    @Test func theSameDeliverablesByteForByteWhateverTheHeapHeld() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 1280, height: 720, frames: 100, cuts: [50]))
        let hashes = try ["", "85", "170"].map { perturb -> [String] in
            let out = folder + "/out" + perturb
            let run = try Program.run(DeliveryFixture.kijko, ["versions", master, "--out", out, "--json", "--reframe", "smart",
                                                              "--preset", "instagram-reels", "--preset", "youtube"],
                                      environment: perturb.isEmpty ? [:] : ["MALLOC_PERTURB_": perturb])
            #expect(run.status == 0, "\(run.stderr)")
            let manifest = try JSONDecoder.snakeCase.decode(Manifest.self, from: Data(run.stdout.utf8))
            return manifest.deliverables.map { "\($0.preset) \($0.sha256 ?? "no hash")" }
        }
        #expect(hashes[0].count == 2)
        #expect(hashes[1] == hashes[0] && hashes[2] == hashes[0], "\(hashes)")
    }

    /// The issue's own acceptance run: one command, a 1080p25 master with sound and shots, the
    /// four aspects, a 15 s TV cutdown and a still — each measured back right.
    @Test func oneCommandDeliversTheWholeSet() throws {
        let (master, folder) = try DeliveryFixture.master(
            SynthSpec(width: 1920, height: 1080, frames: 400, cuts: [90, 170, 260, 330], toneLevel: -18))
        let presets = ["youtube", "tiktok", "instagram-feed-square", "instagram-feed-portrait", "tv-15s", "still"]
        let run = try Self.versions([master, "--out", folder + "/out", "--json"] + presets.flatMap { ["--preset", $0] })
        #expect(run.status == 0, "\(run.stderr)")
        let manifest = try JSONDecoder.snakeCase.decode(Manifest.self, from: Data(run.stdout.utf8))
        #expect(manifest.deliverables.map(\.preset) == presets)
        let expected: [String: (Int, Int, Double)] = ["youtube": (1920, 1080, 16), "tiktok": (1080, 1920, 16),
                                                      "instagram-feed-square": (1080, 1080, 16),
                                                      "instagram-feed-portrait": (1080, 1350, 16), "tv-15s": (1920, 1080, 15)]
        for entry in manifest.deliverables {
            #expect(entry.status == .done && entry.pass, "\(entry.preset): \(entry.checks.filter { !$0.pass })")
            guard let (width, height, seconds) = expected[entry.preset] else { continue }
            #expect(entry.measured?.width == width && entry.measured?.height == height)
            #expect(abs((entry.measured?.duration ?? 0) - seconds) <= 0.04, "\(entry.preset): \(entry.measured?.duration ?? 0)")
            #expect(entry.measured?.frameRate == Rational(25, 1))
            let target = entry.preset == "tv-15s" ? -23.0 : -14.0
            #expect(abs((entry.measured?.integratedLoudness ?? 0) - target) <= 0.5, "\(entry.preset)")
        }
        #expect(manifest.deliverables.first { $0.preset == "tv-15s" }?.cutdown != nil)
        #expect(manifest.deliverables.last?.measured?.width == 3840)
    }

    @Test func badRequestsAreNamed() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 320, height: 180, frames: 25))
        let unknown = try Self.versions([master, "--preset", "tiktokk", "--out", folder])
        #expect(unknown.status != 0 && unknown.stderr.contains("no preset named tiktokk; did you mean tiktok?"), "\(unknown.stderr)")
        let reframe = try Self.versions([master, "--preset", "tiktok", "--reframe", "squash", "--out", folder])
        #expect(reframe.status == 64 && reframe.stderr.contains("--reframe: expected fit, fill, blur or smart"), "\(reframe.stderr)")
        let backwards = try Self.versions([master, "--preset", "tiktok", "--in", "0.8", "--until", "0.2", "--out", folder])
        #expect(backwards.status != 0 && backwards.stderr.contains("is not before --until"), "\(backwards.stderr)")
        // A 1 s master cannot make a 15 s TV spot: that deliverable fails, named, and the run says so.
        let spot = try Self.versions([master, "--preset", "tv-15s", "--out", folder, "--json"])
        #expect(spot.status == 1 && spot.stdout.contains("programme runs 1.00 s, shorter than tv-15s's 15 s spot"), "\(spot.stdout)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))) as? [String: Any]
        let entries = manifest?["deliverables"] as? [[String: Any]]
        #expect(entries?.first?["status"] as? String == "failed")
    }

    @Test func aBadUserPresetNamesFileLineAndKey() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 320, height: 180, frames: 25))
        let presets = folder + "/presets"
        try FileManager.default.createDirectory(atPath: presets, withIntermediateDirectories: true)
        try Data("name: mine\nkind: video\nwidth: wide\nheight: 720\n".utf8).write(to: URL(fileURLWithPath: presets + "/mine.yaml"))
        let run = try Self.versions([master, "--preset", "mine", "--presets-dir", presets, "--out", folder])
        #expect(run.status != 0 && run.stderr.contains(presets + "/mine.yaml:3: width: expected a whole number, got wide"), "\(run.stderr)")
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
