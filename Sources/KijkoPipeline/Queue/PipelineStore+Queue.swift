import Foundation
import KijkoCore

/// The shared work queue, in PostgreSQL itself: steps ready to run are rows of `step_tasks`, which
/// workers claim with `FOR UPDATE SKIP LOCKED` under a lease they renew; every claim bumps the
/// task's fence, and a result is committed only under the fence it was claimed with. Enqueueing
/// sends `NOTIFY kijko_steps` (delivered at commit), which wakes idle workers.
extension PipelineStore {
    /// The channel idle workers listen on.
    static let queueChannel = "kijko_steps"
    /// How a worker's intent and result lock their job's row: one at a time per job (the weaker
    /// `NO KEY` lock leaves rows that refer to the job free to be written).
    static let jobLock = "FOR NO KEY UPDATE"

    var postgres: PostgresStoreDatabase {
        get throws {
            guard let database = database as? PostgresStoreDatabase else {
                throw PipelineError("\(path): workers and --enqueue need a shared PostgreSQL store (--db postgres://USER@HOST:PORT/DB)")
            }
            return database
        }
    }

    /// Queues `steps` of `job` (a step already queued or leased is left as it is) and wakes workers.
    func enqueue(job: String, steps: [(id: String, capability: String, needs: [String])]) throws {
        _ = try postgres
        try write { db in try Self.enqueue(db, job: job, steps: steps) }
    }

    /// Inside a write: queues `steps` of `job` (`queueDriven`: the job is marked so already);
    /// workers are woken when it commits, if a step was queued.
    static func enqueue(_ db: any SQLTransaction, job: String, steps: [(id: String, capability: String, needs: [String])],
                        queueDriven: Bool = false) throws {
        // The job is the queue's from now on: no process runs it in place of the workers.
        if !queueDriven {
            try db.execute("""
                UPDATE production_jobs SET settings = jsonb_set(settings, '{driver}', '"queue"') WHERE id = ? AND settings ->> 'driver' IS DISTINCT FROM 'queue'
                """, [job])
        }
        guard !steps.isEmpty else { return }
        // One statement: the rows, and the notification (sent at commit) when any was new.
        let insert = try queueing(job: job, steps: steps)
        try db.execute("WITH queued AS (\(insert.sql))\nSELECT pg_notify('\(queueChannel)', '') WHERE EXISTS (SELECT 1 FROM queued)",
                       insert.arguments)
    }

    /// The columns every new task is written with (``queueing(job:steps:whileRunning:)``, ``handing(job:step:task:worker:seconds:)``).
    static let newTaskColumns = "id, production_job_id, step_id, capability, needs, state"

    /// The INSERT that queues `steps` of `job` (one already queued or leased is left as it is),
    /// returning a row for each queued; `whileRunning`: only if the job still runs.
    static func queueing(job: String, steps: [(id: String, capability: String, needs: [String])], whileRunning: Bool = false) throws
        -> (sql: String, arguments: [any SQLValueConvertible]) {
        var arguments: [any SQLValueConvertible] = []
        for step in steps { arguments += [newID(), job, step.id, step.capability, try sortedJSON(step.needs)] }
        return ("""
            INSERT INTO step_tasks (\(newTaskColumns))
            SELECT CAST(v.id AS UUID), CAST(v.job AS UUID), v.step, v.capability, CAST(v.needs AS JSONB), 'ready'
            FROM (VALUES \(Array(repeating: "(?, ?, ?, ?, ?)", count: steps.count).joined(separator: ", "))) AS v (id, job, step, capability, needs)
            \(whileRunning ? "WHERE EXISTS (SELECT 1 FROM production_jobs WHERE id = CAST(v.job AS UUID) AND run_state = 'running')" : "")
            ON CONFLICT DO NOTHING RETURNING 1
            """, arguments)
    }

    /// The INSERT that hands `step` of `job` to `worker` as task `task`, leased already (fence 1,
    /// as a first claim gives it) for `seconds`: only while the job runs and the step is neither
    /// queued nor leased; returns the task's id. The statement it is part of waits for the disk,
    /// as a claim does: a step starts only on a lease (and a result before it) the server keeps
    /// through a crash, so no step runs twice at once in its folder.
    static func handing(job: String, step: (id: String, capability: String, needs: [String]), task: String, worker: String,
                        seconds: Double) throws -> (sql: String, arguments: [any SQLValueConvertible]) {
        ("""
            INSERT INTO step_tasks (\(newTaskColumns), fence, claims, leased_by, lease_expires)
            SELECT CAST(? AS UUID), id, ?, ?, CAST(? AS JSONB), 'leased', 1, 1, ?, clock_timestamp() + make_interval(secs => ?)
            FROM production_jobs WHERE id = ? AND run_state = 'running'
            ON CONFLICT DO NOTHING RETURNING CAST(id AS TEXT) AS id
            """, [task, step.id, step.capability, try sortedJSON(step.needs), worker, seconds, job])
    }

