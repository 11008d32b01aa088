import KijkoPresets
import Foundation
import Testing
import KijkoMedia
@testable import KijkoDelivery

/// The Platform Optimizer: platform rules as validated data, drafted copy, and a whole run with
/// its contact sheet looked at pixel by pixel.
@Suite struct OptimizerTests {
    static let rulesFile = DeliveryFixture.root.appendingPathComponent("presets/optimizer/platforms.yaml").path

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    @Test func shippedRulesLoadAndNameRealPresets() throws {
        let rules = try PlatformRules.load(file: Self.rulesFile)
        #expect(Set(rules.keys) == ["tiktok", "instagram", "youtube", "x", "linkedin", "facebook"])
        let presets = try PresetLoader(folders: [DeliveryFixture.presets]).all()
        for platform in rules.values {
            #expect(platform.presets.allSatisfy { presets[$0] != nil }, "\(platform.name): \(platform.presets)")
            #expect(!platform.bestTimes.isEmpty)
        }
        #expect(rules["tiktok"]?.bestTimes.first == PlatformRules.Slot(weekday: 3, hour: 18, minute: 0))
    }

    @Test func badRulesNameFileLineAndKey() throws {
        let folder = try DeliveryFixture.scratch()
        let file = folder + "/platforms.yaml"
        try Data("platforms:\n  tiktok:\n    presets: [tiktok]\n    best_times: [\"Someday 18:00\"]\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect {
            _ = try PlatformRules.load(file: file)
        } throws: { error in
            "\(error)".hasPrefix(file + ":4: platforms.tiktok.best_times: expected slots like")
        }
    }

    @Test func draftsFollowTheRules() throws {
        let rules = try PlatformRules.load(file: Self.rulesFile)
        let brief = "Meet the Aurora trail shoe: lighter and faster on mountain trails. Launch on 1 March; trail runners first."
        let drafter = PostDrafter(brief: brief, master: "/media/aurora_launch-v3_FINAL.mov", calendar: Self.utc)
        // Wednesday 25 November 2026, 12:00 UTC.
        let now = Date(timeIntervalSince1970: 1_795_608_000)
        let tiktok = drafter.draft(for: try #require(rules["tiktok"]), now: now)
        #expect(tiktok.caption == "Meet the Aurora trail shoe: lighter and faster on mountain trails.")
        // The platform's own tag, then the words said most (brief and file name), first said first.
        #expect(tiktok.hashtags == ["fyp", "aurora", "trail", "launch", "meet"])
        #expect(tiktok.postAt == "2026-11-26T19:00:00Z", "the next of Tue 18:00, Thu 19:00, Fri 17:00")
        #expect(tiktok.provenance == "offline-draft")
        var short = try #require(rules["x"])
        short.captionLimit = 40
        let x = drafter.draft(for: short, now: now)
        let text = x.caption + " " + x.hashtags.map { "#" + $0 }.joined(separator: " ")
        #expect(text.count <= 40 && x.caption.hasSuffix("…"), "\(text)")
        let unnamed = PostDrafter(brief: nil, master: "aurora_launch-v3_FINAL.mov", calendar: Self.utc).draft(for: short, now: now)
        #expect(unnamed.caption == "Aurora launch")
    }

    @Test func aRunMakesVersionsCopyAndAContactSheet() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 100))
        let versions = VersionGenerator.Request(master: master, presets: [], outputFolder: folder + "/out")
        let optimizer = PlatformOptimizer(.init(versions: versions, platforms: ["tiktok", "linkedin"], brief: "Autumn sale."),
                                          rules: try PlatformRules.load(file: Self.rulesFile),
                                          loader: PresetLoader(folders: [DeliveryFixture.presets]))
        let report = try optimizer.run()
        #expect(report.manifest.deliverables.map(\.preset) == ["tiktok", "linkedin"])
        #expect(report.manifest.deliverables.allSatisfy { $0.status == .done && $0.pass })
        #expect(report.platforms.map(\.post.caption) == ["Autumn sale.", "Autumn sale."])
        // The sheet: two pictures 540 high side by side, each framed, tiktok's UI bands in red.
        let sheet = try #require(report.contactSheet)
        let info = try #require(try Probe.file(sheet).first(.video))
        let tiktokWidth = 304, linkedinWidth = 960
        #expect(info.width == tiktokWidth + 24 + linkedinWidth + 24 && info.height == 540 + 84)
        var top: (mean: Double, deviation: Double) = (0, 0), middle: (mean: Double, deviation: Double) = (0, 0)
        try DeliveryFixture.eachFrame(sheet, filter: "crop=\(tiktokWidth):540:12:12") { frame in
            top = Self.meanChroma(frame, rows: 10..<60)
            middle = Self.meanChroma(frame, rows: 250..<260)
        }
        #expect(top.mean > 150, "the top UI band is tinted red (Cr \(top.mean))")
        #expect(top.mean > middle.mean + 10)
    }

    /// Mean Cr (the red difference) over some rows of a 4:2:0 picture.
    static func meanChroma(_ frame: Frame, rows: Range<Int>) -> (mean: Double, deviation: Double) {
        guard let plane = frame.data(2) else { return (0, 0) }
        var sum = 0.0, count = 0.0
        for y in (rows.lowerBound / 2)..<(rows.upperBound / 2) {
            for x in 0..<(frame.width / 2) { sum += Double(plane[y * frame.lineSize(2) + x]); count += 1 }
        }
        return (sum / count, 0)
    }
}
