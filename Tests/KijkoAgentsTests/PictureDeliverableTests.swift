import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
import KijkoMedia
import KijkoPipeline
@testable import KijkoAgents

/// Display ads and print stills an agency asks for in the brief: kept by the VRD (offline and
/// against a model that drops them), made by the Version Generator at the sizes asked, within
/// their budget, and kept out of the posting schedule (they are not posts).
@Suite struct PictureDeliverableTests {
    static let brief = """
        Brand: Acme
        Product: Acme Spring
        Audience: commuters
        A 10s spot on TikTok, with banners and an out-of-home poster.
        Deliverables:
        - 10s 9:16 TikTok
        - 300x250 banner
        - 728x90 banner, 8s
        - OOH poster 1080x1350 jpg
        """

    static func check(_ vrd: VideoRequirements) {
        let pictures = vrd.deliverables.filter(\.isPicture)
        let sizes = pictures.map { "\($0.platform) \(Int($0.width ?? 0))x\(Int($0.height ?? 0)) \($0.format)" }
        #expect(Set(sizes) == ["display 300x250 gif", "display 728x90 gif", "print 1080x1350 jpg"], "\(sizes)")
        #expect(pictures.first { $0.width == 728 }?.duration == 8 && pictures.first { $0.width == 300 }?.duration == 6)
        #expect(vrd.deliverables.contains { $0.platform == "tiktok" && $0.aspect == "9:16" && $0.duration == 10 })
        #expect(vrd.violations() == [], "\(vrd.violations())")
    }

