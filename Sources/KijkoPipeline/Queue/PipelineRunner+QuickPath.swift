import Foundation
import KijkoCore

/// A worker's plain step in three statements, each its own transaction: the claim reads the job's
/// state; the intent is written only if nothing touched the job's row since (its version) and the
/// lease is still this one's; the result finishes the task under its fence, writes the step's
/// rows and queues what it lets run, all or nothing. Anything less plain — a step taken over, a
/// job moved on or sent back meanwhile, a gate, a branch, a budget, a step joining branches — goes
/// the locked way (``PipelineRunner/runTask(_:worker:claimed:progress:timing:)``'s transactions).
extension PipelineRunner {
    /// The intent as one statement, when the step is plain and the claim's state still holds;
    /// nil to take the locked way.
    func quickStart(_ task: StepTask, lease: TaskLease, claimed: PipelineStore.ClaimedTask?, progress: ProgressHandler?) throws -> TaskStart? {
        guard let claimed, let state = claimed.state, let version = claimed.version, claimed.task == task, lease.fence == 1,
              state.runState == "running", let step = state.template.step(task.step), let agent = step.agent, agents[agent] != nil,
              state.current[step.id] == nil, step.after.allSatisfy({ state.isDone($0) }) else { return nil }
        let prepared = try prepare(step, job: task.job, state: state, progress: progress, lease: lease)
        guard !prepared.intent.movesJob, !prepared.intent.supersedes else { return nil }
        let batch = SQLStatementBatch()
        // The job's row unchanged since the claim read it, and written, not only locked: a decision
        // or a failure that read the job before this commits then fails its serialisable commit and
        // runs again, seeing this step's run. The task still this lease's, locked.
        batch.add("job", """
            UPDATE production_jobs SET updated_at = ? WHERE id = ? AND CAST(xmin AS TEXT) = ? AND run_state = 'running' RETURNING id
            """, [PipelineStore.now(), task.job, version])
        batch.add("held", "SELECT 1 FROM step_tasks WHERE id = ? AND fence = ? AND state = 'leased' FOR UPDATE", [lease.task, lease.fence])
        try PipelineStore.writeIntent(batch, prepared.intent)
        batch.requirement = "EXISTS (SELECT 1 FROM job) AND EXISTS (SELECT 1 FROM held)"
        batch.message = "the job or the task changed since it was claimed"
        guard try store.postgres.runAsOne(batch) else { return nil }
        FaultInjection.committed()
        templates[task.job] = state.template
        return .begun(step, state, prepared)
    }

    /// The result as one statement: the task finished under its fence, the step's rows, and the
    /// steps after it queued (``plainSuccessors(_:)``, none of them waiting on another branch).
    /// False when it is not that plain, or the fence moved, or the run is no longer current (the
    /// job was sent back while it ran): the locked way follows, and says which.
    func quickFinish(_ run: StepRun, step: WorkflowTemplate.Step, state before: JobState, lease: TaskLease, queueing: Bool) throws -> Bool {
        guard queueing, before.settings["driver"] == "queue" else { return false }
        var state = before
        state.current[step.id] = ("completed", run.output)
        state.produced[step.id] = run.value
        guard let ready = plainSuccessors(state) else { return false }
        let next = ready.filter { $0.after.contains(step.id) }
        guard !next.isEmpty else { return false }
        // A step after this one that waits on another branch too: that branch may finish at this
        // moment, unseen here; the locked way serialises the two results.
        let joins = state.template.steps.filter { $0.after.contains(step.id) && !state.isDone($0.id) && !$0.after.allSatisfy { state.isDone($0) } }
        guard joins.isEmpty else { return false }
        let batch = SQLStatementBatch()
        batch.add("finished", PipelineStore.finishingLeased, [PipelineStore.now(), lease.task, lease.fence])
        batch.add("current", "SELECT 1 FROM agent_executions WHERE id = ? AND superseded = 0 AND status = 'running'", [run.record.execution])
        try PipelineStore.writeResult(batch, run.record)
        // (Queued only while the job still runs: one stopped or failed meanwhile queues nothing.)
        let insert = try PipelineStore.queueing(job: before.id, steps: next.map { requirement(of: $0, state: state) }, whileRunning: true)
        batch.add("queued", insert.sql, insert.arguments)
        batch.requirement = "EXISTS (SELECT 1 FROM finished) AND EXISTS (SELECT 1 FROM current)"
        batch.message = "the lease was taken over, or the run is no longer current"
        batch.notifyWhen = "EXISTS (SELECT 1 FROM queued)"
        guard try store.postgres.runAsOne(batch) else { return false }
        FaultInjection.committed()
        return true
    }
}