    /// Takes the oldest ready task (or one whose lease expired) that needs one of `capabilities`,
    /// leaving out `skipping` (tasks this worker refused); nil when there is none. Read committed,
    /// with `SKIP LOCKED`: workers claiming at once each take a different row, none waits.
    func claimTask(worker: String, capabilities: [String], lease seconds: Double, skipping: [String] = []) throws -> StepTask? {
        try claim(worker: worker, capabilities: capabilities, lease: seconds, skipping: skipping)?.task
    }

    /// A claimed task, with its job's state as the claim read it (nil: no such job), the state
    /// carrying the version of the job's row then (PostgreSQL's `xmin`, changed by any write to
    /// the row): the step's intent, written as one statement, checks that nothing changed the job since.
    struct ClaimedTask {
        var task: StepTask
        var state: JobState?
    }

    /// `claimTask`, the job's state read in the same statement (one round trip, committed on a
    /// connection whose commits wait for the disk: a fence is never given out twice).
    func claim(worker: String, capabilities: [String], lease seconds: Double, skipping: [String] = [],
               template known: (String) -> WorkflowTemplate? = { _ in nil }) throws -> ClaimedTask? {
        // (kijko_claim: the schema's function, its plan kept by the server.)
        guard let row = try postgres.transaction(nil, durable: true, { db in try db.row("SELECT * FROM kijko_claim(?, ?, ?, ?)", [
            worker, seconds, capabilities.joined(separator: ","), skipping.joined(separator: ","),
        ]) }) else { return nil }
        let task = StepTask(id: row["task_id"], job: row["task_job"], step: row["task_step"], capability: row["task_capability"],
                            needs: (try? JSONDecoder().decode([String].self, from: Data((row["task_needs"] as String).utf8))) ?? [],
                            fence: row["task_fence"], claims: row["task_claims"])
        let version: String? = row["kijko_version"]
        var state = version == nil ? nil : try? Self.jobState(row, job: task.job, template: known(task.job))
        state?.version = version
        return ClaimedTask(task: task, state: state)
    }

    /// Puts a task leased under `lease` back in the queue, unclaimed (a worker stopping with a
    /// step handed to it), and wakes workers.
    func giveBack(_ lease: TaskLease) throws {
        try postgres.transaction(nil) { db in
            try db.execute("""
                WITH back AS (UPDATE step_tasks SET state = 'ready', leased_by = NULL, lease_expires = NULL
                  WHERE id = ? AND fence = ? AND state = 'leased' RETURNING id)
                SELECT pg_notify('\(Self.queueChannel)', '') WHERE EXISTS (SELECT 1 FROM back)
                """, [lease.task, lease.fence])
        }
    }

    /// Extends the lease by `seconds` from now; false when the task is no longer this lease's
    /// (taken over, or finished under another fence).
    func renew(_ lease: TaskLease, seconds: Double) throws -> Bool {
        try postgres.transaction(nil) { db in
            try db.row("""
                UPDATE step_tasks SET lease_expires = clock_timestamp() + make_interval(secs => ?)
                WHERE id = ? AND fence = ? AND state = 'leased' RETURNING id
                """, [seconds, lease.task, lease.fence]) != nil
        }
    }

    /// Inside a write: the task is still leased under `lease`'s fence (its row locked until the
    /// transaction ends), else ``LeaseLost``.
    static func holdLease(_ db: any SQLTransaction, _ lease: TaskLease) throws {
        try leaseHeld(db, lease)()
    }

    /// `holdLease` sent ahead, with the row of the task's job locked first (`jobLock`, in one
    /// statement: always the job, then the task); what is returned waits for the reply and throws
    /// ``LeaseLost`` unless the fence is still this lease's.
    static func leaseHeld(_ db: any SQLTransaction, _ lease: TaskLease, lockingJob: Bool = false) throws -> () throws -> Void {
        let reply = try lockingJob
            ? db.ahead("""
                SELECT t.fence, t.state FROM step_tasks t JOIN production_jobs j ON j.id = t.production_job_id WHERE t.id = ?
                \(jobLock) OF j FOR UPDATE OF t
                """, [lease.task])
            : db.ahead("SELECT fence, state FROM step_tasks WHERE id = ? FOR UPDATE", [lease.task])
        return {
            guard let row = try reply.get().first, (row["fence"] as Int64) == lease.fence, (row["state"] as String) == "leased" else {
                throw LeaseLost(task: lease.task)
            }
        }
    }

