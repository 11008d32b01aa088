import Foundation
import KijkoCore

/// Jobs as the runner changes them: created, claimed by a process, marked, finished.
extension PipelineStore {
    /// The full id of the job `id` names (its full id or a unique prefix).
    func resolveJob(_ id: String) throws -> String {
        try read { db in
            let ids = try db.values(String.self, "SELECT id FROM production_jobs WHERE \(db.text("id")) = ? OR \(db.text("id")) LIKE ? LIMIT 2",
                                    [id, id + "%"])
            guard let first = ids.first else { throw PipelineError("no job \(id)") }
            guard ids.count == 1 || first == id else { throw PipelineError("job \(id) is ambiguous: give more of its id") }
            return first
        }
    }

    /// What a new job records: its workflow (the row kept up to date by name), its snapshot of the
    /// graph and what the job was given, as JSON text.
    struct NewJob {
        var id: String
        var template: WorkflowTemplate
        var snapshot, sequence, gates, settings, attachments: String
        var brief: String
        var options: PipelineRunner.JobOptions
    }

    /// Records a new job, in one transaction with its workflow row and its template snapshot.
    func createJob(_ new: NewJob) throws {
        let template = new.template
        try write { db in
            let now = PipelineStore.now()
            let existing = try db.value(String.self, "SELECT id FROM production_workflows WHERE name = ?", [template.name])
            let workflow = existing ?? PipelineStore.newID()
            if existing == nil {
                try db.execute("""
                    INSERT INTO production_workflows (id, name, description, workflow_type, agent_sequence, approval_gates,
                      estimated_duration, cost_estimate, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [workflow, template.name, template.description, template.workflowType, new.sequence, new.gates,
                                     template.estimatedDuration, template.costEstimate, now, now])
            } else {
                try db.execute("""
                    UPDATE production_workflows SET description = ?, workflow_type = ?, agent_sequence = ?, approval_gates = ?,
                      estimated_duration = ?, cost_estimate = ?, updated_at = ? WHERE id = ?
                    """, [template.description, template.workflowType, new.sequence, new.gates, template.estimatedDuration,
                                     template.costEstimate, now, workflow])
            }
            try db.execute("""
                INSERT INTO production_jobs (id, workflow_id, client_name, brief_text, brief_attachments, status, run_state, budget,
                  max_cost, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'brief', 'running', ?, ?, ?, ?, ?)
                """, [new.id, workflow, new.options.client, new.brief, new.attachments, new.options.budget, new.options.maxCost,
                                 new.settings, now, now])
            try db.execute("INSERT INTO production_job_templates (production_job_id, template) VALUES (?, ?)", [new.id, new.snapshot])
            for member in new.options.members {
                try db.execute("INSERT INTO job_members (production_job_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [new.id, member])
            }
        }
    }

    /// How taking a job for this process went.
    enum JobClaim {
        /// The job is this process's; on a shared store, while it holds `lock` (release it last).
        case mine(lock: PostgresStoreDatabase.SessionLock?)
        /// Another live process runs it.
        case held(RunHolder)
    }

    /// The advisory lock whose holder runs `job` in place, on a shared store: this, then the job's
    /// id as PostgreSQL writes a UUID (lower case).
    static let runLockPrefix = "kijko job "

    static func runLock(_ job: String) -> String { runLockPrefix + job.lowercased() }

    /// Takes the job for process `pid` (on `host`). Whether the process that last took it lives
    /// is asked of the store's own sessions on a shared store (its advisory lock, dropped with its
    /// connection, seen alike from every machine), of this machine's processes otherwise (its
    /// pid). A holder that died (killed mid-run) leaves `running` executions: they are marked
    /// interrupted and superseded, so those steps run again.
    func claimJob(_ job: String, pid me: Int32, host: String = RunHolder.thisHost) throws -> JobClaim {
        var lock: PostgresStoreDatabase.SessionLock?
        if database.dialect == .postgres {
            guard let taken = try postgres.tryLock(Self.runLock(job)) else {
                let settings = try read { db in try db.value(String.self, "SELECT settings FROM production_jobs WHERE id = ?", [job]) }
                return .held(RunHolder(settings: settings) ?? RunHolder(pid: 0, host: nil))
            }
            lock = taken
        }
        let shared = lock != nil
        do {
            let holder = try write { db -> RunHolder? in
                guard let row = try db.row("SELECT settings, run_state FROM production_jobs WHERE id = ?",
                                                 [job]) else { throw PipelineError("no job \(job)") }
                let settings = (try? JSONDecoder().decode([String: String?].self, from: Data((row["settings"] as String).utf8))) ?? [:]
                if !shared, let owner = settings["runner_pid"].flatMap({ $0 }).flatMap(Int32.init), owner != me, kill(owner, 0) == 0 {
                    return RunHolder(pid: owner, host: nil)
                }
                var updated = settings
                updated["runner_pid"] = String(me)
                updated["runner_host"] = shared ? host : nil
                try db.execute("UPDATE production_jobs SET settings = ? WHERE id = ?", [try Self.sortedJSON(updated), job])
                try db.execute("""
                    UPDATE agent_executions SET status = 'failed', error_message = 'interrupted (the runner stopped mid-step)', superseded = 1
                    WHERE production_job_id = ? AND status = 'running'
                    """, [job])
                if (row["run_state"] as String) == "waiting" {
                    try db.execute("UPDATE production_jobs SET run_state = 'running' WHERE id = ?", [job])
                }
                return nil
            }
            if let holder {
                lock?.release()
                return .held(holder)
            }
            return .mine(lock: lock)
        } catch {
            lock?.release()
            throw error
        }
    }

    /// Gives a job media or a master it lacked (absolute paths), in one transaction; a job that
    /// failed for want of them is run again by the next run (its failed step reopens).
    public func supply(job: String, media: String?, master: String?) throws {
        try write { db in
            guard let text = try db.value(String.self, "SELECT settings FROM production_jobs WHERE id = ?", [job]) else {
                throw PipelineError("no job \(job)")
            }
            var settings = (try? JSONDecoder().decode([String: String?].self, from: Data(text.utf8))) ?? [:]
            if let media { settings["media"] = media }
            if let master { settings["master"] = master }
            try db.execute("UPDATE production_jobs SET settings = ?, updated_at = ? WHERE id = ?",
                           [try Self.sortedJSON(settings), PipelineStore.now(), job])
        }
    }

    /// Lets go of the job when process `pid` (on `host`, on a shared store) holds it.
    func releaseJob(_ job: String, pid: Int32, host: String = RunHolder.thisHost) throws {
        try write { db in
            guard let text = try db.value(String.self, "SELECT settings FROM production_jobs WHERE id = ?", [job]) else { return }
            var settings = (try? JSONDecoder().decode([String: String?].self, from: Data(text.utf8))) ?? [:]
            guard settings["runner_pid"].flatMap({ $0 }) == String(pid),
                  settings["runner_host"].flatMap({ $0 }) == (database.dialect == .postgres ? host : nil) else { return }
            settings["runner_pid"] = nil
            settings["runner_host"] = nil
            try db.execute("UPDATE production_jobs SET settings = ? WHERE id = ?", [try Self.sortedJSON(settings), job])
        }
    }

    /// `value` as compact JSON text with sorted keys, as the store keeps settings, snapshots and histories.
    static func sortedJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A failed job runs again from where it stopped — its failed step, or one whose start or
    /// failure could not even be written (a full disk) — unless a gate's spent revision loop ended
    /// it: that rejection (`looped = 2`) stays final.
    func reopenFailedSteps(_ job: String) throws {
        try write { db in
            guard try db.value(String.self, "SELECT run_state FROM production_jobs WHERE id = ?", [job]) == "failed",
                  try db.value(Bool.self, "SELECT 1 FROM approval_requests WHERE production_job_id = ? AND looped = 2",
                                    [job]) != true else { return }
            try db.execute("UPDATE production_jobs SET run_state = 'running', error_message = NULL, updated_at = ? WHERE id = ?",
                           [PipelineStore.now(), job])
        }
    }

    func markJob(_ job: String, runState: String, error: String?) throws {
        try write { db in
            try db.execute("UPDATE production_jobs SET run_state = ?, error_message = ?, updated_at = ? WHERE id = ?",
                           [runState, error, PipelineStore.now(), job])
        }
    }

    /// The job waits for people.
    func markWaiting(_ job: String) throws {
        try write { db in
            try db.execute("UPDATE production_jobs SET run_state = 'waiting', updated_at = ? WHERE id = ?", [PipelineStore.now(), job])
        }
    }

    /// Every step is done.
    func markComplete(_ job: String) throws {
        try write { db in
            let now = PipelineStore.now()
            try db.execute("UPDATE production_jobs SET \(Self.completed) WHERE id = ?", [now, now, job])
        }
    }

    /// The SET list of a job complete (its two arguments: completed and updated at).
    static let completed = "run_state = 'complete', status = 'complete', current_agent = NULL, completed_at = ?, updated_at = ?"

    /// How a run left the job, for its root span: still going (no root), complete, or ended with why.
    enum RunEnd { case going, complete, ended(String) }

    /// When a run stops: the job's `agent_results` (every current output by step id) and, when the
    /// job ended, its root span — written again, and sent again, only if a resumed job ends differently.
    func finishRun(_ job: String, _ end: RunEnd) throws {
        try write { db in
            try db.execute("UPDATE production_jobs SET agent_results = \(Self.agentResults(db.dialect, except: false)) WHERE id = ?", [job, job])
            let ended: String?
            switch end {
            case .going: return
            case .complete: ended = nil
            case .ended(let why): ended = why
            }
            guard let row = try db.row("""
                SELECT j.created_at, j.client_name, j.brief_text, j.total_cost, w.name AS workflow FROM production_jobs j
                JOIN production_workflows w ON w.id = j.workflow_id WHERE j.id = ?
                """, [job]) else { return }
            let root = TraceRecorder.rootSpanID(job: job)
            // Resuming a job that had already ended changes nothing: its root stays as recorded (and sent).
            let recorded = try db.value(String.self, "SELECT status_message FROM trace_spans WHERE span_id = ?", [root])
            let exists = try db.value(Bool.self, "SELECT 1 FROM trace_spans WHERE span_id = ?", [root]) ?? false
            if exists && recorded == ended { return }
            try Self.writeRoot(db, job: job, workflow: row["workflow"], created: row["created_at"], brief: row["brief_text"],
                               client: row["client_name"], cost: row["total_cost"], ended: ended)
        }
    }

    /// The SQL that gathers a job's current outputs by step id (its one argument the job's id;
    /// `except`, a second: an execution left out, one being completed in the same statement).
    static func agentResults(_ dialect: SQLDialect, except: Bool) -> String {
        let gather = dialect == .postgres ? "COALESCE(jsonb_object_agg(step_id, output_data), '{}')" : "json_group_object(step_id, json(output_data))"
        return "(SELECT \(gather) FROM agent_executions WHERE production_job_id = ? AND superseded = 0 AND status = 'completed'"
            + (except ? " AND id <> ?)" : ")")
    }

    /// The job's root span, as its run ended (`ended`: why it failed or stopped; nil, complete),
    /// to be sent (again) by the exporter.
    static func writeRoot(_ db: any SQLTransaction, job: String, workflow: String, created: String?, brief: String, client: String?,
                          cost: Double, ended: String?) throws {
        let root = TraceRecorder.rootSpanID(job: job)
        var attributes: [String: JSONValue] = [
            "kijko.job": .string(job), "kijko.workflow": .string(workflow), "kijko.cost_usd": .number(cost),
            "langfuse.trace.name": .string("\(workflow) job"),
            "langfuse.trace.input": .string(TraceRecorder.clipped(brief)),
        ]
        if let client { attributes["kijko.client"] = .string(client) }
        try db.execute("DELETE FROM trace_exports WHERE span_id = ?", [root])
        try TraceRecorder.record(db, job: job, span: root, parent: nil, execution: nil, name: "job \(workflow)",
                                 kind: "internal", start: created.flatMap { TraceRecorder.nanoseconds(iso: $0) } ?? TraceRecorder.nanoseconds(),
                                 end: TraceRecorder.nanoseconds(), attributes: attributes, error: ended)
    }
}
