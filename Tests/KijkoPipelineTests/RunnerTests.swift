import Foundation
import KijkoLLM
@testable import KijkoPipeline
import Testing
import KijkoCore

/// The three shipped workflows end to end, with scripted approvals and rejections.
@Suite struct RunnerTests {
    @Test(arguments: StoreKind.allCases) func filmRunsWithARevisionLoopAndTheBudgetsBranch(_ kind: StoreKind) throws {
        let probe = OverlapProbe()
        var agents = BuiltinAgents.registry
        for name in ["shotmaster", "breakdown"] { agents.add(SlowAgent(inner: agents[name]!, probe: probe)) }
        let runner = PipelineRunner(store: try PipelineFixture.store(kind), agents: agents)
        let job = try runner.start(try PipelineFixture.template("film", agents: agents), brief: "A 60 s brand film for Acme. Budget: $12,000",
                                   options: .init(client: "Acme"))
        // First stop: the Creative Director reviews the script.
        guard case .waiting(let first) = try runner.run(job: job) else { Issue.record("expected a gate"); return }
        let request = try #require(try runner.store.pendingApprovals(job: job).first)
        #expect(first == [request.id] && request.step == "script_review" && request.role == "Creative Director")
        // A rejection sends the job back to the script, with the feedback in its input.
        _ = try runner.reject(request.id, by: "cd", feedback: "Make it funnier")
        guard case .waiting = try runner.run(job: job) else { Issue.record("expected the gate again"); return }
        let input = try runner.store.read { db in
            try db.value(String.self, "SELECT input_data FROM agent_executions WHERE production_job_id = ? AND step_id = 'script' AND superseded = 0",
                                [job])
        }
        let fields = try JSONSerialization.jsonObject(with: Data((input ?? "{}").utf8)) as? [String: Any]
        #expect(input?.contains("Make it funnier") == true && fields?["revision"] as? Int == 1)
        let again = try #require(try runner.store.pendingApprovals(job: job).first)
        #expect(again.id != request.id && again.step == "script_review")
        let outcome = try PipelineFixture.drive(runner, job: job)
        #expect(outcome == .complete)
        let detail = try runner.store.detail(job: job)
        let status = Dictionary(uniqueKeysWithValues: detail.steps.map { ($0.step, $0.status) })
        // $12,000 chooses the AI method: its branch ran, the others were skipped.
        #expect(status["production_ai"] == "completed" && status["production_hybrid"] == "skipped" && status["production_traditional"] == "skipped")
        #expect(detail.steps.allSatisfy { $0.status == "completed" || $0.status == "skipped" })
        #expect(detail.job.runState == "complete" && detail.job.status == "complete")
        // Shot list and breakdown ran side by side.
        #expect(probe.peak == 2, "peak \(probe.peak)")
        // Each step completed exactly once, the script twice (one revision).
        let completed = try runner.store.read { db in
            try db.rows("SELECT step_id, COUNT(*) AS n FROM agent_executions WHERE production_job_id = ? AND status = 'completed' GROUP BY step_id",
                             [job]).reduce(into: [String: Int]()) { $0[$1["step_id"]] = $1["n"] }
        }
        #expect(completed["script"] == 2 && completed["requirements"] == 1 && completed["assembly"] == 1, "\(completed)")
        let history = try runner.store.read { db in try db.value(String.self, "SELECT approval_history FROM production_jobs WHERE id = ?", [job]) }
        let decisions = try JSONSerialization.jsonObject(with: Data((history ?? "[]").utf8)) as? [[String: String]]
        #expect(history?.contains("Make it funnier") == true && decisions?.contains { $0["status"] == "approved" } == true)
    }

    @Test(arguments: [(15_000.0, "ai"), (90_000.0, "hybrid"), (2_000_000.0, "traditional")])
    func theBudgetChoosesTheProductionBranch(budget: Double, method: String) throws {
        let runner = PipelineRunner(store: try PipelineStore(path: try PipelineFixture.scratch()))
        let job = try runner.start(try PipelineFixture.template("film"), brief: "A documentary short.", options: .init(budget: budget))
        #expect(try PipelineFixture.drive(runner, job: job) == .complete)
        let status = Dictionary(uniqueKeysWithValues: try runner.store.detail(job: job).steps.map { ($0.step, $0.status) })
        for branch in ["ai", "hybrid", "traditional"] {
            #expect(status["production_\(branch)"] == (branch == method ? "completed" : "skipped"), "\(budget): \(status)")
        }
    }