    /// Fails a task and its job under `lease` (a step that cannot even start here: an agent this
    /// worker does not have).
    func failTask(_ lease: TaskLease, job: String, step: String, why: String) throws {
        try write { db in
            try Self.leaseHeld(db, lease, lockingJob: true)()  // the job's row first, as everywhere
            try Self.finishTask(db, lease, state: "failed")
            try db.execute("UPDATE production_jobs SET run_state = 'failed', error_message = ?, updated_at = ? WHERE id = ?",
                           ["\(step): \(why)", Self.now(), job])
        }
    }

    /// Whether workers drive `job` (its steps were queued), and its open tasks' steps.
    func queuedSteps(_ job: String) throws -> (queueDriven: Bool, open: [String]) {
        guard database.dialect == .postgres else { return (false, []) }
        return try read { db in
            let driver = try db.value(String.self, "SELECT settings ->> 'driver' FROM production_jobs WHERE id = ?", [job])
            let open = try db.values(String.self, "SELECT step_id FROM step_tasks WHERE production_job_id = ? AND state IN ('ready', 'leased') ORDER BY created_at", [job])
            return (driver == "queue", open)
        }
    }

    /// Inside a write: the task finished (`done`), sent ahead in one statement that is its own
    /// fence check; what is returned throws ``LeaseLost`` when the task was not this lease's.
    static func finishLeased(_ db: any SQLTransaction, _ lease: TaskLease) throws -> () throws -> Void {
        let reply = try db.ahead(finishingLeased, [now(), lease.task, lease.fence])
        return { if try reply.get().isEmpty { throw LeaseLost(task: lease.task) } }
    }

    /// The task `done` under its fence (arguments: now, task, fence), returning a row only if it was.
    static let finishingLeased = """
        UPDATE step_tasks SET state = 'done', lease_expires = NULL, finished_at = ? WHERE id = ? AND fence = ? AND state = 'leased' RETURNING id
        """

    /// Locks `job`'s row (`jobLock`) until the transaction ends.
    static func lockJob(_ db: any SQLTransaction, _ job: String) throws {
        try db.execute("SELECT 1 FROM production_jobs WHERE id = ? \(jobLock)", [job])
    }

    /// Inside a write: the task is finished (`done` or `failed`) under `lease`.
    static func finishTask(_ db: any SQLTransaction, _ lease: TaskLease, state: String) throws {
        try db.execute("UPDATE step_tasks SET state = ?, lease_expires = NULL, finished_at = ? WHERE id = ? AND fence = ?",
                       [state, now(), lease.task, lease.fence])
    }

    /// Finishes a task without running it (its step was done already, or its job ended).
    func dropTask(_ lease: TaskLease, why: String) throws {
        try write { db in
            try Self.holdLease(db, lease)
            try Self.finishTask(db, lease, state: "dropped")
        }
    }

    /// Gives a task back without running it: this worker lacks what it needs (`why`, kept on the
    /// task for `kijko workers` and `kijko status`); another worker may take it.
    func refuseTask(_ lease: TaskLease, why: String) throws {
        try write { db in
            try Self.holdLease(db, lease)
            let text = try db.value(String.self, "SELECT refusals FROM step_tasks WHERE id = ?", [lease.task]) ?? "[]"
            var refusals = (try? JSONDecoder().decode([[String: String]].self, from: Data(text.utf8))) ?? []
            refusals.removeAll { $0["worker"] == lease.worker }
            refusals.append(["worker": lease.worker, "why": why, "at": Self.now()])
            try db.execute("""
                UPDATE step_tasks SET state = 'ready', leased_by = NULL, lease_expires = NULL, refusals = ? WHERE id = ?
                """, [try Self.sortedJSON(refusals), lease.task])
            try db.execute("NOTIFY \(Self.queueChannel)")
        }
    }

    /// Whether no step is queued or leased in the whole store.
    func queueIsEmpty() throws -> Bool {
        try !postgres.transaction(nil) { db in try db.exists("SELECT 1 FROM step_tasks WHERE state IN ('ready', 'leased') LIMIT 1") }
    }

    /// Nothing left that a worker with `capabilities` would take: no step leased anywhere (its
    /// result may queue more), and none ready that it runs and has not refused (`refused`).
    func nothingLeftFor(capabilities: [String], refused: [String]) throws -> Bool {
        try !postgres.transaction(nil) { db in
            try db.exists("""
                SELECT 1 FROM step_tasks WHERE state = 'leased' OR (state = 'ready' AND capability = ANY(string_to_array(?, ','))
                  AND NOT (CAST(id AS TEXT) = ANY(string_to_array(?, ',')))) LIMIT 1
                """, [capabilities.joined(separator: ","), refused.joined(separator: ",")])
        }
    }

