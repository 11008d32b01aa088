public import Foundation
import KijkoLLM
public import KijkoCore

/// What people and programs read back from the store: jobs, one job's steps, pending approvals.
extension PipelineStore {
    public struct JobSummary: Codable, Sendable {
        public var id: String
        public var workflow: String
        public var client: String?
        public var status: String
        public var runState: String
        public var currentAgent: String?
        public var totalCost: Double
        /// USD the job's workflow estimates a job costs (its `cost_estimate`), when it does.
        public var costEstimate: Double?
        public var error: String?
        public var createdAt: String
        public var completedAt: String?
    }

    public struct StepRecord: Codable, Sendable {
        public var step: String
        public var agent: String
        public var status: String
        public var durationSeconds: Double?
        public var cost: Double
        public var tokens: Int
        public var error: String?
        /// Earlier runs of the step (revisions, interrupted runs), oldest first.
        public var earlier: Int
        /// Who made the output: `offline-draft`, `model`, `native`… (from the output's `provenance`).
        public var provenance: String?
        /// Files the step wrote (from the output's `artefacts`).
        public var artefacts: [StepArtefact]
        /// The agent's notes for people (from the output's `notes`).
        public var notes: [String]
        /// One line on what the step decided or made (from the output's `summary`).
        public var summary: String?
        /// The worker that ran it (a shared store's `kijko worker`); nil when run in process.
        public var worker: String? = nil
    }

    /// A file a step wrote, as its output lists it: `{name, path, type}`.
    public struct StepArtefact: Codable, Sendable, Equatable {
        public var name: String
        public var path: String
        public var type: String
    }

    public struct JobDetail: Codable, Sendable {
        public var job: JobSummary
        public var brief: String
        /// Every step of the template in order, with its current execution (status `not_started`
        /// when it has none yet).
        public var steps: [StepRecord]
        public var approvals: [ApprovalRecord]
        public var results: [String: JSONValue]
    }

    public struct ApprovalRecord: Codable, Sendable {
        public var id: String
        public var job: String
        public var step: String
        public var role: String
        public var approval: String
        public var status: String
        public var feedback: String?
        public var by: String?
        public var createdAt: String
        public var decidedAt: String?
        /// What is to be reviewed: `{step, content}`.
        public var content: JSONValue?
        /// SHA-256 of what is reviewed (its JSON and the bytes of the files it names): a decision
        /// may be bound to it.
        public var contentHash: String
        /// What the approver chose, when they chose.
        public var choice: JSONValue?
        /// Why the approver went past a failing check, when they did.
        public var override: String?
    }

    public func jobs() throws -> [JobSummary] {
        try read { db in
            let alive = try liveRunners(db)
            return try db.rows(Self.jobSQL + " ORDER BY j.created_at").map { Self.summary($0, alive: alive) }
        }
    }

    static let jobSQL = """
        SELECT j.*, w.name AS workflow_name, w.cost_estimate AS workflow_cost_estimate FROM production_jobs j JOIN production_workflows w ON w.id = j.workflow_id
        """

    static func summary(_ row: SQLRow, alive: LiveRunners) -> JobSummary {
        JobSummary(id: row["id"], workflow: row["workflow_name"], client: row["client_name"], status: row["status"],
                   runState: runState(row["run_state"], settings: row["settings"], alive: alive(row["id"], row["settings"])),
                   currentAgent: row["current_agent"],
                   totalCost: row["total_cost"], costEstimate: row["workflow_cost_estimate"], error: row["error_message"], createdAt: row["created_at"], completedAt: row["completed_at"])
    }

    /// `running` as stored, unless the process that holds the job is gone (killed mid-run, `alive`
    /// false): then `interrupted`, until `kijko resume` takes it up.
    static func runState(_ stored: String, settings: String?, alive: Bool) -> String {
        guard stored == "running", runner(settings) != nil else { return stored }
        return alive ? stored : "interrupted"
    }

    /// Whether a live process runs a job in place, by its id and settings (JSON text).
    typealias LiveRunners = (_ job: String, _ settings: String?) -> Bool