    @Test(arguments: StoreKind.allCases) func advertisingAndSocialRunToTheEnd(_ kind: StoreKind) throws {
        let probe = OverlapProbe()
        var agents = BuiltinAgents.registry
        for name in ["legal", "qc_sentinel", "platform_optimizer", "captions"] { agents.add(SlowAgent(inner: agents[name]!, probe: probe)) }
        let runner = PipelineRunner(store: try PipelineFixture.store(kind), agents: agents)
        var rejectedOnce = false
        for workflow in ["advertising", "social"] {
            let job = try runner.start(try PipelineFixture.template(workflow, agents: agents), brief: "Launch the new Acme cold brew on social.")
            let outcome = try PipelineFixture.drive(runner, job: job) { request in
                // The client sends the storyboards back to concepts once.
                if request.step == "client_presentation" && !rejectedOnce { rejectedOnce = true; return "Warmer colours" }
                return nil
            }
            #expect(outcome == .complete, "\(workflow): \(outcome)")
        }
        #expect(rejectedOnce)
        #expect(probe.peak == 2, "legal with final QC, versions with captions, side by side")
        let jobs = try runner.store.jobs()
        #expect(jobs.count == 2 && jobs.allSatisfy { $0.runState == "complete" })
    }

    /// An approval holds only for what was reviewed: when the Director sends the cut back, the
    /// Editor's earlier approval no longer applies to the new cut.
    @Test(arguments: StoreKind.allCases) func anApprovalIsBoundToTheContentReviewed(_ kind: StoreKind) throws {
        let runner = PipelineRunner(store: try PipelineFixture.store(kind))
        let job = try runner.start(try PipelineFixture.template("film"), brief: "Trailer. Budget 40k")
        var seen: [String] = []
        var directorRejected = false
        let outcome = try PipelineFixture.drive(runner, job: job) { request in
            seen.append(request.step)
            if request.step == "director_approval" && !directorRejected { directorRejected = true; return "Tighter ending" }
            return nil
        }
        #expect(outcome == .complete)
        #expect(seen == ["script_review", "editor_review", "director_approval", "editor_review", "director_approval"], "\(seen)")
    }

    /// On a full disk a step's start or failure cannot be written, but the job's failure can: the
    /// job is `failed` with its step `running`, or with no trace of the step at all. `resume` runs
    /// that step again instead of repeating the failure for ever.
    @Test(arguments: StoreKind.allCases, [true, false])
    func aJobThatFailedMidStepRunsAgainOnResume(_ kind: StoreKind, stepWasWritten: Bool) throws {
        let runner = PipelineRunner(store: try PipelineFixture.store(kind))
        let job = try runner.start(try PipelineFixture.template("film"), brief: "Trailer. Budget 40k")
        try runner.store.write { db in
            if stepWasWritten {
                try db.execute("""
                    INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, input_data, status, created_at)
                    VALUES (?, ?, 'requirements', 'vrd', 'llm', '{}', 'running', ?)
                    """, [PipelineStore.newID(), job, PipelineStore.now()])
            }
            try db.execute("""
                UPDATE production_jobs SET run_state = 'failed',
                  error_message = 'requirements: SQLite error 13: database or disk is full' WHERE id = ?
                """, [job])
        }
        let outcome = try runner.run(job: job)
        guard case .waiting = outcome else { Issue.record("\(outcome)"); return }
        #expect(try runner.store.jobState(job).isDone("script"))
        #expect(try runner.store.jobs().first?.runState == "waiting")
    }

    @Test(arguments: StoreKind.allCases) func aLoopThatIsSpentFailsTheJob(_ kind: StoreKind) throws {
        let runner = PipelineRunner(store: try PipelineFixture.store(kind))
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        let outcome = try PipelineFixture.drive(runner, job: job) { _ in "Not yet" }
        guard case .failed(let why) = outcome else { Issue.record("\(outcome)"); return }
        #expect(why.contains("approval: rejected 4 times, more than the 3 revisions allowed"), "\(why)")
        // Resuming a spent loop repeats its end: nothing was interrupted.
        guard case .failed = try runner.run(job: job) else { Issue.record("a spent loop reopened"); return }
    }

    @Test(arguments: StoreKind.allCases) func decidedRequestsAndEmptyFeedbackAreErrorsThatChangeNothing(_ kind: StoreKind) throws {
        let runner = PipelineRunner(store: try PipelineFixture.store(kind))
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        _ = try runner.run(job: job)
        let request = try #require(try runner.store.pendingApprovals(job: job).first)
        #expect(throws: PipelineError.self) { _ = try runner.reject(request.id, by: nil, feedback: "  ") }
        _ = try runner.approve(request.id, by: "client")
        let before = try runner.store.detail(job: job)
        #expect { _ = try runner.approve(request.id, by: "client") } throws: { "\($0)".contains("is already approved") }
        #expect { _ = try runner.reject(request.id, by: "client", feedback: "no") } throws: { "\($0)".contains("is already approved") }
        #expect { _ = try runner.approve("ffffffff", by: "x") } throws: { "\($0)".contains("no approval request ffffffff") }
        let after = try runner.store.detail(job: job)
        #expect(before.approvals.map(\.status) == after.approvals.map(\.status))
        #expect { _ = try runner.start(try PipelineFixture.template("social"), brief: " \n") } throws: { "\($0)".contains("the brief is empty") }
        #expect(try runner.store.jobs().count == 1)
    }

