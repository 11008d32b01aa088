import Foundation
import KijkoAgents
import KijkoEditorial
import KijkoLLM
import KijkoMedia
import KijkoPipeline
import Testing
import KijkoCore

/// The three shipped workflows end to end with the offline provider and scripted approvals:
/// every output validates against its schema, drafts say they are drafts, the shot list feeds the
/// Assembler frame-accurately, every artefact exists in the job's folder.
@Suite struct OfflineWorkflowTests {
    /// Checks what every run must hold; returns the outputs.
    static func checkOutputs(_ runner: PipelineRunner, job: String, provenances: Set<String> = ["offline-draft", "native"]) throws -> [String: JSONValue] {
        let outputs = try AgentsFixture.outputs(runner, job: job)
        let folder = runner.store.artefactFolder(job: job)
        for (step, output) in outputs where output["kind"] != nil {
            let problems = ProductionAgents.schemaProblems(output)
            #expect(problems == [], "\(step): \(problems ?? ["unknown kind"])")
            let provenance = output["provenance"]?.string ?? ""
            #expect(provenances.contains(provenance), "\(step): provenance \(provenance)")
            for artefact in try JSONDecoder().decode([Artefact].self, from: JSONEncoder().encode(output["artefacts"] ?? [])) {
                #expect(FileManager.default.fileExists(atPath: artefact.path), "\(step): \(artefact.path)")
                #expect(artefact.path.hasPrefix(folder + "/"), "\(step): \(artefact.path) outside \(folder)")
            }
        }
        // Every Markdown draft says it is one.
        for (step, output) in outputs where output["provenance"]?.string == "offline-draft" {
            for artefact in try JSONDecoder().decode([Artefact].self, from: JSONEncoder().encode(output["artefacts"] ?? [])) where artefact.type == "markdown" {
                let text = try String(contentsOfFile: artefact.path, encoding: .utf8)
                #expect(text.hasPrefix("> **Offline draft**"), "\(step): \(artefact.path)")
            }
        }
        return outputs
    }

