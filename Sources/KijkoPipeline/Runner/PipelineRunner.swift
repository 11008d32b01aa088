public import Foundation
import GRDB
import KijkoLLM
import KijkoMedia

/// Runs production jobs through their workflow graph, durably. The state of a job is only what
/// the store holds: each pass reads it, decides what is ready, and writes each step's intent
/// (an execution row, `running`, with its input) before the step runs and its result after. A
/// process killed at any moment leaves at most a `running` row behind; the next run marks it
/// interrupted and runs that step again — never a completed one. Gates wait on approval requests
/// bound to a hash of exactly what was reviewed (its JSON and the bytes of any file it names): a
/// re-run that changes the content needs a new approval.
public final class PipelineRunner: Sendable {
    public let store: PipelineStore
    public let agents: AgentRegistry
    /// Agent steps run side by side at most.
    public let concurrency: Int

    public init(store: PipelineStore, agents: AgentRegistry = BuiltinAgents.registry, concurrency: Int = 4) {
        self.store = store
        self.agents = agents
        self.concurrency = max(1, concurrency)
    }

    /// How a job's brief is given and what it may spend.
    public struct JobOptions: Sendable {
        public var client: String?
        public var budget: Double?
        /// The job stops before a step that would take its cost over this (USD).
        public var maxCost: Double?
        public var media: String?
        public var master: String?
        public var attachments: [String]

        public init(client: String? = nil, budget: Double? = nil, maxCost: Double? = nil, media: String? = nil,
                    master: String? = nil, attachments: [String] = []) {
            self.client = client
            self.budget = budget
            self.maxCost = maxCost
            self.media = media
            self.master = master
            self.attachments = attachments
        }
    }

    /// Where a run left the job.
    public enum Outcome: Sendable, Equatable {
        case complete
        /// Waiting for people: the pending approval request ids.
        case waiting([String])
        case failed(String)
        /// Stopped by the budget guard.
        case stopped(String)
        /// Another live process is running it.
        case busy(Int32)
    }

    // MARK: - Jobs