    @Test(arguments: StoreKind.allCases) func theBudgetGuardStopsBeforeAnExpensiveStep(_ kind: StoreKind) throws {
        var agents = BuiltinAgents.registry
        agents.add(CostlyAgent(name: "render", cost: 0.4))
        let file = try PipelineFixture.templateFile("""
            name: costly
            steps:
              first: {agent: render, cost_estimate: 0.4}
              second: {agent: render, after: [first], cost_estimate: 0.4}
              third: {agent: render, after: [second], cost_estimate: 0.4}
            """)
        let runner = PipelineRunner(store: try PipelineFixture.store(kind), agents: agents)
        let job = try runner.start(try WorkflowTemplate.load(path: file, agents: agents.names), brief: "x", options: .init(maxCost: 1.0))
        guard case .stopped(let why) = try runner.run(job: job) else { Issue.record("expected a stop"); return }
        #expect(why.contains("stopped before third") && why.contains("$0.80") && why.contains("$1.00"), "\(why)")
        let detail = try runner.store.detail(job: job)
        #expect(abs(detail.job.totalCost - 0.8) < 1e-9 && detail.steps.map(\.status) == ["completed", "completed", "not_started"])
    }

    @Test(arguments: StoreKind.allCases) func metricsCountRunsSuccessCostAndTokensPerAgent(_ kind: StoreKind) throws {
        var agents = BuiltinAgents.registry
        agents.add(CostlyAgent(name: "render", cost: 0.25))
        let file = try PipelineFixture.templateFile("""
            name: metered
            steps:
              a: {agent: render}
              b: {agent: render, after: [a]}
              c: {agent: vrd, after: [b]}
            """)
        let runner = PipelineRunner(store: try PipelineFixture.store(kind), agents: agents)
        let template = try WorkflowTemplate.load(path: file, agents: agents.names)
        let first = try runner.start(template, brief: "x"), second = try runner.start(template, brief: "y")
        #expect(try runner.run(job: first) == .complete && runner.run(job: second) == .complete)
        let all = Dictionary(uniqueKeysWithValues: try runner.store.metrics().map { ($0.agent, $0) })
        let render = try #require(all["render"])
        #expect(render.runs == 4 && render.completed == 4 && render.successRate == 1)
        #expect(abs(render.averageCost - 0.25) < 1e-9 && render.totalTokens == 600 && render.llmCalls == 4)
        #expect(all["vrd"]?.runs == 2 && all["vrd"]?.totalTokens == 0)
        #expect(try runner.store.metrics(job: first).first { $0.agent == "render" }?.runs == 2)
        #expect(abs(try runner.store.detail(job: first).job.totalCost - 0.5) < 1e-9)
    }

    /// A running job in one process and people deciding in another: many writers on one file,
    /// no update lost.
    @Test(arguments: StoreKind.allCases) func twoStoresOnOneFileLoseNoUpdate(_ kind: StoreKind) throws {
        let path = try PipelineFixture.location(kind)
        let a = PipelineRunner(store: try PipelineStore(path: path)), b = PipelineRunner(store: try PipelineStore(path: path))
        let job = try a.start(try PipelineFixture.template("social"), brief: "Clips.")
        // Forty requests waiting at once (written directly: the runner makes one per gate).
        let ids = (0..<40).map { _ in UUID().uuidString.lowercased() }
        try a.store.write { db in
            for id in ids {
                try db.execute("""
                    INSERT INTO approval_requests (id, production_job_id, step_id, approver_role, approval_type, content_to_review,
                      content_hash, status, created_at) VALUES (?, ?, 'approval', 'Client', 'final_cut', '{}', 'h', 'pending', ?)
                    """, [id, job, PipelineStore.now()])
            }
        }
        let failures = SharedList<String>()
        ParallelLoop.forEach(ids.count, limit: 8) { i in
            do { _ = try (i % 2 == 0 ? a : b).approve(ids[i], by: "p\(i)") } catch { failures.append("\(error)") }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let history = try a.store.read { db in try db.value(String.self, "SELECT approval_history FROM production_jobs WHERE id = ?", [job]) }
        let entries = try JSONSerialization.jsonObject(with: Data((history ?? "[]").utf8)) as? [[String: String]]
        #expect(entries?.count == 40)
        #expect(Set(entries?.compactMap { $0["request"] } ?? []) == Set(ids))
        #expect(try a.store.check() == nil)
    }
}
