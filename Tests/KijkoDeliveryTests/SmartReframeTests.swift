import KijkoPresets
import Foundation
import Testing
import KijkoMedia
@testable import KijkoDelivery

/// The smart reframe: a synthetic subject (whose box is known for every frame) must stay inside
/// the crop, the window must glide, and an edited crop path must be rendered as written.
@Suite struct SmartReframeTests {
    static let moving = SynthSpec(width: 1280, height: 720, frames: 250, pattern: .subject, cuts: [150], stamp: false)

    static func loadPath(_ file: String) throws -> CropPath {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(CropPath.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
    }

    static func vertical(in folder: String) throws -> PlatformPreset {
        try VersionTests.customPreset("vertical", in: folder, width: 360, height: 640)
    }

    @Test(arguments: [false, true])
    func subjectStaysInsideAndTheCameraGlides(lockZoom: Bool) throws {
        let (master, folder) = try DeliveryFixture.master(Self.moving)
        let cropFile = folder + "/crop.json"
        var request = VersionGenerator.Request(master: master, presets: [try Self.vertical(in: folder)], reframe: .smart,
                                               outputFolder: folder + "/out")
        request.cropPath = cropFile
        request.lockZoom = lockZoom
        let manifest = try VersionGenerator(request).run()
        #expect(manifest.deliverables.first?.status == .done && manifest.cropPath == cropFile)
        let track = try #require(try Self.loadPath(cropFile).track(aspect: "9:16"))
        #expect(track.shots.map { $0.startFrame..<$0.endFrame } == [0..<150, 150..<250], "shots found at the planted cut")
        var inside = 0
        var largestStep = 0
        var previous: CropPath.Window?
        for n in 0..<250 {
            let window = try #require(track.window(at: n))
            let box = Self.moving.subjectBox(frame: n)
            if window.x <= box.x && box.x + box.width <= window.x + window.width
                && window.y <= box.y && box.y + box.height <= window.y + window.height { inside += 1 }
            #expect(window.x >= 0 && window.y >= 0 && window.x + window.width <= 1280 && window.y + window.height <= 720)
            #expect(abs(Double(window.width) / Double(window.height) - 9.0 / 16.0) < 0.01)
            if lockZoom { #expect(window.height == 720) }
            if let previous, n != 150 {
                largestStep = max(largestStep, abs(window.x - previous.x), abs(window.y - previous.y))
            }
            previous = window
        }
        #expect(Double(inside) >= 0.99 * 250, "subject inside the crop in \(inside) of 250 frames")
        #expect(largestStep <= 6, "largest frame-to-frame move inside a shot: \(largestStep) px")
    }

    @Test func anEditedPathIsRenderedAndAFocusOverridesTheAnalysis() throws {
        let spec = SynthSpec(width: 1280, height: 720, frames: 20, cuts: [10])
        let (master, folder) = try DeliveryFixture.master(spec)
        let cropFile = folder + "/crop.json"
        // Shot 1 held on the stamp (top centre); shot 2 given a focus at the left edge.
        let edited = CropPath(master: master, width: 1280, height: 720, frameRate: Rational(25, 1), tracks: [
            CropPath.Track(aspect: "9:16", lockZoom: true, shots: [
                CropPath.Shot(startFrame: 0, endFrame: 10, focus: nil,
                              keyframes: [CropPath.Window(frame: 0, x: 438, y: 0, width: 404, height: 720)]),
                CropPath.Shot(startFrame: 10, endFrame: 20, focus: CropPath.Focus(x: 0, y: 0.5),
                              keyframes: [CropPath.Window(frame: 10, x: 438, y: 0, width: 404, height: 720)]),
            ]),
        ])
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(edited).write(to: URL(fileURLWithPath: cropFile))
        var request = VersionGenerator.Request(master: master, presets: [try Self.vertical(in: folder)], reframe: .smart,
                                               outputFolder: folder + "/out")
        request.cropPath = cropFile
        let entry = try #require(try VersionGenerator(request).run().deliverables.first)
        #expect(entry.status == .done)
        // The stamp read through the window's geometry: frames 0-9 exactly; frames 10-19 framed
        // at the left edge, where the stamp is not.
        let scale = 360.0 / 404.0
        let region = (x: Int((-438 * scale).rounded()), y: 0, width: Int((1280 * scale).rounded()), height: 640)
        let stamps = try DeliveryFixture.stamps(entry.path, region: region, source: (1280, 720))
        #expect(Array(stamps.prefix(10)) == Array(0..<10).map { Optional($0) })
        #expect(stamps.suffix(10).allSatisfy { $0 == nil })
        let rewritten = try #require(try Self.loadPath(cropFile).track(aspect: "9:16"))
        #expect(rewritten.shots[1].keyframes.map(\.x) == [0] && rewritten.shots[1].focus == CropPath.Focus(x: 0, y: 0.5))
        #expect(rewritten.shots[0].keyframes == edited.tracks[0].shots[0].keyframes)
    }

    @Test func theCropPathTravelsAsAnOpenTimelineIOTimeline() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 60, pattern: .subject, cuts: [30],
                                                                    stamp: false))
        let presets = folder + "/presets"
        try FileManager.default.createDirectory(atPath: presets, withIntermediateDirectories: true)
        _ = try Self.vertical(in: presets)
        let run = try DeliveryFixture.run(DeliveryFixture.kijko, ["versions", master, "--preset", "vertical", "--presets-dir", presets,
                                                                  "--reframe", "smart", "--crop-path", folder + "/crop.json",
                                                                  "--out", folder + "/out"])
        #expect(run.status == 0, "\(run.stderr)")
        let path = try Self.loadPath(folder + "/crop.json")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/crop-9x16.otio"))
        let timeline = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let stack = try #require(timeline["tracks"] as? [String: Any])
        let track = try #require((stack["children"] as? [[String: Any]])?.first)
        let clips = try #require(track["children"] as? [[String: Any]])
        let shots = try #require(path.tracks.first?.shots)
        #expect(clips.count == shots.count && shots.count == 2)
        for (clip, shot) in zip(clips, shots) {
            let crop = try #require(((clip["metadata"] as? [String: Any])?["kijko"] as? [String: Any])?["crop"] as? [[String: Int]])
            #expect(crop.map { $0["x"] } == shot.keyframes.map(\.x))
            #expect(crop.map { $0["frame"] } == shot.keyframes.map { $0.frame - shot.startFrame })
        }
    }
}