    /// Inside a read: who runs jobs in place now (`only` that one, when given). On a shared store,
    /// the running jobs whose advisory lock a session holds (one query; a pid means nothing on
    /// another machine); on this machine's store, whether the pid their settings name is alive.
    func liveRunners(_ db: any SQLTransaction, only job: String? = nil) throws -> LiveRunners {
        guard database.dialect == .postgres else { return { _, settings in Self.runner(settings).map(Self.isAlive) ?? false } }
        let held = Set(try db.values(String.self, """
            SELECT CAST(id AS TEXT) FROM production_jobs WHERE run_state = 'running'\(job == nil ? "" : " AND id = CAST(? AS UUID)")
              AND hashtextextended(? || CAST(id AS TEXT), 0) IN (\(PostgresStoreDatabase.grantedLockKeys))
            """, (job.map { [$0] } ?? []) + [Self.runLockPrefix]))
        return { job, _ in held.contains(job.lowercased()) }
    }

    /// The process a job's settings (JSON text) say runs it, if any.
    static func runner(_ settings: String?) -> Int32? { setting("runner_pid", in: settings).flatMap(Int32.init) }

    /// Who drives a job its settings (JSON text) name: `queue` when workers do; nil when processes run it in place.
    static func driver(_ settings: String?) -> String? { setting("driver", in: settings) }

    /// One field of a job's settings (JSON text of strings), if set.
    static func setting(_ key: String, in settings: String?) -> String? {
        guard let settings, let fields = try? JSONDecoder().decode([String: String?].self, from: Data(settings.utf8)) else { return nil }
        return fields[key].flatMap { $0 }
    }

    /// Whether process `pid` exists (one of another user's counts).
    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    public func detail(job: String) throws -> JobDetail {
        try read { db in
            guard let row = try db.row(Self.jobSQL + " WHERE j.id = ?", [job]) else { throw PipelineError("no job \(job)") }
            let template = try Self.template(of: job, db)
            let executions = try db.rows("SELECT * FROM agent_executions WHERE production_job_id = ? ORDER BY created_at",
                                              [job])
            let steps = template.steps.map { step -> StepRecord in
                let all = executions.filter { ($0["step_id"] as String) == step.id }
                guard let current = all.last(where: { ($0["superseded"] as Int) == 0 }) ?? all.last else {
                    return StepRecord(step: step.id, agent: step.agent ?? "gate: \(step.gate?.role ?? "")", status: "not_started",
                                      durationSeconds: nil, cost: 0, tokens: 0, error: nil, earlier: 0, provenance: nil, artefacts: [], notes: [], summary: nil)
                }
                let superseded = (current["superseded"] as Int) == 1
                let output = superseded ? nil : Self.listing(current["output_data"] as String?)
                return StepRecord(step: step.id, agent: current["agent_name"], status: superseded ? "to_run_again" : current["status"],
                                  durationSeconds: current["duration_seconds"], cost: current["cost"], tokens: current["tokens_used"],
                                  error: current["error_message"], earlier: all.count - 1, provenance: output?.provenance,
                                  artefacts: output?.artefacts ?? [], notes: output?.notes ?? [], summary: output?.summary,
                                  worker: current["worker"])
            }
            let results = (try? JSONDecoder().decode([String: JSONValue].self, from: Data((row["agent_results"] as String).utf8))) ?? [:]
            return JobDetail(job: Self.summary(row, alive: try liveRunners(db, only: job)), brief: row["brief_text"], steps: steps,
                             approvals: try Self.approvals(db, where: "production_job_id = ?", [job]), results: results)
        }
    }

