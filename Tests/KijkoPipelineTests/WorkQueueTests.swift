import Foundation
import KijkoCore
@testable import KijkoPipeline
import KijkoTestSupport
import Testing

/// The shared queue on PostgreSQL: steps queued, claimed with SKIP LOCKED, run under leases, a
/// result committed only under its own fence, refused where the worker lacks what a step needs.
@Suite struct WorkQueueTests {
    /// Runs `worker` on a thread until `stop` is set; returns when it has stopped.
    static func start(_ worker: StepWorker, stop: CancellationFlag) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread { try? worker.run(stop: stop); done.signal() }.start()
        return done
    }

    /// A social job started where the shared folder is, its first step queued; then this machine
    /// loses the folder (unmounted).
    static func jobWithoutItsSharedFolder() throws -> (PipelineStore, PipelineRunner, String) {
        let location = try PipelineFixture.location(.postgres)
        let share = (try PipelineFixture.scratch("s") as NSString).deletingLastPathComponent + "/share"
        let store = try PipelineStore(path: location, artefacts: share)
        let runner = PipelineRunner(store: store)
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        _ = try runner.advance(job: job)
        try FileManager.default.moveItem(atPath: share, toPath: share + "-unmounted")
        return (store, runner, job)
    }

    /// A runner on a fresh PostgreSQL store with the built-in agents and `extra`.
    static func runner(adding extra: any PipelineAgent) throws -> (PipelineStore, PipelineRunner, AgentRegistry) {
        let store = try PipelineFixture.store(.postgres)
        var agents = BuiltinAgents.registry
        agents.add(extra)
        return (store, PipelineRunner(store: store, agents: agents), agents)
    }

    /// A workflow template from its YAML text, its agents those of `agents`.
    static func template(_ yaml: String, _ agents: AgentRegistry) throws -> WorkflowTemplate {
        try WorkflowTemplate.load(path: try PipelineFixture.templateFile(yaml), agents: agents.names)
    }

    /// Waits until `job` is no longer running (its steps in workers' hands), up to a minute.
    static func settle(_ store: PipelineStore, _ job: String) throws -> String {
        for _ in 0..<1200 {
            let state = try store.jobState(job).runState
            if state != "running" { return state }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return "running"
    }

    @Test func twoWorkersRunASocialJobThroughItsGateEachStepOnce() throws {
        let store = try PipelineFixture.store(.postgres)
        let runner = PipelineRunner(store: store)
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        guard case .queued(let first) = try runner.advance(job: job) else { Issue.record("expected the first step queued"); return }
        #expect(first == ["trends"])
        let stop = CancellationFlag()
        let workers = try ["w1", "w2"].map { try StepWorker(runner: PipelineRunner(store: try PipelineStore(path: store.path)),
                                                             options: .init(name: $0, concurrency: 2, lease: 5)) }
        let done = workers.map { Self.start($0, stop: stop) }
        defer { stop.cancel() }
        var decided = 0
        while true {
            let state = try Self.settle(store, job)
            if state != "waiting" { #expect(state == "complete"); break }
            for request in try store.pendingApprovals(job: job) { _ = try runner.approve(request.id, by: "client"); decided += 1 }
            _ = try runner.advance(job: job)
            if decided > 5 { Issue.record("the gate kept asking"); break }
        }
        stop.cancel()
        for semaphore in done { #expect(semaphore.wait(timeout: .now() + 60) == .success) }
        #expect(decided == 1)
        let rows = try store.read { db in
            try db.rows("SELECT step_id, status, worker, superseded FROM agent_executions WHERE production_job_id = ? AND agent_type != 'approval'", [job])
        }
        let completed = rows.filter { ($0["status"] as String) == "completed" }
        let steps = completed.map { $0["step_id"] as String }
        #expect(Set(steps).count == steps.count, "a step completed twice: \(steps.sorted())")
        let agentSteps = Set(try PipelineFixture.template("social").steps.filter { $0.agent != nil }.map(\.id))
        #expect(Set(steps) == agentSteps && agentSteps.count == 6, "\(steps.sorted())")
        #expect(completed.allSatisfy { ["w1", "w2"].contains($0["worker"] as String? ?? "") })
        #expect(try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM step_tasks WHERE state IN ('ready', 'leased')") } == 0)
        let listed = try store.workers()
        #expect(listed.map(\.name) == ["w1", "w2"] && listed.allSatisfy { $0.stoppedAt != nil && $0.leases.isEmpty })
        #expect(try store.detail(job: job).steps.filter { $0.status == "completed" && $0.agent != "gate: Client" }.allSatisfy { $0.worker != nil })
    }

    /// Branches that finish at the same moment on different workers: each result's transaction
    /// queues what it lets run, so the step that joins them must be queued once, after all of
    /// them, never missed and never run twice.
    @Test func branchesFinishingTogetherQueueTheirJoinOnce() throws {
        let (store, runner, agents) = try Self.runner(adding: NoopAgent())
        let template = try Self.template("""
            name: fan
            steps:
              a: {agent: noop}
              b: {agent: noop, after: [a]}
              c: {agent: noop, after: [a]}
              d: {agent: noop, after: [a]}
              e: {agent: noop, after: [b, c, d]}
            """, agents)
        let jobs = try (0..<8).map { i in try runner.start(template, brief: "fan \(i)") }
        for job in jobs { _ = try runner.advance(job: job) }
        let stop = CancellationFlag()
        let workers = try ["w1", "w2"].map { try StepWorker(runner: PipelineRunner(store: try PipelineStore(path: store.path), agents: agents),
                                                             options: .init(name: $0, concurrency: 3, lease: 10)) }
        let done = workers.map { Self.start($0, stop: stop) }
        defer { stop.cancel() }
        for job in jobs { #expect(try Self.settle(store, job) == "complete") }
        stop.cancel()
        for semaphore in done { #expect(semaphore.wait(timeout: .now() + 60) == .success) }
        for job in jobs {
            let rows = try store.read { db in
                try db.rows("SELECT step_id, status, created_at, completed_at FROM agent_executions WHERE production_job_id = ? ORDER BY created_at", [job])
            }
            #expect(rows.map { $0["step_id"] as String }.sorted() == ["a", "b", "c", "d", "e"], "\(rows.map { $0["step_id"] as String })")
            #expect(rows.allSatisfy { ($0["status"] as String) == "completed" })
            let join = try #require(rows.first { ($0["step_id"] as String) == "e" })
            let branches = rows.filter { ["b", "c", "d"].contains($0["step_id"] as String) }
            #expect(branches.allSatisfy { ($0["completed_at"] as String) <= (join["created_at"] as String) })
            // The job's completion (in its last step's statement, or a pass after it): its outputs
            // gathered, its root span written once, as complete.
            let ended = try #require(try store.read { db in
                try db.row("SELECT CAST(agent_results AS TEXT) AS results, completed_at, current_agent FROM production_jobs WHERE id = ?", [job])
            })
            let results = try JSONDecoder().decode([String: JSONValue].self, from: Data((ended["results"] as String).utf8))
            #expect(results.keys.sorted() == ["a", "b", "c", "d", "e"])
            #expect((ended["completed_at"] as String?) != nil && (ended["current_agent"] as String?) == nil)
            let roots = try store.read { db in
                try db.rows("SELECT name, status FROM trace_spans WHERE production_job_id = ? AND parent_span_id IS NULL", [job])
            }
            #expect(roots.map { [$0["name"] as String, $0["status"] as String] } == [["job fan", "ok"]])
        }
        #expect(try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM step_tasks WHERE state IN ('ready', 'leased')") } == 0)
        #expect(try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM step_tasks WHERE state = 'done'") } == 40)
        // A result hands one step at most to its own worker (the others queued): a branch after
        // the first step, and the join after the branch whose claim saw the others done already.
        let handed = workers.map(\.stats.handed).reduce(0, +)
        #expect(handed > 0 && handed <= 2 * jobs.count, "\(handed) steps handed on")
    }

    /// A step whose agent throws on a worker, and one whose agent the workers lack: each job
    /// fails there, once — the task and its run failed with the reason, the steps after it never
    /// queued, nothing left leased (both writes lock the job's row before the task's).
    @Test func aStepThatFailsOnAWorkerFailsItsJobOnce() throws {
        struct Broken: PipelineAgent {
            let name = "broken"
            let type = "post"
            func run(_ input: AgentInput) throws -> AgentOutput { throw PipelineError("the lens cap was on") }
        }
        struct Elsewhere: PipelineAgent {
            let name = "elsewhere"
            let type = "post"
            func run(_ input: AgentInput) throws -> AgentOutput { AgentOutput(output: .object([:])) }
        }
        let store = try PipelineFixture.store(.postgres)
        var known = BuiltinAgents.registry
        known.add(Broken())
        var starting = known
        starting.add(Elsewhere())
        let runner = PipelineRunner(store: store, agents: starting)
        var jobs: [String: String] = [:]
        for agent in ["broken", "elsewhere"] {
            let template = try Self.template("""
                name: \(agent)
                steps:
                  a: {agent: noop}
                  b: {agent: \(agent), after: [a]}
                  c: {agent: noop, after: [b]}
                """, starting)
            jobs[agent] = try runner.start(template, brief: agent)
            _ = try runner.advance(job: jobs[agent]!)
        }
        let stop = CancellationFlag()
        let workers = try ["w1", "w2"].map { try StepWorker(runner: PipelineRunner(store: try PipelineStore(path: store.path), agents: known),
                                                             options: .init(name: $0, lease: 10)) }
        let done = workers.map { Self.start($0, stop: stop) }
        defer { stop.cancel() }
        for job in jobs.values { #expect(try Self.settle(store, job) == "failed") }
        stop.cancel()
        for semaphore in done { #expect(semaphore.wait(timeout: .now() + 60) == .success) }
        for (agent, job) in jobs {
            let error = try store.read { db in try db.value(String.self, "SELECT error_message FROM production_jobs WHERE id = ?", [job]) }
            #expect(error?.hasPrefix("b: ") == true, "\(agent): \(error ?? "no error")")
            if agent == "broken" { #expect(error?.contains("the lens cap was on") == true, "\(error ?? "")") }
            let tasks = try store.read { db in
                try db.rows("SELECT step_id, state FROM step_tasks WHERE production_job_id = ? ORDER BY created_at", [job])
            }
            #expect(tasks.map { [$0["step_id"] as String, $0["state"] as String] } == [["a", "done"], ["b", "failed"]], "\(agent): \(tasks)")
            let runs = try store.read { db in
                try db.rows("SELECT step_id, status FROM agent_executions WHERE production_job_id = ? ORDER BY created_at", [job])
            }
            #expect(!runs.contains { ($0["step_id"] as String) == "c" }, "\(agent): c ran")
            if agent == "broken" {
                #expect(runs.filter { ($0["step_id"] as String) == "b" }.map { $0["status"] as String } == ["failed"], "\(runs)")
            }
        }
        #expect(try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM step_tasks WHERE state IN ('ready', 'leased')") } == 0)
    }

    /// A job run in place on a shared store is held by its runner's advisory lock, seen alike
    /// from every machine — not by a pid, which means nothing on another machine: a holder whose
    /// pid happens to be alive here but whose session is gone has died (its job interrupted,
    /// taken over, its running step marked to run again); one whose pid is dead here but whose
    /// session lives is running (not taken, its step left alone).
    @Test func aJobRunInPlaceIsHeldByItsSessionNotItsPid() throws {
        let store = try PipelineFixture.store(.postgres)
        let runner = PipelineRunner(store: store)
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        let elsewhere = try PipelineStore(path: store.path)
        func runState(_ seen: PipelineStore) throws -> String { try #require(try seen.jobs().first { $0.id == job }).runState }
        func running() throws -> Int {
            try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM agent_executions WHERE production_job_id = ? AND status = 'running'", [job]) } ?? -1
        }

        // Machine A runs it, as a pid this machine has no process of.
        guard case .mine(let lockA) = try store.claimJob(job, pid: 999_999, host: "render-01"), let lockA else {
            Issue.record("A did not get the job with its lock"); return
        }
        try store.write { db in
            try db.execute("""
                INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, status, created_at)
                VALUES (?, ?, 'trends', 'trend_analyst', 'pre-production', 'running', ?)
                """, [PipelineStore.newID(), job, PipelineStore.now()])
        }
        guard case .held(let holder) = try elsewhere.claimJob(job, pid: 4242, host: "render-02") else {
            Issue.record("B took a job A's live session holds"); return
        }
        #expect(holder == RunHolder(pid: 999_999, host: "render-01") && holder.description == "process 999999 on render-01")
        #expect(try runState(elsewhere) == "running" && elsewhere.orphanedJobs().isEmpty)
        #expect(try running() == 1, "A's running step was touched")

        // Machine A dies: the server ends its session, and the lock goes with it. It ran as a pid
        // alive on this machine.
        try store.write { db in
            try db.execute("UPDATE production_jobs SET settings = jsonb_set(CAST(settings AS JSONB), '{runner_pid}', to_jsonb(CAST(? AS TEXT))) WHERE id = ?",
                           [String(getpid()), job])
        }
        #expect(lockA.stillHeld())
        #expect(try Self.endSessionHolding(job, in: store))
        #expect(!lockA.stillHeld())
        #expect(try runState(elsewhere) == "interrupted")
        #expect(try elsewhere.orphanedJobs() == [job])
        guard case .mine(let lockB) = try elsewhere.claimJob(job, pid: 4242, host: "render-02"), let lockB else {
            Issue.record("B could not take over a dead holder's job"); return
        }
        defer { lockB.release() }
        #expect(try running() == 0, "the dead holder's step was not marked to run again")
        #expect(try runState(store) == "running")
        guard case .held(let now) = try store.claimJob(job, pid: getpid(), host: "render-01") else { Issue.record("A took B's job"); return }
        #expect(now == RunHolder(pid: 4242, host: "render-02"))
    }

    /// Ends the database session that holds `job`'s lock (as the server does when its machine
    /// vanishes), waiting until it has ended; whether there was one.
    static func endSessionHolding(_ job: String, in store: PipelineStore) throws -> Bool {
        try store.read { db in
            try db.value(Bool.self, """
                SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted
                  AND (CAST(classid AS BIGINT) << 32) | CAST(objid AS BIGINT) = hashtextextended(?, 0)
                """, [PipelineStore.runLock(job)])
        } ?? false
    }

    /// A run in place whose session ends mid-step (the database restarted, the network dropped)
    /// stops before its next step and writes nothing more: the job may be another machine's now.
    @Test func aRunThatLostItsHoldStopsBeforeItsNextStep() throws {
        final class Held: PipelineAgent, @unchecked Sendable {
            let name = "held"
            let type = "post"
            let started = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0)
            func run(_ input: AgentInput) throws -> AgentOutput {
                started.signal()
                _ = go.wait(timeout: .now() + 60)
                return AgentOutput(output: .object(["made": "it"]))
            }
        }
        let held = Held()
        let (store, runner, agents) = try Self.runner(adding: held)
        let template = try Self.template("""
            name: held
            steps:
              a: {agent: held}
              b: {agent: noop, after: [a]}
            """, agents)
        let job = try runner.start(template, brief: "held")
        let outcome = SharedList<PipelineRunner.Outcome>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            if let result = try? runner.run(job: job) { outcome.append(result) }
            done.signal()
        }.start()
        #expect(held.started.wait(timeout: .now() + 60) == .success)
        #expect(try Self.endSessionHolding(job, in: store))
        held.go.signal()
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(outcome.all == [.stopped(PipelineRunner.lostHold)])
        let runs = try store.read { db in
            try db.rows("SELECT step_id, status FROM agent_executions WHERE production_job_id = ? ORDER BY created_at", [job])
        }
        #expect(runs.map { [$0["step_id"] as String, $0["status"] as String] } == [["a", "running"]], "\(runs)")
        #expect(try store.jobState(job).runState == "running")
    }

    /// A worker paused past its lease loses the step to another; when it wakes, what it made is
    /// not committed, and its run is recorded as interrupted, not completed.
    @Test func aWorkerThatLostItsLeaseCommitsNothing() throws {
        let store = try PipelineFixture.store(.postgres)
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        var held = BuiltinAgents.registry
        held.add(HeldAgent(inner: held["trend_analyst"]!, started: started, release: release))
        let slow = PipelineRunner(store: store, agents: held), quick = PipelineRunner(store: store)
        let job = try quick.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        _ = try quick.advance(job: job)
        let first = try #require(try store.claimTask(worker: "paused", capabilities: ["llm", "media"], lease: 1))
        let outcome = SharedList<PipelineRunner.TaskOutcome>()
        let finished = DispatchSemaphore(value: 0)
        defer { release.signal() }   // (never left waiting, whatever fails below)
        Thread { outcome.append((try? slow.runTask(first, worker: "paused")) ?? .failed("threw")); finished.signal() }.start()
        // Its intent is written and it is working; no heartbeat renews its lease.
        try #require(started.wait(timeout: .now() + 60) == .success, "the first worker never started the step: \(outcome.all)")
        var second: StepTask?
        for _ in 0..<600 where second == nil {
            second = try store.claimTask(worker: "other", capabilities: ["llm"], lease: 30)
            if second == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let taken = try #require(second)
        #expect(taken.id == first.id && taken.fence == first.fence + 1 && taken.claims == 2)
        #expect(try quick.runTask(taken, worker: "other") == .completed)
        release.signal()
        try #require(finished.wait(timeout: .now() + 60) == .success)
        #expect(outcome.all == [.lost])
        let runs = try store.read { db in
            try db.rows("SELECT status, worker, error_message FROM agent_executions WHERE production_job_id = ? AND step_id = 'trends' ORDER BY created_at", [job])
        }
        #expect(runs.map { $0["status"] as String } == ["failed", "completed"])
        #expect((runs.first?["error_message"] as String?)?.contains("taken over") == true)
        #expect(runs.map { $0["worker"] as String? } == ["paused", "other"])
        // The job went on: the next step is queued.
        #expect(try store.tasks(job: job).map(\.step).contains("concepts"))
    }

    /// A step handed to a worker that is stopping goes back to the queue: ready, no one's, and the
    /// next claim takes it under a new fence; a lease no longer held gives nothing back.
    @Test func aStepGivenBackIsQueuedAgain() throws {
        let store = try PipelineFixture.store(.postgres)
        let runner = PipelineRunner(store: store)
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        _ = try runner.advance(job: job)
        let task = try #require(try store.claimTask(worker: "stopping", capabilities: ["llm", "media"], lease: 30))
        try store.giveBack(TaskLease(task: task.id, fence: task.fence, worker: "stopping"))
        let listed = try #require(try store.tasks(job: job).first { $0.step == task.step })
        #expect(listed.state == "ready" && listed.worker == nil)
        let again = try #require(try store.claimTask(worker: "other", capabilities: ["llm", "media"], lease: 30))
        #expect(again.id == task.id && again.fence == task.fence + 1)
        // The first lease is gone: giving it back again changes nothing.
        try store.giveBack(TaskLease(task: task.id, fence: task.fence, worker: "stopping"))
        #expect(try store.tasks(job: job).first { $0.step == task.step }.map { [$0.state, $0.worker ?? ""] } == ["leased", "other"])
    }

    /// A step whose files this machine does not see is given back with the reason, not failed.
    @Test func aWorkerWithoutTheSharedFolderRefusesTheStep() throws {
        let (store, runner, job) = try Self.jobWithoutItsSharedFolder()
        let task = try #require(try store.claimTask(worker: "lonely", capabilities: ["llm"], lease: 30))
        guard case .refused(let why) = try runner.runTask(task, worker: "lonely") else { Issue.record("expected a refusal"); return }
        #expect(why.contains("is not on this machine"))
        let listed = try store.tasks(job: job)
        #expect(listed.count == 1 && listed[0].state == "ready" && listed[0].refusals.first?.hasPrefix("lonely: ") == true)
        // It is not taken again by the worker that refused it, and nothing of the step ran.
        #expect(try store.claimTask(worker: "lonely", capabilities: ["llm"], lease: 30, skipping: [task.id]) == nil)
        #expect(try store.detail(job: job).steps.first?.status == "not_started")
    }

    /// A worker's statements run prepared, their arguments written into `EXECUTE` as literals:
    /// quotes, backslashes, SQL and NULLs come back as they went in, the first call (which
    /// prepares) and the next (which only executes) alike.
    @Test func preparedStatementsReturnTheirArgumentsUnchanged() throws {
        let database = try PipelineFixture.store(.postgres).postgres
        let texts = ["it's", "back\\slash \\' and \\", "'); DROP TABLE step_tasks; --", "naïve 🎬 \n line", "$1 ? $$ quoted $$", ""]
        let sql = "SELECT CAST($1 AS TEXT) AS t, $2 + 1 AS n, CAST($3 AS BIGINT) IS NULL AS z, CAST($4 AS DOUBLE PRECISION) * 2 AS r"
        for text in texts {
            for _ in 0..<2 {
                let row = try #require(try database.transaction(nil) { db in
                    try database.prepared.rows(sql, [text, Int64(41), nil as String?, 0.25], on: db).first
                })
                #expect((row["t"] as String) == text)
                #expect((row["n"] as Int64) == 42 && (row["z"] as Int64) == 1 && (row["r"] as Double) == 0.5)
            }
        }
        // A statement without arguments too (its EXECUTE has no parentheses).
        for _ in 0..<2 {
            let row = try #require(try database.transaction(nil) { db in try database.prepared.rows("SELECT 7 AS v", [], on: db).first })
            #expect((row["v"] as Int64) == 7)
        }
        // (One connection served every call here, the pool's last idle one: it holds the statement.)
        #expect(try database.transaction(nil) { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE '%CAST($3 AS BIGINT) IS NULL%'")
        } == 1)
        #expect(try database.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM step_tasks") } == 0)
    }

    /// A connection keeps at most `limit` statements prepared: a new one past it lets go of the
    /// one run least recently, on the server too.
    @Test func preparedStatementsPastTheLimitLetTheLeastRecentGo() throws {
        let database = try PipelineFixture.store(.postgres).postgres
        database.prepared.limit = 3
        func run(_ n: Int) throws -> Int64 {
            try #require(try database.transaction(nil) { db in
                try database.prepared.rows("SELECT CAST($1 AS BIGINT) + \(n) AS v", [Int64(1)], on: db).first
            })["v"]
        }
        for n in 0..<5 { #expect(try run(n) == 1 + Int64(n)) }   // (3 lets 0 go, 4 lets 1 go)
        #expect(try run(2) == 3)                                  // (run again: 3 is now the least recent)
        #expect(try run(5) == 6)
        // (One connection served every call here, the pool's last idle one: it holds the statements.)
        let kept = try database.transaction(nil) { db in
            try db.values(String.self, "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%AS BIGINT) + %'")
        }
        #expect(kept.count == 3, "\(kept)")
        for n in [2, 4, 5] { #expect(kept.contains { $0.hasSuffix("+ \(n) AS v") }, "\(n) is not prepared: \(kept)") }
    }

    /// A statement batch takes writes (in any case, after any white space) and refuses the rest.
    @Test func aStatementBatchTakesWritesOnly() throws {
        let batch = SQLStatementBatch()
        for sql in ["INSERT INTO t VALUES (1)", " \n\t update t SET a = 1", "Delete FROM t"] { try batch.execute(sql, []) }
        #expect(batch.entries.count == 3)
        for sql in ["SELECT 1", "  WITH x AS (SELECT 1) DELETE FROM t", "", "INSERX", "ÜPDATE t"] {
            #expect(throws: PipelineError.self, "\(sql)") { try batch.execute(sql, []) }
        }
        #expect(batch.entries.count == 3)
    }

    /// A draining worker ends when all that is left is a step it refused or cannot run: the step
    /// stays queued for a worker that can.
    @Test func aDrainingWorkerEndsWhenOnlyWhatItRefusedIsLeft() throws {
        let (store, runner, job) = try Self.jobWithoutItsSharedFolder()
        let worker = try StepWorker(runner: runner, options: .init(name: "lonely", lease: 30, drain: true))
        let stop = CancellationFlag()
        defer { stop.cancel() }
        let done = Self.start(worker, stop: stop)
        #expect(done.wait(timeout: .now() + 60) == .success, "the draining worker did not end")
        let listed = try store.tasks(job: job)
        #expect(listed.count == 1 && listed[0].state == "ready" && listed[0].refusals.first?.hasPrefix("lonely: ") == true)
        #expect(worker.stats.steps == 1 && worker.stats.handed == 0)
    }

    /// The commands say the same, before anything is written: no store is made.
    @Test func enqueueingOnASQLiteStoreIsRefusedAndWritesNothing() throws {
        let db = try PipelineFixture.scratch()
        let run = try Program.run(Program.kijko, ["run", PipelineFixture.workflows + "/social.yaml", "--brief", "x", "--enqueue", "--db", db])
        #expect(run.status == 64 && run.stderr.contains("--enqueue: \(db) is a SQLite store on this machine"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
        let existing = try PipelineFixture.scratch()
        _ = try PipelineStore(path: existing)
        let workers = try Program.run(Program.kijko, ["worker", "--db", existing])
        #expect(workers.status != 0 && workers.stderr.contains("need a shared PostgreSQL store"), "\(workers.stderr)")
    }

    /// Workers are refused on a SQLite store, saying what they need.
    @Test func workersNeedASharedStore() throws {
        let store = try PipelineFixture.store(.sqlite)
        #expect { _ = try StepWorker(runner: PipelineRunner(store: store), options: .init()) } throws: { "\($0)".contains("need a shared PostgreSQL store") }
        let runner = PipelineRunner(store: store)
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Teaser clips.")
        #expect { _ = try runner.advance(job: job) } throws: { "\($0)".contains("need a shared PostgreSQL store") }
    }
}

/// Does what `inner` does, after saying it started and waiting to be let go.
struct HeldAgent: PipelineAgent {
    let inner: any PipelineAgent
    let started: DispatchSemaphore
    let release: DispatchSemaphore
    var name: String { inner.name }
    var type: String { inner.type }

    func run(_ input: AgentInput) throws -> AgentOutput {
        started.signal()
        release.wait()
        return try inner.run(input)
    }
}