    /// Records a new job for `template` and returns its id (nothing runs yet).
    public func start(_ template: WorkflowTemplate, brief: String, options: JobOptions = JobOptions()) throws -> String {
        guard !brief.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw PipelineError("the brief is empty") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let snapshot = String(decoding: try encoder.encode(template), as: UTF8.self)
        let sequence = String(decoding: try encoder.encode(template.steps.filter { $0.agent != nil }.map { ["step": $0.id, "agent": $0.agent!] }), as: UTF8.self)
        let gates = String(decoding: try encoder.encode(template.steps.compactMap { step in step.gate.map { ["step": step.id, "role": $0.role, "approval": $0.approval] } }), as: UTF8.self)
        let settings = String(decoding: try encoder.encode(["media": options.media, "master": options.master]), as: UTF8.self)
        let attachments = String(decoding: try encoder.encode(options.attachments), as: UTF8.self)
        let job = PipelineStore.newID()
        try store.write { db in
            let now = PipelineStore.now()
            let existing = try String.fetchOne(db, sql: "SELECT id FROM production_workflows WHERE name = ?", arguments: [template.name])
            let workflow = existing ?? PipelineStore.newID()
            if existing == nil {
                try db.execute(sql: """
                    INSERT INTO production_workflows (id, name, description, workflow_type, agent_sequence, approval_gates,
                      estimated_duration, cost_estimate, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [workflow, template.name, template.description, template.workflowType, sequence, gates,
                                     template.estimatedDuration, template.costEstimate, now, now])
            } else {
                try db.execute(sql: """
                    UPDATE production_workflows SET description = ?, workflow_type = ?, agent_sequence = ?, approval_gates = ?,
                      estimated_duration = ?, cost_estimate = ?, updated_at = ? WHERE id = ?
                    """, arguments: [template.description, template.workflowType, sequence, gates, template.estimatedDuration,
                                     template.costEstimate, now, workflow])
            }
            try db.execute(sql: """
                INSERT INTO production_jobs (id, workflow_id, client_name, brief_text, brief_attachments, status, run_state, budget,
                  max_cost, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'brief', 'running', ?, ?, ?, ?, ?)
                """, arguments: [job, workflow, options.client, brief, attachments, options.budget, options.maxCost, settings, now, now])
            try db.execute(sql: "INSERT INTO production_job_templates (production_job_id, template) VALUES (?, ?)", arguments: [job, snapshot])
        }
        return job
    }

    /// Runs `job` until it completes, fails, stops or waits at a gate. Safe to call again at any
    /// time (`kijko resume`): completed steps are kept, interrupted ones run again.
    public func run(job given: String, progress: (@Sendable (String) -> Void)? = nil) throws -> Outcome {
        let job = try resolve(given)
        if let owner = try claim(job) { return .busy(owner) }
        defer { try? release(job) }
        try reopenFailedSteps(job)
        let outcome = try drive(job, progress: progress)
        try store.write { db in
            try db.execute(sql: """
                UPDATE production_jobs SET agent_results = (SELECT json_group_object(step_id, json(output_data)) FROM agent_executions
                  WHERE production_job_id = ? AND superseded = 0 AND status = 'completed') WHERE id = ?
                """, arguments: [job, job])
            try recordRoot(db, job: job, outcome: outcome)
        }
        return outcome
    }

    /// A job that failed because a step failed (a model that stayed down, media that was missing)
    /// runs again from that step: its failed executions run anew, nothing completed runs twice.
    /// A job failed by a spent revision loop stays failed: that decision was people's.
    func reopenFailedSteps(_ job: String) throws {
        try store.write { db in
            guard try String.fetchOne(db, sql: "SELECT run_state FROM production_jobs WHERE id = ?", arguments: [job]) == "failed",
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM agent_executions WHERE production_job_id = ? AND superseded = 0 AND status = 'failed'",
                                    arguments: [job]) == true else { return }
            try db.execute(sql: "UPDATE production_jobs SET run_state = 'running', error_message = NULL, updated_at = ? WHERE id = ?",
                           arguments: [PipelineStore.now(), job])
        }
    }

    /// The job's root span, once the job has ended (complete, failed, stopped); written again,
    /// and sent again, only if a resumed job ends differently.
    func recordRoot(_ db: Database, job: String, outcome: Outcome) throws {
        let ended: String?
        switch outcome {
        case .complete: ended = nil
        case .failed(let why), .stopped(let why): ended = why
        case .waiting, .busy: return
        }
        guard let row = try Row.fetchOne(db, sql: """
            SELECT j.created_at, j.client_name, j.brief_text, j.total_cost, w.name AS workflow FROM production_jobs j
            JOIN production_workflows w ON w.id = j.workflow_id WHERE j.id = ?
            """, arguments: [job]) else { return }
        let root = TraceRecorder.rootSpanID(job: job)
        // Resuming a job that had already ended changes nothing: its root stays as recorded (and sent).
        let recorded = try String.fetchOne(db, sql: "SELECT status_message FROM trace_spans WHERE span_id = ?", arguments: [root])
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM trace_spans WHERE span_id = ?", arguments: [root]) ?? false
        if exists && recorded == ended { return }
        var attributes: [String: JSONValue] = [
            "kijko.job": .string(job), "kijko.workflow": .string(row["workflow"]), "kijko.cost_usd": .number(row["total_cost"]),
            "langfuse.trace.name": .string("\(row["workflow"] as String) job"),
            "langfuse.trace.input": .string(TraceRecorder.clipped(row["brief_text"])),
        ]
        if let client = row["client_name"] as String? { attributes["kijko.client"] = .string(client) }
        try db.execute(sql: "DELETE FROM trace_exports WHERE span_id = ?", arguments: [root])
        try TraceRecorder.record(db, job: job, span: root, parent: nil, execution: nil, name: "job \(row["workflow"] as String)",
                                 kind: "internal", start: TraceRecorder.nanoseconds(iso: row["created_at"]) ?? TraceRecorder.nanoseconds(),
                                 end: TraceRecorder.nanoseconds(), attributes: attributes, error: ended)
    }

    /// The passes of one run, until the job stops.
    func drive(_ job: String, progress: (@Sendable (String) -> Void)?) throws -> Outcome {
        // The job's state is read once and then kept up to date with this runner's own writes;
        // it is read again after anything a gate changed (a decision made in another process).
        var state = try JobState.load(job, store: store)
        let steps = state.template.steps
        let position = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($1.id, $0) })
        let needs = steps.map { $0.after.compactMap { position[$0] } }
        var done = steps.map { state.isDone($0.id) }
        var fresh = true
        var pending: ResultWrite?
        func commitHeld() throws {
            if let held = pending { try store.write(held) }
            pending = nil
        }
        while true {
            if !fresh {
                try commitHeld()  // a held-back result goes in before the store is read again
                state = try JobState.load(job, store: store, template: state.template)
                done = steps.map { state.isDone($0.id) }
            }
            fresh = false
            switch state.runState {
            case "complete": return .complete
            case "failed": return .failed(state.error ?? "failed")
            case "stopped": return .stopped(state.error ?? "stopped")
            default: break
            }
            var ready: [WorkflowTemplate.Step] = [], gates: [WorkflowTemplate.Step] = [], skips: [WorkflowTemplate.Step] = []
            var waiting: [String] = []
            var advanced = false
            for i in steps.indices where !done[i] && needs[i].allSatisfy({ done[$0] }) {
                let step = steps[i]
                if step.gate != nil { gates.append(step) }
                else if let condition = step.when, !state.holds(condition) { skips.append(step) }
                else { ready.append(step) }
            }
            // A step's result is held back to share the next step's intent commit only when that
            // next step is all this pass does; before anything else it is committed on its own.
            if !(gates.isEmpty && skips.isEmpty && ready.count == 1) { try commitHeld() }
            for step in gates {
                switch try settleGate(step, step.gate!, job: job, state: state) {
                case .waiting(let request): waiting.append(request)
                case .advanced: advanced = true
                case .failed(let why): return .failed(why)
                }
            }
            for step in skips {
                let condition = step.when!
                try skip(step, job: job, because: "\(condition.step).\(condition.field) is not \(condition.equals)")
                advanced = true
            }
            if !ready.isEmpty {
                if let stop = try budgetGuard(ready, state: state, job: job, carrying: pending) { return .stopped(stop) }
                let failures = SharedList<String>()
                let batch = ready
                let finished = SharedList<(step: String, output: String, value: JSONValue, cost: Double)>()
                let held = pending
                pending = nil
                if batch.count == 1 {
                    // One step at a time: its result rides on the next commit.
                    do {
                        let result = try execute(batch[0], job: job, state: state, progress: progress, carrying: held, deferResult: true)
                        finished.append((batch[0].id, result.output, result.value, result.cost))
                        pending = result.write
                    } catch { failures.append("\(batch[0].id): \(error)") }
                } else {
                    // (A copy of the state for the threads, gone before the state is updated below,
                    // so that update does not copy the job's executions.)
                    do {
                        let before = state
                        ChatClient.forEach(batch.count, limit: concurrency) { [self] i in
                            do {
                                let result = try execute(batch[i], job: job, state: before, progress: progress)
                                finished.append((batch[i].id, result.output, result.value, result.cost))
                            }
                            catch { failures.append("\(batch[i].id): \(error)") }
                        }
                    }
                }
                if let failure = failures.all.first {
                    try markJob(job, runState: "failed", error: failure)
                    return .failed(failure)
                }
                for (step, output, value, cost) in finished.all {
                    state.current[step] = ("completed", output)
                    state.produced[step] = value
                    state.totalCost += cost
                    if let i = position[step] {
                        done[i] = true
                        state.currentAgent = steps[i].agent
                        state.phase = steps[i].phase
                    }
                }
                fresh = !advanced  // skips and gates of this pass wrote to the store: read it again
                continue
            }
            if advanced { continue }
            if !waiting.isEmpty {
                try store.write { db in
                    try db.execute(sql: "UPDATE production_jobs SET run_state = 'waiting', updated_at = ? WHERE id = ?", arguments: [PipelineStore.now(), job])
                }
                return .waiting(waiting)
            }
            if done.allSatisfy({ $0 }) {
                try store.write { db in
                    let now = PipelineStore.now()
                    try db.execute(sql: """
                        UPDATE production_jobs SET run_state = 'complete', status = 'complete', current_agent = NULL, completed_at = ?,
                          updated_at = ? WHERE id = ?
                        """, arguments: [now, now, job])
                }
                return .complete
            }
            let stuck = "no step can run and none waits for approval"
            try markJob(job, runState: "failed", error: stuck)
            return .failed(stuck)
        }
    }

    // MARK: - Steps

    /// Runs one agent step: intent, work, result — each write its own transaction.
    /// Returns the step's output as stored (JSON text) and as a value, and its cost.
    @discardableResult
    func execute(_ step: WorkflowTemplate.Step, job: String, state: JobState, progress: (@Sendable (String) -> Void)?,
                 carrying earlier: ResultWrite? = nil, deferResult: Bool = false) throws
        -> (output: String, value: JSONValue, cost: Double, write: ResultWrite?) {
        guard let name = step.agent, let agent = agents[name] else { throw PipelineError("unknown agent \(step.agent ?? "?")") }
        let feedback = state.feedback(for: step.id)
        let folder = (store.artefactFolder(job: job) as NSString).appendingPathComponent("\(step.id)-\(feedback.count)")
        let input = AgentInput(brief: state.brief, client: state.client, budget: state.budget,
                               inputs: Dictionary(uniqueKeysWithValues: step.after.compactMap { id in state.output(of: id).map { (id, $0) } }),
                               feedback: feedback, revision: feedback.count, media: state.settings["media"], master: state.settings["master"],
                               workFolder: folder, executions: state.current)
        let execution = PipelineStore.newID()
        let inputText = input.json.compactText
        try store.write { db in
            // The result of the step before, when it was held back to share this commit.
            try earlier?(db)
            let now = PipelineStore.now()
            // (Statements that would change nothing are left out: a step with no earlier run has
            // nothing to supersede, and a job already at this agent and phase keeps its row.)
            if state.current[step.id] != nil {
                try db.run("UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                           arguments: [job, step.id])
            }
            try db.run("""
                INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, input_data, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'running', ?)
                """, arguments: [execution, job, step.id, name, agent.type, inputText, now])
            if state.currentAgent != name || state.phase != step.phase {
                try db.run("UPDATE production_jobs SET current_agent = ?, status = ?, updated_at = ? WHERE id = ?",
                           arguments: [name, step.phase, now, job])
            }
        }
        progress?("\(step.id) (\(name))")
        FaultInjection.inStep(step.id)
        let started = Date()
        do {
            let result = try agent.run(input)
            let output = result.output.compactText
            let cost = result.usage.cost ?? 0
            let write: ResultWrite = { db in
                let now = PipelineStore.now()
                try TraceRecorder.execution(db, job: job, execution: execution, step: step.id, agent: name, type: agent.type,
                                            revision: feedback.count, start: TraceRecorder.nanoseconds(started),
                                            end: TraceRecorder.nanoseconds(), usage: result.usage,
                                            calls: result.calls, error: nil)
                try db.run("""
                    UPDATE agent_executions SET status = 'completed', output_data = ?, llm_calls = ?, tokens_used = ?, cost = ?,
                      duration_seconds = ?, completed_at = ? WHERE id = ?
                    """, arguments: [output, result.usage.calls, result.usage.promptTokens + result.usage.completionTokens, cost,
                                     Date().timeIntervalSince(started), now, execution])
                if cost != 0 {
                    try db.run("UPDATE production_jobs SET total_cost = total_cost + ?, updated_at = ? WHERE id = ?", arguments: [cost, now, job])
                }
            }
            if deferResult { return (output, result.output, cost, write) }
            try store.write(write)
            return (output, result.output, cost, nil)
        } catch {
            let why = (error as? PipelineError)?.message ?? "\(error)"
            try store.write { db in
                try db.run("UPDATE agent_executions SET status = 'failed', error_message = ?, duration_seconds = ?, completed_at = ? WHERE id = ?",
                               arguments: [why, Date().timeIntervalSince(started), PipelineStore.now(), execution])
                try TraceRecorder.execution(db, job: job, execution: execution, step: step.id, agent: name, type: agent.type,
                                            revision: feedback.count, start: TraceRecorder.nanoseconds(started),
                                            end: TraceRecorder.nanoseconds(), usage: LLMUsage(),
                                            calls: [], error: why)
            }
            throw PipelineError(why)
        }
    }

    /// Records a branch not taken.
    func skip(_ step: WorkflowTemplate.Step, job: String, because reason: String) throws {
        try store.write { db in
            let now = PipelineStore.now()
            try db.execute(sql: "UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                           arguments: [job, step.id])
            try db.execute(sql: """
                INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, status, output_data, duration_seconds,
                  created_at, completed_at) VALUES (?, ?, ?, ?, ?, 'skipped', ?, 0, ?, ?)
                """, arguments: [PipelineStore.newID(), job, step.id, step.agent ?? "gate", step.phase,
                                 JSONValue.object(["skipped": .string(reason)]).compactText, now, now])
        }
    }

    func markJob(_ job: String, runState: String, error: String?) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE production_jobs SET run_state = ?, error_message = ?, updated_at = ? WHERE id = ?",
                           arguments: [runState, error, PipelineStore.now(), job])
        }
    }

}

extension Database {
    /// Runs `sql` through the connection's statement cache (compiled once, reused per step).
    func run(_ sql: String, arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

/// A step's result, written in a transaction of someone else's choosing.
typealias ResultWrite = @Sendable (Database) throws -> Void