    /// A short text that changes whenever anything ``detail(job:)`` shows of `job` changes (a step
    /// begun, finished, failed or superseded, a request made or decided, the job's state, a runner
    /// gone): one cheap query, so a reader can keep the detail it built until the stamp moves.
    public func jobStamp(_ job: String) throws -> String {
        try read { db in
            guard let row = try db.row("""
                SELECT j.updated_at, j.run_state, j.settings, j.total_cost,
                  (SELECT COUNT(*) || ':' || COALESCE(CAST(MAX(completed_at) AS TEXT), '') || ':' || COALESCE(SUM(superseded), 0) || ':' || COALESCE(SUM(length(status)), 0)
                     FROM agent_executions WHERE production_job_id = j.id) AS executions,
                  (SELECT COUNT(*) || ':' || COALESCE(CAST(MAX(approved_at) AS TEXT), '') || ':' || COALESCE(SUM(looped), 0)
                     FROM approval_requests WHERE production_job_id = j.id) AS approvals
                FROM production_jobs j WHERE j.id = ?
                """, [job]) else { throw PipelineError("no job \(job)") }
            let state = Self.runState(row["run_state"], settings: row["settings"], alive: try liveRunners(db, only: job)(job, row["settings"]))
            return "\(row["updated_at"] as String)|\(state)|\(row["total_cost"] as Double)|\(row["executions"] as String)|\(row["approvals"] as String)"
        }
    }

    /// What an output says about itself: provenance, files and notes.
    struct Listing: Decodable {
        var provenance: String?
        var artefacts: [StepArtefact]?
        var notes: [String]?
        var summary: String?
    }

    static func listing(_ text: String?) -> Listing? {
        guard let text, text.contains("\"provenance\"") || text.contains("\"artefacts\"") else { return nil }
        return try? JSONDecoder().decode(Listing.self, from: Data(text.utf8))
    }

    /// Whether any current step output lists files (a job page is worth writing).
    public func hasArtefacts(job: String) throws -> Bool {
        try read { db in
            let listsFiles = db.dialect == .postgres
                ? "CASE WHEN jsonb_typeof(output_data -> 'artefacts') = 'array' THEN jsonb_typeof(output_data -> 'artefacts' -> 0) = 'object' ELSE false END"
                : "instr(output_data, '\"artefacts\":[{') > 0"
            return try db.exists("SELECT 1 FROM agent_executions WHERE production_job_id = ? AND superseded = 0 AND \(listsFiles) LIMIT 1", [job])
        }
    }

    /// Approval requests still waiting for a decision, oldest first (all jobs, or one).
    public func pendingApprovals(job: String? = nil) throws -> [ApprovalRecord] {
        try read { db in
            job.map { _ in } == nil
                ? try Self.approvals(db, where: "status = 'pending'", [])
                : try Self.approvals(db, where: "status = 'pending' AND production_job_id = ?", [job!])
        }
    }

    /// Approval requests by status (`pending`, `approved`, `rejected`; nil: all), oldest first.
    public func approvals(status: String?) throws -> [ApprovalRecord] {
        try read { db in
            status.map { _ in } == nil ? try Self.approvals(db, where: "1 = 1", []) : try Self.approvals(db, where: "status = ?", [status!])
        }
    }

    /// One approval request (its id or first characters).
    public func approval(_ id: String) throws -> ApprovalRecord {
        try read { db in
            let found = try Self.approvals(db, where: "\(db.text("id")) = ? OR \(db.text("id")) LIKE ?", [id, id + "%"])
            guard let first = found.first, found.count == 1 || first.id == id else {
                throw PipelineError(found.isEmpty ? "no approval request \(id)" : "approval request \(id) is ambiguous: give more of its id")
            }
            return first
        }
    }

    /// Every request of one gate of one job, oldest first: its revisions and their feedback.
    public func approvals(job: String, step: String) throws -> [ApprovalRecord] {
        try read { db in try Self.approvals(db, where: "production_job_id = ? AND step_id = ?", [job, step]) }
    }

    /// Jobs that should be running and that no live process holds: a runner killed mid-run, a
    /// decision made with nothing to resume the job, a job made and never run. With `quiet`,
    /// only those unchanged for that many seconds (a job just made is about to be claimed).
    public func orphanedJobs(quiet: Double = 0) throws -> [String] {
        let cutoff = Self.iso(Date().addingTimeInterval(-quiet))
        return try read { db in
            let alive = try liveRunners(db)
            return try db.rows("SELECT id, settings FROM production_jobs WHERE run_state = 'running' AND updated_at <= ? ORDER BY created_at",
                             [cutoff]).compactMap { row in
                if Self.runner(row["settings"]) != nil, alive(row["id"], row["settings"]) { return nil }
                if Self.driver(row["settings"]) == "queue" { return nil }   // the workers' job
                return row["id"] as String
            }
        }
    }

