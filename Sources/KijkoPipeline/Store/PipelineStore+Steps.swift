import Foundation
import KijkoCore
import KijkoLLM

/// A step's records: its intent before it runs, its result or failure after, a branch not taken.
extension PipelineStore {
    /// A write held back to share a later transaction (a step's result rides on the next step's
    /// intent when steps run one after another). ``commit(_:)`` writes it on its own.
    struct HeldWrite: Sendable {
        let apply: @Sendable (any SQLTransaction) throws -> Void
    }

    /// Writes a held-back write in a transaction of its own.
    func commit(_ held: HeldWrite) throws {
        try write { db in try held.apply(db) }
    }

    /// What starting a step records.
    struct StepIntent {
        var job, execution, step, agent, type, input: String
        var phase: String
        /// The step ran before: its current execution is superseded.
        var supersedes: Bool
        /// The job's `current_agent` and phase change to this step's.
        var movesJob: Bool
        /// The worker's lease on the step's task (a step run from the shared queue).
        var lease: TaskLease? = nil
    }

    /// The step's intent — an execution row, `running`, with its input — committed before it
    /// runs, in one transaction with `earlier` (the previous step's held-back result).
    func beginStep(_ intent: StepIntent, carrying earlier: HeldWrite?) throws {
        try write { db in
            try earlier?.apply(db)
            try Self.writeIntent(db, intent)
        }
    }

    /// Inside a write: the intent's rows. (A step from the queue: the caller holds its lease.)
    static func writeIntent(_ db: any SQLTransaction, _ intent: StepIntent) throws {
        let now = PipelineStore.now()
        if let lease = intent.lease, lease.fence > 1 {
            // A worker that lost its lease (killed, or paused past it) left its run `running`: it is
            // over. (A first claim has no earlier run of its own to end.)
            try db.execute("""
                UPDATE agent_executions SET status = 'failed', completed_at = ?,
                  error_message = 'interrupted (its worker stopped or lost its lease; the step was taken over)'
                WHERE production_job_id = ? AND step_id = ? AND status = 'running'
                """, [now, intent.job, intent.step])
        }
        // (Statements that would change nothing are left out: a step with no earlier run has
        // nothing to supersede, and a job already at this agent and phase keeps its row.)
        if intent.supersedes {
            try db.execute("UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                       [intent.job, intent.step])
        }
        try db.execute("""
            INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, input_data, status, created_at, worker)
            VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)
            """, [intent.execution, intent.job, intent.step, intent.agent, intent.type, intent.input, now, intent.lease?.worker])
        if intent.movesJob {
            try db.execute("UPDATE production_jobs SET current_agent = ?, status = ?, updated_at = ? WHERE id = ?",
                       [intent.agent, intent.phase, now, intent.job])
        }
    }

    /// A finished step: which, when, what it made and what it cost.
    struct StepResult: Sendable {
        var job, execution, step, agent, type: String
        var revision: Int
        var started: Date
        var output: String
        var usage: LLMUsage
        var calls: [LLMCallRecord]
        var lease: TaskLease? = nil
    }

    /// The step's result as a write to commit now or hold back: the execution completed with its
    /// output, tokens and cost, its span and model calls, the job's total cost.
    func stepCompleted(_ result: StepResult) -> HeldWrite {
        HeldWrite { db in
            // (The task finished under its fence, checked last: the calling thread waits once.)
            let held = try result.lease.map { try Self.finishLeased(db, $0) }
            try Self.writeResult(db, result)
            try held?()
        }
    }

    /// Inside a write: the result's rows (not its task's); without `costOnJob` the caller adds the
    /// step's cost to the job's row itself (in a statement that writes that row already).
    static func writeResult(_ db: any SQLTransaction, _ result: StepResult, costOnJob: Bool = true) throws {
        let now = PipelineStore.now()
        let cost = result.usage.cost ?? 0
        try TraceRecorder.execution(db, job: result.job, execution: result.execution, step: result.step, agent: result.agent, type: result.type,
                                    revision: result.revision, start: TraceRecorder.nanoseconds(result.started),
                                    end: TraceRecorder.nanoseconds(), usage: result.usage, calls: result.calls, error: nil)
        try db.execute("""
            UPDATE agent_executions SET status = 'completed', output_data = ?, llm_calls = ?, tokens_used = ?, cost = ?,
              duration_seconds = ?, completed_at = ? WHERE id = ?
            """, [result.output, result.usage.calls, result.usage.promptTokens + result.usage.completionTokens, cost,
                             Date().timeIntervalSince(result.started), now, result.execution])
        if cost != 0 && costOnJob {
            try db.execute("UPDATE production_jobs SET total_cost = total_cost + ?, updated_at = ? WHERE id = ?", [cost, now, result.job])
        }
    }

    /// A step that failed: the execution failed with why, and its span.
    func stepFailed(job: String, execution: String, step: String, agent: String, type: String, revision: Int, started: Date, why: String,
                    lease: TaskLease? = nil) throws {
        try write { db in
            if let lease {
                // The job's row before the task's, as every write that locks both (no deadlock).
                try Self.leaseHeld(db, lease, lockingJob: true)()
                try Self.finishTask(db, lease, state: "failed")
                try db.execute("UPDATE production_jobs SET run_state = 'failed', error_message = ?, updated_at = ? WHERE id = ?",
                               ["\(step): \(why)", PipelineStore.now(), job])
            }
            try db.execute("UPDATE agent_executions SET status = 'failed', error_message = ?, duration_seconds = ?, completed_at = ? WHERE id = ?",
                       [why, Date().timeIntervalSince(started), PipelineStore.now(), execution])
            try TraceRecorder.execution(db, job: job, execution: execution, step: step, agent: agent, type: type, revision: revision,
                                        start: TraceRecorder.nanoseconds(started), end: TraceRecorder.nanoseconds(), usage: LLMUsage(),
                                        calls: [], error: why)
        }
    }

    /// A branch not taken: a `skipped` execution that counts as done.
    func skipStep(job: String, step: String, agent: String, phase: String, because reason: String) throws {
        try write { db in
            let now = PipelineStore.now()
            try db.execute("UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                           [job, step])
            try db.execute("""
                INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, status, output_data, duration_seconds,
                  created_at, completed_at) VALUES (?, ?, ?, ?, ?, 'skipped', ?, 0, ?, ?)
                """, [PipelineStore.newID(), job, step, agent, phase,
                                 JSONValue.object(["skipped": .string(reason)]).compactText, now, now])
        }
    }
}