    @Test func advertisingFromBriefToDeliveries() throws {
        let media = try AgentsFixture.media()
        var rejected = false
        let reason = "synthetic footage: the silence is the placeholder's"
        let run = try AgentsFixture.run("advertising", context: AgentsFixture.context(), options: .init(client: "Aurora", media: media),
                                        override: { $0.step == "final_approval" ? reason : nil }) { request in
            // The client sends the storyboards back to the script once.
            if request.step == "client_presentation" && !rejected { rejected = true; return "Open on the city, not the home" }
            return nil
        }
        #expect(run.outcome == .complete, "\(run.outcome)")
        #expect(rejected)
        let outputs = try Self.checkOutputs(run.runner, job: run.job)
        #expect(Set(outputs.keys).isSuperset(of: ["brief_intake", "concepts", "script", "moodboard", "shot_list", "breakdown", "storyboards", "budget",
                                                   "production", "assembly", "versions", "legal", "final_qc", "traffic", "distribution"]))
        // The revised script carries the client's feedback.
        let script = try AgentsFixture.document(Script.self, outputs, "script")
        #expect(script.logline.contains("Open on the city"))
        #expect(abs(script.main.duration - 10) <= 1)
        // The shot list feeds the Assembler: the rough cut lasts what the shots add up to, within a frame a shot.
        let shots = try AgentsFixture.document(ShotList.self, outputs, "shot_list")
        let cut = try AgentsFixture.document(RoughCut.self, outputs, "assembly")
        let probed = try #require(try Probe.file(cut.video).first(.video)?.duration)
        #expect(abs(probed - shots.totalDuration) <= Double(shots.shots.count) / 25 + 1e-6, "\(probed) vs \(shots.totalDuration)")
        #expect(cut.frames == Int((shots.totalDuration * 25).rounded()))
        // Every take came from the media folder.
        let footage = try AgentsFixture.document(FootageLog.self, outputs, "production")
        #expect(footage.clips.map(\.file) == ["A001.mp4", "A002.mp4", "A003.mp4"] && footage.uncovered.isEmpty && footage.takes.count == shots.shots.count)
        // The four aspects, each a file that passed its preset's checks.
        let versions = try AgentsFixture.document(VersionSet.self, outputs, "versions")
        #expect(Set(versions.versions.map(\.aspect)) == ["16:9", "9:16", "1:1", "4:5"])
        #expect(versions.versions.allSatisfy { $0.pass && abs($0.duration - shots.totalDuration) < 0.1 }, "\(versions.versions.map(\.failedChecks))")
        // A change of aspect is reframed smartly; the master's own aspect is not.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: versions.manifest))) as? [String: Any]
        let reframes = (manifest?["deliverables"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
            $0[$1["preset"] as? String ?? ""] = $1["reframe"] as? String
        }
        #expect(reframes == ["youtube": "fit", "instagram-reels": "smart", "instagram-feed-square": "smart", "instagram-feed-portrait": "smart"], "\(reframes)")
        // QC's report, traffic's clock numbers, distribution's package.
        let qc = try AgentsFixture.document(QCVerdict.self, outputs, "final_qc")
        #expect(FileManager.default.fileExists(atPath: qc.master.reportHtml) && qc.vision == "skipped")
        // QC audited each version delivered, each against its preset, with its own report.
        #expect(Set(qc.versions.map(\.file)) == Set(versions.versions.map(\.path)))
        #expect(qc.versions.allSatisfy { FileManager.default.fileExists(atPath: $0.reportHtml) && $0.preset != nil }, "\(qc.versions)")
        // The synthetic takes hold silence and, reframed to 9:16, stray luma: QC fails them, and the
        // client's approval overrode it with a reason, which traffic and distribution carry.
        #expect(qc.status == "fail" && qc.failures.count == 4, "\(qc.failures)")
        let traffic = try AgentsFixture.document(TrafficSchedule.self, outputs, "traffic")
        #expect(traffic.deliveries.count == 4 && Set(traffic.deliveries.map(\.clockNumber)).count == 4 && traffic.held.isEmpty)
        #expect(traffic.deliveries.allSatisfy { $0.qc.contains("delivered on override by tester: \(reason)") }, "\(traffic.deliveries.map(\.qc))")
        #expect(traffic.deliveries.allSatisfy { $0.clockNumber.hasPrefix("KJK/AURO") && $0.airDate >= "2027-01-01" })
        let package = try AgentsFixture.document(DeliveryPackage.self, outputs, "distribution")
        #expect(package.items.count == 4 && package.items.allSatisfy { FileManager.default.fileExists(atPath: $0.path) && $0.qc.contains(reason) })
        // The index page links every artefact.
        let detail = try run.runner.store.detail(job: run.job)
        let folder = run.runner.store.artefactFolder(job: run.job)
        let page = try String(contentsOfFile: try JobIndexPage.write(detail, folder: folder), encoding: .utf8)
        let artefacts = detail.steps.flatMap(\.artefacts)
        #expect(artefacts.count >= 30)
        for artefact in artefacts { #expect(page.contains(String(artefact.path.dropFirst(folder.count + 1))), "\(artefact.path)") }
        #expect(page.contains("Offline drafts."))
    }

    @Test func filmTakesTheBudgetsBranchAndAssemblesWithoutMedia() throws {
        // No media: the rough cut still renders (black), and the edit notes say why.
        let run = try AgentsFixture.run("film", context: AgentsFixture.context(), brief: "A 12 s brand film for Acme. Budget: $9,000")
        #expect(run.outcome == .complete, "\(run.outcome)")
        let outputs = try Self.checkOutputs(run.runner, job: run.job)
        let budget = try AgentsFixture.document(BudgetPlan.self, outputs, "budget")
        #expect(budget.method == "ai")
        let status = Dictionary(uniqueKeysWithValues: try run.runner.store.detail(job: run.job).steps.map { ($0.step, $0.status) })
        #expect(status["production_ai"] == "completed" && status["production_hybrid"] == "skipped" && status["production_traditional"] == "skipped")
        let cut = try AgentsFixture.document(RoughCut.self, outputs, "assembly")
        #expect(cut.editNoteLines.contains { $0.contains("missing") }, "\(cut.editNoteLines)")
        #expect(abs(cut.seconds - 12) < 0.5)
        let rfq = try AgentsFixture.document(QuoteRequests.self, outputs, "rfq")
        #expect(rfq.method == "ai" && rfq.requests.contains { $0.category == "Generated footage" } && !rfq.requests.contains { $0.category == "Casting" })
        #expect(outputs["production_ai"]?["notes"] != nil)
    }

    @Test func socialFromAMasterToAPostingSchedule() throws {
        let media = try AgentsFixture.scratch("analytics")
        try """
            post,platform,views,watch_time,likes,shares,comments
            teaser-9x16,tiktok,1000,9000,80,10,10
            teaser-9x16,tiktok,1000,7000,40,5,5
            teaser-1x1,instagram,2000,8000,40,0,0
            """.write(toFile: media + "/analytics.csv", atomically: true, encoding: .utf8)
        let run = try AgentsFixture.run("social", context: AgentsFixture.context(),
                                        brief: "Paid partnership with a creator: launch the Aurora shoe on TikTok. Lighter, faster.",
                                        options: .init(media: media, master: try AgentsFixture.master()))
        #expect(run.outcome == .complete, "\(run.outcome)")
        let outputs = try Self.checkOutputs(run.runner, job: run.job)
        let versions = try AgentsFixture.document(VersionSet.self, outputs, "platform_versions")
        #expect(!versions.versions.isEmpty && versions.versions.allSatisfy { $0.platform == "tiktok" && FileManager.default.fileExists(atPath: $0.path) })
        // A paid brief: the offline captions carry #ad, so the legal review finds no missing disclosure.
        let captions = try AgentsFixture.document(Captions.self, outputs, "captions")
        #expect(captions.posts.allSatisfy { $0.caption.hasPrefix("#ad ") })
        let legal = try AgentsFixture.document(LegalReview.self, outputs, "legal")
        #expect(!legal.findings.contains { $0.rule == "ad-disclosure" })
        let schedule = try AgentsFixture.document(PostingSchedule.self, outputs, "schedule")
        #expect(schedule.posts.map(\.platform) == ["tiktok"] && schedule.posts[0].caption.hasPrefix("#ad ") && schedule.posts[0].publishAt.hasPrefix("2027-01-03T19"))
        // Engagement from the export: per version and platform, computed exactly.
        let engagement = try AgentsFixture.document(EngagementReport.self, outputs, "engagement")
        let tiktok = try #require(engagement.rows.first { $0.platform == "tiktok" })
        #expect(tiktok.posts == 2 && tiktok.views == 2000 && tiktok.engagementRate == 0.075 && tiktok.averageWatchSeconds == 8)
        #expect(engagement.rows.first?.version == "teaser-9x16" && engagement.recommendations.first?.contains("teaser-9x16 on tiktok") == true)
    }
}