    static func approvals(_ db: any SQLTransaction, where condition: String, _ arguments: [String]) throws -> [ApprovalRecord] {
        try db.rows("SELECT * FROM approval_requests WHERE \(condition) ORDER BY created_at", (arguments)).map { r in
            ApprovalRecord(id: r["id"], job: r["production_job_id"], step: r["step_id"], role: r["approver_role"],
                           approval: r["approval_type"], status: r["status"], feedback: r["feedback"], by: r["approved_by"],
                           createdAt: r["created_at"], decidedAt: r["approved_at"],
                           content: (r["content_to_review"] as String?).flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) },
                           contentHash: r["content_hash"],
                           choice: (r["choice"] as String?).flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) },
                           override: r["override_reason"])
        }
    }
}

extension PipelineStore {
    /// One agent's record over the jobs asked about.
    public struct AgentMetrics: Codable, Sendable {
        public var agent: String
        public var runs: Int
        public var completed: Int
        public var failed: Int
        /// completed / (completed + failed); interrupted runs count as failed.
        public var successRate: Double
        public var averageDuration: Double
        public var averageCost: Double
        public var totalTokens: Int
        public var llmCalls: Int
        /// Seconds: 95 % of completed runs took no longer.
        public var p95Duration: Double
        /// USD over every completed run.
        public var totalCost: Double
        /// The newest job it ran in (its trace).
        public var lastJob: String?
    }

    /// Per agent: runs, success rate, average duration and cost, tokens — over every job, or one.
    /// Gates and branches not taken are not agents' runs and are left out.
    public func metrics(job: String? = nil) throws -> [AgentMetrics] {
        try metrics(jobs: job.map { [$0] })
    }

    /// The same over the jobs `jobs` (nil: every job).
    public func metrics(jobs: [String]?) throws -> [AgentMetrics] {
        if jobs?.isEmpty == true { return [] }
        return try read { db in
            let filter = jobs.map { "AND production_job_id IN (" + Array(repeating: "?", count: $0.count).joined(separator: ", ") + ")" } ?? ""
            let rows = try db.rows("""
                SELECT agent_name,
                       SUM(CASE WHEN status IN ('completed', 'failed') THEN 1 ELSE 0 END) AS runs,
                       SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
                       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
                       AVG(CASE WHEN status = 'completed' THEN duration_seconds END) AS duration,
                       AVG(CASE WHEN status = 'completed' THEN cost END) AS cost,
                       SUM(tokens_used) AS tokens,
                       SUM(llm_calls) AS calls
                FROM agent_executions
                WHERE agent_type != 'approval' AND status != 'skipped' \(filter)
                GROUP BY agent_name ORDER BY agent_name
                """, (jobs ?? []))
            var durations: [String: [Double]] = [:]
            for r in try db.rows("""
                SELECT agent_name, duration_seconds FROM agent_executions
                WHERE agent_type != 'approval' AND status = 'completed' AND duration_seconds IS NOT NULL \(filter)
                """, (jobs ?? [])) {
                durations[r["agent_name"], default: []].append(r["duration_seconds"])
            }
            var newest: [String: String] = [:]
            for r in try db.rows("""
                SELECT agent_name, production_job_id FROM agent_executions
                WHERE agent_type != 'approval' \(filter) ORDER BY created_at
                """, (jobs ?? [])) {
                newest[r["agent_name"]] = r["production_job_id"]
            }
            return rows.map { r in
                let completed: Int = r["completed"] ?? 0, failed: Int = r["failed"] ?? 0
                let agent: String = r["agent_name"], cost: Double = r["cost"] ?? 0
                return AgentMetrics(agent: agent, runs: r["runs"] ?? 0, completed: completed, failed: failed,
                                    successRate: completed + failed == 0 ? 0 : Double(completed) / Double(completed + failed),
                                    averageDuration: r["duration"] ?? 0, averageCost: cost,
                                    totalTokens: r["tokens"] ?? 0, llmCalls: r["calls"] ?? 0,
                                    p95Duration: Self.percentile(95, of: durations[agent] ?? []), totalCost: cost * Double(completed),
                                    lastJob: newest[agent])
            }
        }
    }
}

