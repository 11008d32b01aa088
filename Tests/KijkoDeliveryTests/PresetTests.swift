import KijkoPresets
import Foundation
import Testing
import KijkoMedia
@testable import KijkoDelivery
import KijkoCore

@Suite struct PresetTests {
    @Test func everyShippedPresetLoads() throws {
        let all = try PresetLoader(folders: [DeliveryFixture.presets]).all()
        let wanted = ["tv-30s", "tv-15s", "tv-6s", "tv-30s-2997", "tv-15s-2997", "tv-6s-2997", "youtube", "youtube-hdr", "youtube-shorts",
                      "tiktok", "instagram-reels", "instagram-story", "instagram-feed-square", "instagram-feed-portrait",
                      "x", "x-square", "linkedin", "facebook-feed", "still", "still-jpeg"]
            + ["300x250", "728x90", "160x600", "300x600", "320x50"].flatMap { size in ["gif", "webp", "mp4"].map { "display-\(size)-\($0)" } }
        #expect(Set(all.keys) == Set(wanted))
        let tiktok = try #require(all["tiktok"])
        #expect(tiktok.width == 1080 && tiktok.height == 1920 && tiktok.aspect == "9:16")
        #expect(tiktok.optimalDuration == 21...34 && tiktok.maxFileSize == 287_000_000)
        #expect(tiktok.loudness == -14 && tiktok.truePeak == -1)
        #expect(tiktok.safeZone?.bottom == 0.2)
        let tv = try #require(all["tv-15s-2997"])
        #expect(tv.rate == Rational(30000, 1001) && tv.ratePolicy == .fixed && tv.targetDuration == 15)
        #expect(tv.loudness == -24 && tv.truePeak == -2)
        #expect(tv.video?.codec == "prores_ks" && tv.audio?.codec == "pcm_s24le" && tv.container == "mov")
        #expect(all["instagram-feed-portrait"]?.aspect == "4:5")
        #expect(all["still"]?.kind == .still)
    }

    static let good = """
        name: custom
        kind: video
        width: 1280
        height: 720
        video:
          codec: libx264
          crf: 21
        """

    @Test(arguments: [
        ("missing key", good.replacingOccurrences(of: "width: 1280\n", with: ""), ":1: width: missing"),
        ("wrong type", good.replacingOccurrences(of: "crf: 21", with: "crf: high"), ":7: video.crf: expected a number, got high"),
        ("huge gop", good + "\n  gop_seconds: 1e12\n", "video.gop_seconds: expected 0.04 to 60, got 1000000000000.0"),
        ("nan crf", good.replacingOccurrences(of: "crf: 21", with: "crf: nan"), "video.crf: expected 0 to 63, got nan"),
        ("escaping name", good.replacingOccurrences(of: "name: custom", with: "name: x/../../.."), ":1: name: use letters, digits"),
        ("key twice", good + "\nwidth: 640\n", ":8: width: given twice (the first at line 3)"),
        ("unknown key", good + "\nloudnes:\n  integrated: -14\n", ":8: loudnes: unknown key"),
        ("odd size", good.replacingOccurrences(of: "height: 720", with: "height: 721"), "height: must be even"),
        ("bad yaml", good + "\n  - [unclosed", "not valid YAML"),
        ("bad reframe", good + "\nreframe: squash\n", "reframe: expected fit, fill, blur or smart"),
        ("no rate control", good.replacingOccurrences(of: "  crf: 21\n", with: "").replacingOccurrences(of: "  crf: 21", with: ""), "video.crf: give crf or bit_rate"),
    ])
    func badPresetsNameFileLineAndKey(name: String, text: String, expected: String) throws {
        let dir = try DeliveryFixture.scratch()
        let path = dir + "/custom.yaml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try PresetLoader.load(path: path)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.description.hasPrefix(path), "\(name): \(error)")
            #expect(error.description.contains(expected), "\(name): \(error)")
        }
    }

    @Test func userFolderOverridesAndAdds() throws {
        let dir = try DeliveryFixture.scratch()
        try Data(Self.good.utf8).write(to: URL(fileURLWithPath: dir + "/custom.yaml"))
        try Data(Self.good.replacingOccurrences(of: "name: custom", with: "name: youtube").utf8).write(to: URL(fileURLWithPath: dir + "/yt.yaml"))
        let loader = PresetLoader(folders: [DeliveryFixture.presets, dir])
        let presets = try loader.named(["custom", "youtube"])
        #expect(presets.map(\.width) == [1280, 1280])
        #expect(throws: PresetError.self) { try loader.named(["tiktokk"]) }
    }
}
