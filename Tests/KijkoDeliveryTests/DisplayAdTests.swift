import Foundation
import KijkoTestSupport
import Testing
import KijkoMedia
import KijkoPresets
import KijkoCore
@testable import KijkoDelivery

/// Display ads and platform-length cutdowns on real pictures: `Tests/corpus/make_shots.py` turns
/// scikit-image's photographs into a 20 s clip of seven moving shots (texture, noise, a flash) —
/// the hard case for a byte budget, where every frame changes.
@Suite struct DisplayAdTests {
    /// The real-picture clip and its truth, made once per test in a scratch folder.
    static func realClip() throws -> (path: String, folder: String, truth: RealShotsClip.Truth) {
        try #require(RealShotsClip.available, "scikit-image's photographs (scripts/test fetches them)")
        let folder = try DeliveryFixture.scratch()
        let clip = folder + "/shots.mp4"
        return (clip, folder, try RealShotsClip.make(at: clip))
    }

    /// Every format of three IAB sizes (a rectangle, a strip over a blurred fill, a tower) fits the
    /// 150 KB budget, read back from the files themselves: the size, a loop of 6 s, played twice
    /// (12 s of animation, within IAB's 15 s), no sound. A GIF of moving real pictures does not fit
    /// at full rate: the ladder had to go down, and the manifest says how far.
    @Test func displayAdsFitTheirByteBudgetOnRealPictures() throws {
        let clip = try Self.realClip()
        let presets = try PresetLoader(folders: [DeliveryFixture.presets]).named(["display-300x250", "display-728x90", "display-160x600"])
        #expect(presets.count == 9 && Set(presets.map(\.container)) == ["gif", "webp", "mp4"])
        let out = clip.folder + "/ads"
        let manifest = try VersionGenerator(.init(master: clip.path, presets: presets, outputFolder: out)).run()
        #expect(manifest.deliverables.count == 9)
        for entry in manifest.deliverables {
            let preset = try #require(presets.first { $0.name == entry.preset })
            #expect(entry.status == .done && entry.pass, "\(entry.preset): \(entry.error ?? "") \(entry.checks.filter { !$0.pass }.map(\.detail))")
            let bytes = try #require(try FileManager.default.attributesOfItem(atPath: entry.path)[.size] as? NSNumber).intValue
            #expect(bytes <= 150_000 && bytes == entry.size, "\(entry.preset): \(bytes) bytes")
            let display = try #require(entry.display)
            #expect(display.plays == 2 && abs(display.loopSeconds - 6) < 0.1, "\(entry.preset): \(display)")
            #expect(display.attempts.last?.bytes == bytes && display.attempts.dropLast().allSatisfy { $0.bytes > 150_000 },
                    "\(entry.preset): the first setting within budget is the one kept: \(display.attempts)")
            if preset.container == "mp4" {
                let info = try Probe.file(entry.path)
                #expect(info.first(.video)?.width == preset.width && info.first(.video)?.height == preset.height && info.first(.audio) == nil)
            } else {
                let animation = try AnimationInfo.read(path: entry.path)
                #expect(animation.width == preset.width && animation.height == preset.height, "\(entry.preset): \(animation)")
                #expect(animation.plays == 2 && animation.frames >= 3 && abs(animation.duration - display.loopSeconds) <= 1 / (display.frameRate ?? 1) + 0.02,
                        "\(entry.preset): \(animation) vs \(display)")
            }
            // The loop is a cutdown of the master ending on its last frames (the end card).
            #expect(entry.cutdown?.segments.last?.last == clip.truth.frames, "\(entry.preset): \(String(describing: entry.cutdown))")
        }
        let gif = try #require(manifest.deliverables.first { $0.preset == "display-300x250-gif" }?.display)
        #expect(gif.attempts.count > 1 && gif.attempts[0].bytes > 150_000, "real pictures in motion do not fit a GIF at full rate: \(gif.attempts)")
        // A second run keeps them, checked against what the first recorded (the service writes the manifest).
        try JSONCoding.encoder.encode(manifest).write(to: URL(fileURLWithPath: out + "/manifest.json"))
        let again = try VersionGenerator(.init(master: clip.path, presets: presets, outputFolder: out)).run()
        #expect(again.deliverables.allSatisfy { kept in kept.status == .kept && kept.pass && kept.display == manifest.deliverables.first { $0.preset == kept.preset }?.display },
                "\(again.deliverables.filter { !$0.pass }.map { "\($0.preset): \($0.checks.filter { !$0.pass }.map(\.detail))" })")
        let left = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.contains("partial") }
        #expect(left.isEmpty, "\(left)")
    }

    /// A programme over a platform's limit is cut to its optimal length from whole shots: the
    /// 20 s clip for a platform of 15 s at most and 6–10 s at best runs 6–10 s, opens on the first
    /// shot, ends on the last, and every cut falls on a shot boundary of the truth (a hard cut, or
    /// inside a dissolve or fade).
    @Test func overThePlatformsLimitIsCutToItsOptimalLengthAtShotBoundaries() throws {
        let clip = try Self.realClip()
        let folder = clip.folder + "/presets"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var text = try String(contentsOfFile: DeliveryFixture.presets + "/x.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "name: x\n", with: "name: short-social\n")
            .replacingOccurrences(of: "max: 140", with: "max: 15").replacingOccurrences(of: "optimal_max: 15", with: "optimal_max: 10")
        try text.write(toFile: folder + "/short.yaml", atomically: true, encoding: .utf8)
        let preset = try PresetLoader.load(path: folder + "/short.yaml")
        #expect(preset.maxDuration == 15 && preset.optimalDuration == 6...10)
        let manifest = try VersionGenerator(.init(master: clip.path, presets: [preset], outputFolder: clip.folder + "/out")).run()
        let entry = try #require(manifest.deliverables.first)
        #expect(entry.pass, "\(entry.error ?? "") \(entry.checks.filter { !$0.pass }.map(\.detail))")
        let cut = try #require(entry.cutdown)
        #expect(cut.trimmedFrames == 0 && cut.reason?.contains("at shot boundaries") == true, "\(cut)")
        let frames = cut.segments.reduce(0) { $0 + $1[1] - $1[0] }
        #expect((150...250).contains(frames), "\(frames) frames at 25 fps")
        #expect(abs((entry.measured?.duration ?? 0) - Double(frames) / 25) <= 0.041)
        #expect(cut.segments.first?.first == 0 && cut.segments.last?.last == clip.truth.frames, "\(cut.segments)")
        let transitions = (clip.truth.dissolves + clip.truth.fades).map { ($0[0] - 2)...($0[1] + 2) }
        for edge in cut.segments.flatMap({ $0 }) where edge != 0 && edge != clip.truth.frames {
            #expect(clip.truth.cuts.contains { abs($0 - edge) <= 1 } || transitions.contains { $0.contains(edge) },
                    "cut at frame \(edge) is not a shot boundary (cuts \(clip.truth.cuts), transitions \(transitions))")
        }
    }

    /// A display preset file names its formats; each is a preset of its own and asking for the
    /// file's name asks for them all. What a display ad cannot have is refused, naming the key.
    @Test func aDisplayPresetIsAGroupOfFormats() throws {
        let loader = PresetLoader(folders: [DeliveryFixture.presets])
        let group = try loader.named(["display-320x50"])
        #expect(group.map(\.name) == ["display-320x50-gif", "display-320x50-mp4", "display-320x50-webp"])
        #expect(group.allSatisfy { $0.kind == .display && $0.maxFileSize == 150_000 && $0.group == "display-320x50" && $0.reframe == .blur })
        #expect(try loader.named(["display-300x250-webp"]).map(\.container) == ["webp"])
        let folder = try DeliveryFixture.scratch()
        let cases = [("containers: [gif, png]", "containers"), ("video:\n  codec: libx264\n  crf: 20", "video"),
                     ("audio:\n  codec: aac", "audio"), ("container: mp4\nmax_file_size_mb: 1", "max_file_size_kb")]
        for (extra, key) in cases {
            let body = "name: ad\nkind: display\nwidth: 300\nheight: 250\nmax_file_size_kb: 150\n"
            let path = folder + "/ad-\(key).yaml"
            try (body + extra + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result: Result<[PlatformPreset], PresetError> = Result { () throws(PresetError) in try PresetLoader.loadAll(path: path) }
            guard case .failure(let error) = result else { Issue.record("\(key): accepted"); continue }
            #expect(error.key?.hasSuffix(key) == true, "\(key): \(error)")
        }
    }

    /// What ffmpeg writes (the reference), read back: a GIF told to loop twice more plays three
    /// times, a WebP told 3 plays three times, frames and their total time; a cut-short file is
    /// nothing, never a crash.
    @Test func animationInfoReadsWhatFFmpegWrites() throws {
        let folder = try DeliveryFixture.scratch()
        let source = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=200x100:r=10:d=2"]
        let gif = try DeliveryFixture.run("ffmpeg", source + ["-loop", "2", folder + "/a.gif"])
        let webp = try DeliveryFixture.run("ffmpeg", source + ["-c:v", "libwebp_anim", "-loop", "3", folder + "/a.webp"])
        try #require(gif.status == 0 && webp.status == 0, "\(gif.stderr) \(webp.stderr)")
        let g = try AnimationInfo.read(path: folder + "/a.gif"), w = try AnimationInfo.read(path: folder + "/a.webp")
        #expect(g.format == .gif && g.width == 200 && g.height == 100 && g.frames == 20 && abs(g.duration - 2) < 0.01 && g.plays == 3, "\(g)")
        #expect(w.format == .webp && w.width == 200 && w.height == 100 && w.frames == 20 && abs(w.duration - 2) < 0.01 && w.plays == 3, "\(w)")
        let forever = try DeliveryFixture.run("ffmpeg", source + ["-loop", "0", folder + "/b.gif"])
        try #require(forever.status == 0)
        #expect(try AnimationInfo.read(path: folder + "/b.gif").plays == nil)
        // The fuzz target's seeds are animations it reads.
        for seed in ["seed.gif", "seed.webp"] {
            let data = try Data(contentsOf: DeliveryFixture.root.appendingPathComponent("Fixtures/fuzz/animation/" + seed))
            #expect(AnimationInfo.parse(data)?.frames == 3, "\(seed)")
        }
        for name in ["a.gif", "a.webp"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            for length in [0, 5, 13, 40, data.count / 2, data.count - 1] {
                #expect(AnimationInfo.parse(data.prefix(length)) == nil, "\(name) cut to \(length) bytes")
            }
        }
    }
}