extension PipelineStore {
    /// The `p`th percentile of `values` (nearest rank); 0 for none.
    public static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

extension ISO8601DateFormatter {
    /// The store's timestamps: UTC with milliseconds.
    public static var withMilliseconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

extension PipelineStore {
    /// The tokens `agent`'s steps typically take: the median prompt and completion tokens over
    /// its last 20 completed runs that called a model (each run's calls summed); nil when none did.
    public func typicalTokens(agent: String) throws -> TypicalTokens? {
        try read { db in
            let rows = try db.rows("""
                SELECT SUM(c.prompt_tokens) AS prompt, SUM(c.completion_tokens) AS completion
                FROM llm_calls c JOIN agent_executions e ON e.id = c.agent_execution_id
                WHERE e.agent_name = ? AND e.status = 'completed'
                GROUP BY e.id ORDER BY MAX(e.created_at) DESC LIMIT 20
                """, [agent])
            guard !rows.isEmpty else { return nil }
            func median(_ values: [Int]) -> Int { Int(Self.percentile(50, of: values.map(Double.init))) }
            return TypicalTokens(prompt: median(rows.map { $0["prompt"] ?? 0 }), completion: median(rows.map { $0["completion"] ?? 0 }), runs: rows.count)
        }
    }
}

extension PipelineStore {
    /// One field of the output of every completed execution whose output is of `kind` — every
    /// revision, superseded or not — over the jobs asked about (nil: every job).
    public func outputField(_ field: String, ofKind kind: String, jobs: [String]? = nil) throws -> [String] {
        if jobs?.isEmpty == true { return [] }
        return try read { db in
            let filter = jobs.map { "AND production_job_id IN (" + Array(repeating: "?", count: $0.count).joined(separator: ", ") + ")" } ?? ""
            if db.dialect == .postgres {
                return try db.values(String.self, """
                    SELECT output_data ->> ? FROM agent_executions
                    WHERE status = 'completed' AND output_data IS NOT NULL AND output_data ->> 'kind' = ? AND output_data -> ? IS NOT NULL \(filter)
                    ORDER BY created_at
                    """, [field, kind, field] + (jobs ?? []))
            }
            return try db.values(String.self, """
                SELECT json_extract(output_data, '$.' || ?) FROM agent_executions
                WHERE status = 'completed' AND output_data IS NOT NULL AND json_valid(output_data)
                  AND json_extract(output_data, '$.kind') = ? AND json_extract(output_data, '$.' || ?) IS NOT NULL \(filter)
                ORDER BY created_at
                """, [field, kind, field] + (jobs ?? []))
        }
    }
}

extension PipelineStore {
    /// Each step's current output (completed, not superseded), by step id, read from the
    /// executions — not the job's summary, which is written when a run stops.
    public func currentOutputs(job: String) throws -> [String: JSONValue] {
        try read { db in
            var outputs: [String: JSONValue] = [:]
            for row in try db.rows("""
                SELECT step_id, output_data FROM agent_executions
                WHERE production_job_id = ? AND superseded = 0 AND status = 'completed' AND output_data IS NOT NULL
                """, [job]) {
                if let value = try? JSONDecoder().decode(JSONValue.self, from: Data((row["output_data"] as String).utf8)) { outputs[row["step_id"]] = value }
            }
            return outputs
        }
    }

    /// The job's snapshot of its workflow graph.
    public func template(job: String) throws -> WorkflowTemplate {
        try read { db in try Self.template(of: job, db) }
    }
}