    @Test func theBriefsSizesAreRead() {
        #expect(BriefFacts.sizes(in: "OOH 6096 × 3048 px, MPU 300x250, 1920 X 1080").map { "\($0.width)x\($0.height)" } == ["6096x3048", "300x250", "1920x1080"])
        #expect(BriefFacts.sizes(in: "call 0800 123 456, 3x4 grid, 123456x7").isEmpty)
        let facts = BriefFacts(Self.brief)
        #expect(facts.platforms.contains("display") && facts.platforms.contains("print") && facts.platforms.contains("tiktok"), "\(facts.platforms)")
        // Display ads asked for with no size: every IAB size.
        let loose = try? VideoRequirements.from(try VRDAgent(context: AgentsFixture.context()).run(
            AgentInput(brief: "A 20s film for Acme on YouTube, and display ads.", workFolder: try AgentsFixture.scratch("loose"))).output)
        let sizes = loose?.deliverables.filter { $0.platform == "display" }.map { "\(Int($0.width ?? 0))x\(Int($0.height ?? 0))" }
        #expect(sizes == ["300x250", "728x90", "160x600", "300x600", "320x50"], "\(String(describing: sizes))")
        // Banners and print only: the film is still a video (on YouTube), and a video's size is no banner.
        let only = try? VideoRequirements.from(try VRDAgent(context: AgentsFixture.context()).run(
            AgentInput(brief: "Acme. Display banners and an OOH poster.\nDeliverables:\n- 30s hero film\n- 1920x1080 15s master\n- 300x250",
                       workFolder: try AgentsFixture.scratch("only"))).output)
        let made = only?.deliverables.map { "\($0.platform) \($0.width.map { String(format: "%.0f", $0) } ?? "-") \(Int($0.duration))" } ?? []
        #expect(made.contains("youtube - 30") && made.contains("youtube - 15") && made.contains("display 300 6")
                && !made.contains { $0.hasPrefix("display 1920") }, "\(made)")
    }

    @Test func theVRDKeepsThemOffline() throws {
        let output = try VRDAgent(context: AgentsFixture.context()).run(AgentInput(brief: Self.brief, workFolder: try AgentsFixture.scratch("pictures")))
        Self.check(try VideoRequirements.from(output.output))
    }

    /// The scripted model answers with the schema's example (a YouTube film only): the brief's
    /// banners and poster are put back, each with a note.
    @Test func theVRDKeepsThemAgainstAModel() throws {
        let model = try ScriptedModel()
        let output = try VRDAgent(context: AgentsFixture.context(client: model.client())).run(
            AgentInput(brief: Self.brief, workFolder: try AgentsFixture.scratch("pictures-model"))).output
        #expect(model.requests(of: "vrd") >= 1)
        Self.check(try VideoRequirements.from(output))
        guard case .array(let items)? = output["notes"] else { Issue.record("no notes"); return }
        #expect(items.compactMap(\.stringValue).filter { $0.contains("banner") || $0.contains("poster") }.count == 3, "\(items)")
    }

    /// The Version Generator makes each banner in GIF, WebP and MP4 within 150 KB (the 728x90's
    /// 8 s loop is the whole 6 s master, shorter than that), the poster as a 1080x1350 JPEG, and
    /// the TikTok version; the posting schedule posts the video only.
    @Test func theVersionGeneratorMakesThemAtTheirSizes() throws {
        let vrdOutput = try VRDAgent(context: AgentsFixture.context()).run(AgentInput(brief: Self.brief, workFolder: try AgentsFixture.scratch("vrd")))
        var given = try AgentUnitTests.input(Self.brief, upstream: [try VideoRequirements.from(vrdOutput.output)])
        given.master = try AgentsFixture.master()
        let output = try VersionGeneratorAgent(context: AgentsFixture.context()).run(given)
        let set = try VersionSet.from(output.output)
        let byPreset = Dictionary(uniqueKeysWithValues: set.versions.map { ($0.preset, $0) })
        #expect(Set(byPreset.keys) == ["instagram-reels", "display-300x250-gif", "display-300x250-webp", "display-300x250-mp4",
                                        "display-728x90-gif", "display-728x90-webp", "display-728x90-mp4", "print-1080x1350-jpg"], "\(byPreset.keys.sorted())")
        for version in set.versions {
            #expect(version.pass, "\(version.preset): \(version.failedChecks)")
            if version.preset.hasPrefix("display-") {
                #expect(version.kind == "display" && version.platform == "display")
                let bytes = try #require(try FileManager.default.attributesOfItem(atPath: version.path)[.size] as? NSNumber).intValue
                #expect(bytes <= 150_000, "\(version.preset): \(bytes) bytes")
            }
        }
        // A strip is fitted over a blurred fill, whatever reframe the agent asks of the videos.
        let manifest = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: set.manifest)))
        guard case .array(let entries)? = manifest["deliverables"] else { Issue.record("no deliverables in the manifest"); return }
        let reframes = Dictionary(uniqueKeysWithValues: entries.compactMap { e in e["preset"]?.stringValue.map { ($0, e["reframe"]?.stringValue ?? "") } })
        #expect(reframes["display-728x90-gif"] == "blur" && reframes["display-300x250-gif"] == "smart", "\(reframes)")
        let banner = try #require(byPreset["display-728x90-gif"])
        // The 6 s loop as the GIF's kept frame rate gives it (5 fps: 29 frames, 5.8 s) — not 8 s.
        #expect(abs(banner.duration - 6) <= 0.5 && banner.width == 728 && banner.height == 90, "\(banner)")
        let poster = try #require(byPreset["print-1080x1350-jpg"])
        #expect(poster.kind == "still" && poster.platform == "print" && poster.path.hasSuffix(".jpg"))
        let info = try Probe.file(poster.path)
        #expect(info.first(.video)?.width == 1080 && info.first(.video)?.height == 1350)
        // Posts are videos only.
        var scheduling = try AgentUnitTests.input(Self.brief, upstream: [set])
        scheduling.master = given.master
        let schedule = try PostingSchedule.from(try SchedulerAgent(context: AgentsFixture.context()).run(scheduling).output)
        #expect(schedule.posts.map(\.platform) == ["instagram"], "\(schedule.posts)")
    }
}
