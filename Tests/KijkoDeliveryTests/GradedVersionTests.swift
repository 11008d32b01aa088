import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
import KijkoMedia
import KijkoPresets
@testable import KijkoDelivery

/// Deliverables graded by a `.cube` LUT: a preset's own `lut:` (a path relative to the preset),
/// `--lut` over every preset, stills graded as the videos are, and LUTs that cannot be used.
@Suite struct GradedVersionTests {
    /// Two-point LUTs of linear functions, so tetrahedral interpolation gives them exactly: R′G′B′
    /// rotated to G′B′R′, and inverted.
    static func lut(_ f: (Double, Double, Double) -> (Double, Double, Double)) -> String {
        var text = "LUT_3D_SIZE 2\n"
        for b in 0...1 { for g in 0...1 { for r in 0...1 {
            let v = f(Double(r), Double(g), Double(b))
            text += "\(v.0) \(v.1) \(v.2)\n"
        } } }
        return text
    }

    /// R′G′B′ (0–1) at the middle of the first frame of `path`, through BT.709 (full range for a JPEG).
    static func colour(_ path: String) throws -> (Double, Double, Double) {
        let reader = try FrameReader(path: path)
        let frame = try Frame()
        try #require(try reader.next(into: frame))
        let graph = try FilterGraph("[in]scale=in_color_matrix=bt709,format=rgb24[out]", inputs: ["in": reader.frameFormat])
        try graph.push(frame)
        let rgb = try Frame()
        try #require(try graph.pull(into: rgb) == .frame)
        let row = rgb.data(0)! + (rgb.height / 2) * rgb.lineSize(0) + 3 * (rgb.width / 2)
        return (Double(row[0]) / 255, Double(row[1]) / 255, Double(row[2]) / 255)
    }

    static func near(_ a: (Double, Double, Double), _ b: (Double, Double, Double), within codes: Double = 3) -> Bool {
        max(abs(a.0 - b.0), abs(a.1 - b.1), abs(a.2 - b.2)) * 255 <= codes
    }

    @Test func presetsAndTheRunGradeTheirDeliverables() throws {
        let folder = try DeliveryFixture.scratch()
        let master = folder + "/master.mp4"
        let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=0xb05a30:s=640x360:r=25:d=1",
                                              "-vf", "scale=out_color_matrix=bt709,format=yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
                                              "-c:v", "libx264", "-crf", "10", master])
        try #require(made.status == 0, "\(made.stderr)")
        try Self.lut { ($1, $2, $0) }.write(toFile: folder + "/rotate.cube", atomically: true, encoding: .utf8)
        try Self.lut { (1 - $0, 1 - $1, 1 - $2) }.write(toFile: folder + "/invert.cube", atomically: true, encoding: .utf8)
        try "LUT_3D_SIZE 2\n0 0 0\n0 zero 0\n".write(toFile: folder + "/bad.cube", atomically: true, encoding: .utf8)
        let rotated = try VersionTests.customPreset("rotated", in: folder, extra: "lut: rotate.cube")
        #expect(rotated.lut == folder + "/rotate.cube")
        let plain = try VersionTests.customPreset("plain", in: folder)
        let broken = try VersionTests.customPreset("broken", in: folder, extra: "lut: bad.cube")
        var still = try VersionTests.shipped.named(["still-jpeg"])[0]
        still.lut = folder + "/rotate.cube"
        let manifest = try VersionTests.generate(master, [rotated, plain, broken, still], in: folder)
        func entry(_ name: String, _ manifest: Manifest) throws -> Manifest.Entry { try #require(manifest.deliverables.first { $0.preset == name }) }
        let source = try Self.colour(try entry("plain", manifest).path)
        // (The master itself reads back near the colour it was made from: 8-bit YUV both ways.)
        #expect(Self.near(source, (0xb0 / 255.0, 0x5a / 255.0, 0x30 / 255.0), within: 8), "\(source)")
        for name in ["rotated", "still-jpeg"] {
            let graded = try entry(name, manifest)
            #expect(graded.status == .done && graded.pass && graded.lut == folder + "/rotate.cube", "\(graded)")
            let got = try Self.colour(graded.path)
            #expect(Self.near(got, (source.1, source.2, source.0)), "\(name): \(got) from \(source)")
        }
        #expect(try entry("plain", manifest).lut == nil)
        // A preset's LUT that cannot be read fails its deliverable only, naming the line.
        let failed = try entry("broken", manifest)
        #expect(failed.status == .failed && failed.error?.hasPrefix(folder + "/bad.cube:3: an entry needs 3 numbers within ±1e6, got 0 zero 0") == true, "\(failed.error ?? "")")

        // The run's LUT grades every deliverable, over a preset's own.
        var request = VersionGenerator.Request(master: master, presets: [rotated, plain], outputFolder: folder + "/run", force: true)
        request.lutFile = folder + "/invert.cube"
        let run = try VersionGenerator(request).run()
        for name in ["rotated", "plain"] {
            let graded = try entry(name, run)
            #expect(graded.lut == folder + "/invert.cube")
            let got = try Self.colour(graded.path)
            #expect(Self.near(got, (1 - source.0, 1 - source.1, 1 - source.2)), "\(name): \(got)")
        }
        // Run again without --force: a file made with the LUT asked for is kept (and says which);
        // one graded otherwise than this run asks fails, saying to make it again.
        // (Through the delivery service, which keeps the manifest the record is read from.)
        var service = DeliveryService.VersionsRequest(master: master, presets: [rotated, plain], outputFolder: folder + "/kept")
        service.lutFile = folder + "/invert.cube"
        _ = try DeliveryService.performVersions(service)
        let again = try DeliveryService.performVersions(service).manifest
        #expect(try entry("plain", again).status == .kept && (try entry("plain", again).lut) == folder + "/invert.cube")
        service.lutFile = folder + "/rotate.cube"
        let changed = try DeliveryService.performVersions(service).manifest
        let stale = try entry("plain", changed)
        #expect(stale.status == .failed && stale.error?.contains("graded by \(folder)/invert.cube; this run asks for \(folder)/rotate.cube: give --force") == true,
                "\(stale.error ?? "")")
        // A run's LUT that cannot be used stops the run before anything is made.
        request.lutFile = folder + "/bad.cube"
        request.outputFolder = folder + "/never"
        #expect(throws: ServiceError.self) { _ = try VersionGenerator(request).run() }
        #expect(!FileManager.default.fileExists(atPath: folder + "/never"))
        // A preset naming a LUT that is not there is refused when loaded, naming the key.
        do { _ = try VersionTests.customPreset("missing", in: folder, extra: "lut: nowhere.cube"); Issue.record("loaded") } catch {
            #expect("\(error)".contains("lut: no such file: \(folder)/nowhere.cube"), "\(error)")
        }
    }
}
