import Foundation
@testable import KijkoAgents
import KijkoCore
import KijkoPipeline
import Testing

/// QC gates delivery: it audits each version delivered, a failing verdict holds the approval
/// after it until a person overrides it with a reason, and traffic and distribution keep a failed
/// version out even when a gate was passed without one.
@Suite struct QCGateTests {
    @Test func aFailedVersionIsHeldUntilAPersonOverridesIt() async throws {
        let jobs = try JobsService(database: try AgentsFixture.scratch("qc-gate") + "/jobs.sqlite", context: AgentsFixture.context())
        let id = try jobs.start(.init(workflow: "advertising", brief: AgentsFixture.brief, client: "Aurora", media: try AgentsFixture.media()))
        // --approve-all passes every gate but the one after the failing QC.
        let run = try await jobs.run(job: id, approveAll: true)
        #expect(run.outcome == "waiting" && !run.held.isEmpty, "\(run)")
        #expect(run.message?.contains("--override REASON") == true, "\(run.message ?? "")")
        let gate = try #require(run.pendingApprovals.first)
        #expect(gate.step == "final_approval")
        // The verdict is on the versions delivered, each named in the hold.
        let verdict = try QCVerdict.from(try #require(try jobs.detail(job: id).results["final_qc"]))
        #expect(verdict.versions.count == 4 && run.held == verdict.failures && run.held.allSatisfy { $0.contains("QC fail") }, "\(run.held)")
        // A plain approval is refused, naming what failed; nothing is recorded.
        #expect { _ = try jobs.approve(gate.id, by: "Cleo") } throws: { error in
            "\(error)".contains("is held: QC failed on ") && "\(error)".contains("--override REASON")
        }
        #expect { _ = try jobs.approve(gate.id, by: "Cleo", override: "  ") } throws: { "\($0)".contains("is held") }
        #expect(try jobs.pendingApprovals(job: id).map(\.id) == [gate.id])

        // A gate passed without an override (an older client, straight through the runner):
        // traffic holds every failed version and distribution packages none.
        _ = try jobs.runner.approve(gate.id, by: "legacy")
        #expect(try await jobs.run(job: id).outcome == "complete")
        let results = try jobs.detail(job: id).results
        let traffic = try TrafficSchedule.from(try #require(results["traffic"]))
        #expect(traffic.deliveries.isEmpty && traffic.held.count == 4, "\(traffic)")
        #expect(traffic.held.allSatisfy { $0.why.contains("QC fail") })
        let package = try DeliveryPackage.from(try #require(results["distribution"]))
        #expect(package.items.isEmpty)
    }

    @Test func anOverrideIsRecordedWithWhoGaveIt() async throws {
        let jobs = try JobsService(database: try AgentsFixture.scratch("qc-override") + "/jobs.sqlite", context: AgentsFixture.context())
        let id = try jobs.start(.init(workflow: "advertising", brief: AgentsFixture.brief, client: "Aurora", media: try AgentsFixture.media()))
        let gate = try #require(try await jobs.run(job: id, approveAll: true).pendingApprovals.first)
        _ = try jobs.approve(gate.id, by: "Cleo (client)", override: "air date is fixed; the silence is intended")
        #expect(try jobs.store.approval(gate.id).override == "air date is fixed; the silence is intended")
        #expect(try await jobs.run(job: id).outcome == "complete")
        let results = try jobs.detail(job: id).results
        let traffic = try TrafficSchedule.from(try #require(results["traffic"]))
        #expect(traffic.deliveries.count == 4 && traffic.held.isEmpty)
        #expect(traffic.deliveries.allSatisfy { $0.qc.contains("delivered on override by Cleo (client): air date is fixed") }, "\(traffic.deliveries.map(\.qc))")
        let history = try jobs.detail(job: id).approvals.first { $0.id == gate.id }
        #expect(history?.by == "Cleo (client)")
    }

    /// The youtube and reels versions made, both passing their preset's checks.
    static let made = [VersionSet.Version(preset: "youtube", aspect: "16:9", platform: "youtube", path: "/v/a.mp4", width: 1920, height: 1080,
                                          duration: 6, pass: true, failedChecks: []),
                       VersionSet.Version(preset: "instagram-reels", aspect: "9:16", platform: "instagram", path: "/v/b.mp4", width: 1080, height: 1920,
                                          duration: 6, pass: true, failedChecks: [])]

    /// The clearance itself: checks and QC both count; an override clears a failure, not a pass.
    @Test func clearanceWeighsChecksQCAndOverrides() throws {
        let pass = QCVerdict.Audit(file: "/v/a.mp4", preset: "youtube", profile: "social", status: "pass", errors: 0, warnings: 0, issues: [], reportHtml: "", reportJson: "")
        var fail = pass
        fail.file = "/v/b.mp4"
        fail.preset = "instagram-reels"
        fail.status = "fail"
        fail.errors = 1
        fail.issues = [.init(check: "loudness", severity: "error", start: 0, end: 6, message: "-20.1 LUFS, 6.1 LU under -14", fix: "normalise to -14 LUFS")]
        var passedQC = pass
        passedQC.file = "/v/c.mp4"
        passedQC.preset = "tiktok"
        let verdict = QCVerdict(master: pass, versions: [pass, fail, passedQC], vision: "skipped")
        #expect(verdict.status == "fail" && verdict.errors == 1 && verdict.failures == ["instagram-reels: QC fail, 1 error (-20.1 LUFS, 6.1 LU under -14)"])
        // The tiktok version passed QC but not its preset's checks.
        let version = VersionSet.Version(preset: "tiktok", aspect: "9:16", platform: "tiktok", path: "/v/c.mp4", width: 1080, height: 1920,
                                         duration: 6, pass: false, failedChecks: ["duration: 2 s under the minimum"])
        /// A document as a step's output: its JSON with its kind.
        func output<D: AgentDocument>(_ document: D) throws -> String {
            "{\"kind\":\"\(D.kind)\"," + String(decoding: try D.encoder.encode(document), as: UTF8.self).dropFirst()
        }
        func given(_ overriding: Bool) throws -> AgentInput {
            var upstream = ["final_qc": try output(verdict),
                            "versions": try output(VersionSet(master: "/m.mp4", manifest: "", versions: Self.made + [version], contactSheet: ""))]
            if overriding {
                upstream["final_approval"] = #"{"approved_by":"Ana","override":{"by":"Ana","reason":"client accepts","past":["instagram-reels: QC fail, 1 error (-20.1 LUFS, 6.1 LU under -14)","tiktok: its preset's checks failed (duration: 2 s under the minimum)"]}}"#
            }
            return AgentInput(brief: "b", workFolder: "/tmp", upstream: upstream)
        }
        let strict = DeliveryClearance(try given(false)), lenient = DeliveryClearance(try given(true))
        #expect(strict.decide("/v/a.mp4") == .clear("pass") && lenient.decide("/v/a.mp4") == .clear("pass"))
        #expect(strict.decide("/v/elsewhere.mp4") == .clear("not audited"))
        guard case .held(let why) = strict.decide("/v/b.mp4") else { Issue.record("a failed QC was not held"); return }
        #expect(why == "instagram-reels: QC fail, 1 error (-20.1 LUFS, 6.1 LU under -14)", "\(why)")
        guard case .held(let checks) = strict.decide("/v/c.mp4") else { Issue.record("failed checks were not held"); return }
        #expect(checks.contains("duration: 2 s under the minimum"))
        guard case .overridden(let line) = lenient.decide("/v/b.mp4") else { Issue.record("the override did not clear it"); return }
        #expect(line.hasSuffix("delivered on override by Ana: client accepts"))
        guard case .overridden = lenient.decide("/v/c.mp4") else { Issue.record("the override did not clear the checks"); return }
        #expect(lenient.unresolved.isEmpty && strict.unresolved.count == 2, "\(strict.unresolved)")
        // An override clears the failures it names, not a later one.
        var worse = verdict
        worse.versions[1].issues[0].message = "-25.0 LUFS, 11 LU under -14"
        var upstream = try given(true).upstream
        upstream["final_qc"] = try output(QCVerdict(master: pass, versions: worse.versions, vision: "skipped"))
        guard case .held = DeliveryClearance(AgentInput(brief: "b", workFolder: "/tmp", upstream: upstream)).decide("/v/b.mp4") else { Issue.record("an old override cleared a new failure"); return }
        // A verdict on record that cannot be read clears nothing.
        upstream["final_qc"] = #"{"kind":"qc_report","file":"/m.mp4","status":"pass"}"#
        let unreadable = DeliveryClearance(AgentInput(brief: "b", workFolder: "/tmp", upstream: upstream))
        guard case .held(let why) = unreadable.decide("/v/a.mp4") else { Issue.record("an unreadable verdict cleared a file"); return }
        #expect(unreadable.verdictUnreadable && why.contains("the QC verdict on record cannot be read"), "\(why)")
    }

    /// The film's two gates after QC: the editor overrides the failures, and the director's gate
    /// after it is not held again for the same ones; an override where nothing holds is refused.
    @Test func anOverrideHoldsForTheGatesAfterIt() async throws {
        let jobs = try JobsService(database: try AgentsFixture.scratch("qc-film") + "/jobs.sqlite", context: AgentsFixture.context())
        // No media: the rough cut is black where the shots should be, and QC fails it.
        let id = try jobs.start(.init(workflow: "film", brief: "A 12 s brand film for Acme. Budget: $9,000"))
        let first = try #require(try await jobs.run(job: id).pendingApprovals.first)
        #expect { _ = try jobs.approve(first.id, by: "Jo", override: "no reason to") } throws: { "\($0)".contains("nothing holds it") }
        let run = try await jobs.run(job: id, approveAll: true)
        let gate = try #require(run.pendingApprovals.first)
        #expect(gate.step == "editor_review" && !run.held.isEmpty, "\(run)")
        _ = try jobs.approve(gate.id, by: "Ed (editor)", override: "placeholder cut; the shoot fills the black")
        #expect(try jobs.store.approval(gate.id).override == "placeholder cut; the shoot fills the black")
        let finished = try await jobs.run(job: id, approveAll: true)
        #expect(finished.outcome == "complete" && finished.held.isEmpty, "\(finished)")
    }
}