    /// Jobs that should be moving and have no step queued or leased, unchanged for `quiet`
    /// seconds: a worker died between committing a step and queueing the next. Advancing them again
    /// changes nothing that is already right.
    func stalledJobs(quiet: Double) throws -> [String] {
        let cutoff = Self.iso(Date().addingTimeInterval(-quiet))
        return try read { db in
            try db.values(String.self, """
                SELECT j.id FROM production_jobs j
                WHERE j.run_state = 'running' AND j.updated_at <= ? AND j.settings ->> 'driver' = 'queue'
                  AND NOT EXISTS (SELECT 1 FROM step_tasks t WHERE t.production_job_id = j.id AND t.state IN ('ready', 'leased'))
                ORDER BY j.created_at LIMIT 100
                """, [cutoff])
        }
    }

    // MARK: - Workers

    /// A worker as `kijko workers` lists it.
    public struct WorkerRecord: Codable, Sendable {
        public var name: String
        public var host: String
        public var pid: Int
        public var capabilities: [String]
        public var concurrency: Int
        public var startedAt: String
        /// Its last heartbeat.
        public var seenAt: String
        public var stoppedAt: String?
        /// Alive: a heartbeat within the last lease and not stopped.
        public var alive: Bool
        /// The steps it holds leases on now.
        public var leases: [WorkerLease]
    }

    public struct WorkerLease: Codable, Sendable {
        public var task: String
        public var job: String
        public var step: String
        public var expires: String
        public var fence: Int64
    }

    /// Records a worker starting (a name used before is taken over: the same node restarted).
    func registerWorker(name: String, host: String, capabilities: [String], concurrency: Int) throws {
        let now = Self.now()
        try write { db in
            try db.execute("""
                INSERT INTO kijko_workers (name, host, pid, capabilities, concurrency, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, capabilities = excluded.capabilities,
                  concurrency = excluded.concurrency, started_at = excluded.started_at, seen_at = excluded.seen_at, stopped_at = NULL
                """, [name, host, Int(getpid()), capabilities.joined(separator: ","), concurrency, now, now])
        }
    }

    /// A worker's heartbeat.
    func workerSeen(_ name: String) throws {
        try postgres.transaction(nil) { db in try db.execute("UPDATE kijko_workers SET seen_at = ? WHERE name = ?", [Self.now(), name]) }
    }

    /// A worker stopping cleanly.
    func workerStopped(_ name: String) throws {
        try write { db in try db.execute("UPDATE kijko_workers SET stopped_at = ? WHERE name = ?", [Self.now(), name]) }
    }

    /// Every worker that registered, with its leases; `alive` when its heartbeat is within `lease` seconds.
    public func workers(lease: Double = 30) throws -> [WorkerRecord] {
        _ = try postgres
        let cutoff = Self.iso(Date().addingTimeInterval(-lease))
        return try read { db in
            var leases: [String: [WorkerLease]] = [:]
            for row in try db.rows("""
                SELECT id, production_job_id, step_id, leased_by, lease_expires, fence FROM step_tasks WHERE state = 'leased' ORDER BY created_at
                """) {
                leases[row["leased_by"], default: []].append(WorkerLease(task: row["id"], job: row["production_job_id"], step: row["step_id"],
                                                                          expires: row["lease_expires"], fence: row["fence"]))
            }
            return try db.rows("SELECT * FROM kijko_workers ORDER BY name").map { row in
                let name: String = row["name"], seen: String = row["seen_at"], stopped: String? = row["stopped_at"]
                return WorkerRecord(name: name, host: row["host"], pid: row["pid"],
                                    capabilities: (row["capabilities"] as String).split(separator: ",").map(String.init),
                                    concurrency: row["concurrency"], startedAt: row["started_at"], seenAt: seen, stoppedAt: stopped,
                                    alive: stopped == nil && seen >= cutoff, leases: leases[name] ?? [])
            }
        }
    }

    /// Tasks of `job`, oldest first, as `kijko status` shows the queue: state, lease holder, refusals.
    public func tasks(job: String) throws -> [StepTaskRecord] {
        guard database.dialect == .postgres else { return [] }
        return try read { db in
            try db.rows("SELECT * FROM step_tasks WHERE production_job_id = ? ORDER BY created_at", [job]).map { row in
                StepTaskRecord(step: row["step_id"], state: row["state"], worker: row["leased_by"], claims: row["claims"],
                               refusals: ((try? JSONDecoder().decode([[String: String]].self, from: Data((row["refusals"] as String).utf8))) ?? [])
                                   .map { "\($0["worker"] ?? "?"): \($0["why"] ?? "")" })
            }
        }
    }

    /// One queued step as `kijko status` shows it.
    public struct StepTaskRecord: Codable, Sendable {
        public var step: String
        public var state: String
        public var worker: String?
        public var claims: Int
        public var refusals: [String]
    }
}
