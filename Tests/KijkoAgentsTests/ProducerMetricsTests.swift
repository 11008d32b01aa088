import Foundation
@testable import KijkoAgents
import KijkoMedia
import KijkoTestSupport
import Testing

/// A producer's figures from real jobs: approval cycle and rates per gate, revisions per job,
/// estimated against actual cost, workflow duration (median, p95) and QC's catch rate — the same
/// object from the service, `kijko metrics --json`, and the API.
@Suite struct ProducerMetricsTests {
    @Test func figuresFromTwoSocialJobs() async throws {
        let db = try AgentsFixture.scratch("metrics") + "/jobs.sqlite"
        let jobs = try JobsService(database: db, context: AgentsFixture.context())
        // A: the client sends it back once, then approves. B: a master with 1.2 s of black in it.
        let a = try jobs.start(.init(workflow: "social", brief: AgentsFixture.brief, master: try AgentsFixture.master()))
        let damaged = try Synthesizer.cached(SynthSpec(width: 640, height: 360, frames: 150, pattern: .subject, cuts: [60, 110], toneLevel: -14,
                                                       defects: [Defect(.black, frames: 70..<100)]), in: AgentsFixture.cache)
        let b = try jobs.start(.init(workflow: "social", brief: AgentsFixture.brief, master: damaged))
        var gate = try #require(try await jobs.run(job: a).pendingApprovals.first)
        _ = try jobs.reject(gate.id, by: "Cleo", feedback: "Lead with the mountain")
        gate = try #require(try await jobs.run(job: a).pendingApprovals.first)
        #expect(try jobs.held(job: a, gate: gate.step) == [], "the clean master's versions pass QC")
        _ = try jobs.approve(gate.id, by: "Cleo")
        #expect(try await jobs.run(job: a).outcome == "complete")
        let held = try await jobs.run(job: b, approveAll: true)
        #expect(!held.held.isEmpty, "QC did not catch the black")
        let caught = try QCVerdict.from(try #require(try jobs.store.currentOutputs(job: b)["qc"]))
        #expect(caught.versions.allSatisfy { $0.issues.contains { $0.check == "black" && $0.severity == "error" } }, "\(caught.failures)")
        _ = try jobs.approve(try #require(held.pendingApprovals.first).id, by: "Cleo", override: "the black is the brand's pause")
        #expect(try await jobs.run(job: b).outcome == "complete")

        let m = try jobs.metrics()
        let social = try #require(m.workflows.first { $0.workflow == "social" })
        #expect(social.jobs == 2 && social.complete == 2 && social.meanRevisions == 0.5 && social.maxRevisions == 1)
        #expect(social.estimatedCost == 3.0 && social.costRatio == 0, "offline: nothing spent against the $3 estimate")
        #expect((social.medianDuration ?? -1) >= 0 && (social.p95Duration ?? -1) >= (social.medianDuration ?? 0))
        let client = try #require(m.approvals.first { $0.role == "Client" && $0.approval == "final_cut" })
        #expect(client.decided == 3 && client.approved == 2 && client.rejected == 1 && abs(client.approvalRate - 2.0 / 3) < 1e-9 && client.overridden == 1)
        #expect(client.p95Seconds >= client.medianSeconds)
        // QC ran three times (A twice: the rejection re-ran it); it caught B's black once.
        #expect(m.qc.audits == 3 && m.qc.failed == 1 && abs(m.qc.catchRate - 1.0 / 3) < 1e-9 && m.qc.overridden == 1, "\(m.qc)")
        // One job's figures.
        #expect(try jobs.metrics(job: String(b.prefix(8))).workflows.first?.jobs == 1)

        // The CLI gives the same object, and a table a person reads.
        let json = try Program.run(Program.kijko, ["metrics", "--json", "--db", db])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["qc"] as? [String: Any])?["catch_rate"] as? Double == m.qc.catchRate)
        #expect(((object?["workflows"] as? [[String: Any]])?.first?["max_revisions"] as? Int) == 1)
        let text = try Program.run(Program.kijko, ["metrics", "--db", db]).stdout
        #expect(text.contains("QC: 3 audits, 1 failed (catch rate 33%), 1 approved past a failing QC") && text.contains("Client: final_cut"), "\(text)")
    }
}
