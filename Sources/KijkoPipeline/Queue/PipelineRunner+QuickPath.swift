import Foundation
import KijkoCore

/// A worker's plain step in three statements, each its own transaction, or two: the claim reads the
/// job's state (a step handed on by the result before it needs none); the intent is written only
/// if nothing touched the job's row since (its version) and the lease is still this one's; the
/// result finishes the task under its fence, writes the step's rows and queues what it lets run —
/// leasing the first to this worker — or completes the job, all or nothing. Anything less plain — a
/// step taken over, a job moved on or sent back meanwhile, a gate, a branch, a budget, a step
/// joining branches — goes the locked way (``PipelineRunner/runTask(_:worker:claimed:progress:timing:)``'s
/// transactions).
extension PipelineRunner {
    /// The intent as one statement, when the step is plain and the claim's state still holds;
    /// nil to take the locked way.
    func quickStart(_ task: StepTask, lease: TaskLease, claimed: PipelineStore.ClaimedTask?, progress: ProgressHandler?) throws -> TaskStart? {
        guard let claimed, let state = claimed.state, let claimedVersion = state.version, claimed.task == task, lease.fence == 1,
              state.runState == "running", let step = state.template.step(task.step), let agent = step.agent, agents[agent] != nil,
              state.current[step.id] == nil, step.after.allSatisfy({ state.isDone($0) }) else { return nil }
        let prepared = try prepare(step, job: task.job, state: state, progress: progress, lease: lease)
        guard !prepared.intent.supersedes else { return nil }
        // A step that moves the job to its agent and phase writes them in the job's one UPDATE
        // (one statement may write a row once), not in the intent's own.
        var intent = prepared.intent
        let moves = intent.movesJob
        intent.movesJob = false
        let batch = SQLStatementBatch()
        // The job's row unchanged since the claim read it (or, for a step handed on, since this
        // worker's intent before), and written, not only locked: a decision or a failure that read
        // the job before this commits then fails its serialisable commit and runs again, seeing
        // this step's run. (Anything that undoes a step writes the job's row; the completion in
        // ``completing(_:state:run:version:)`` rests on that too.) The task still this lease's, locked.
        let moving: [any SQLValueConvertible] = moves ? [intent.agent, intent.phase] : []
        batch.add("job", """
            UPDATE production_jobs SET updated_at = ?\(moves ? ", current_agent = ?, status = ?" : "") WHERE id = ?
              AND CAST(xmin AS TEXT) = ? AND run_state = 'running' RETURNING CAST(xmin AS TEXT) AS version
            """, [PipelineStore.now()] + moving + [task.job, claimedVersion])
        batch.add("held", "SELECT 1 FROM step_tasks WHERE id = ? AND fence = ? AND state = 'leased' FOR UPDATE", [lease.task, lease.fence])
        try PipelineStore.writeIntent(batch, intent)
        batch.requirement = "EXISTS (SELECT 1 FROM job) AND EXISTS (SELECT 1 FROM held)"
        batch.message = "the job or the task changed since it was claimed"
        batch.returning = "(SELECT version FROM job)"
        guard let row = try store.postgres.runAsOne(batch) else { return nil }
        FaultInjection.committed()
        templates[task.job] = state.template
        var begun = state
        begun.version = row["kijko_returned"]
        if moves { (begun.currentAgent, begun.phase) = (intent.agent, intent.phase) }
        return .begun(step, begun, prepared)
    }

    /// A worker's offer to take on the next step of a job it has just moved on, without a claim:
    /// what it runs, and how long its leases last.
    struct TaskHandoff {
        var capabilities: [String]
        var lease: Double

        /// The worker runs such a step, and sees the files it needs.
        func takes(_ need: (id: String, capability: String, needs: [String])) -> Bool {
            capabilities.contains(need.capability) && need.needs.allSatisfy { FileManager.default.fileExists(atPath: $0) }
        }
    }

    /// How a quick result went: not taken (the locked way follows), or committed, with the step
    /// handed to this worker when there was one to hand.
    enum QuickFinish {
        case notTaken
        case committed(handed: PipelineStore.ClaimedTask?)
    }

    /// The result as one statement: the task finished under its fence, the step's rows, and the
    /// steps after it queued (``plainSuccessors(_:)``, none of them waiting on another branch) or,
    /// after the job's last step, the job complete (``completing(_:state:run:version:)``). With
    /// `handing`, the first of those steps this worker takes is leased to it in the same
    /// statement, instead of queued: it runs next here with the state it has, no claim, no
    /// wake-up. Not taken when it is not that plain, or the fence moved, or the run is no longer
    /// current (the job was sent back while it ran): the locked way follows, and says which.
    func quickFinish(_ run: StepRun, step: WorkflowTemplate.Step, state before: JobState, lease: TaskLease, queueing: Bool,
                     handing: TaskHandoff?) throws -> QuickFinish {
        guard queueing, before.settings["driver"] == "queue" else { return .notTaken }
        var state = before
        state.current[step.id] = ("completed", run.output)
        state.produced[step.id] = run.value
        var handed: StepTask?
        let batch = SQLStatementBatch()
        batch.add("finished", PipelineStore.finishingLeased, [PipelineStore.now(), lease.task, lease.fence])
        batch.add("current", "SELECT 1 FROM agent_executions WHERE id = ? AND superseded = 0 AND status = 'running'", [run.record.execution])
        batch.requirement = "EXISTS (SELECT 1 FROM finished) AND EXISTS (SELECT 1 FROM current)"
        batch.message = "the lease was taken over, or the run is no longer current"
        if state.runState == "running", let version = before.version, state.template.steps.allSatisfy({ state.isDone($0.id) }) {
            try PipelineStore.writeResult(batch, run.record, costOnJob: false)
            try completing(batch, state: state, run: run, version: version)
            batch.requirement += " AND EXISTS (SELECT 1 FROM complete)"
        } else {
            guard let ready = plainSuccessors(state) else { return .notTaken }
            var next = ready.filter { $0.after.contains(step.id) }
            guard !next.isEmpty else { return .notTaken }
            // A step after this one that waits on another branch too: that branch may finish at this
            // moment, unseen here; the locked way serialises the two results.
            let joins = state.template.steps.filter { $0.after.contains(step.id) && !state.isDone($0.id) && !$0.after.allSatisfy { state.isDone($0) } }
            guard joins.isEmpty else { return .notTaken }
            try PipelineStore.writeResult(batch, run.record)
            if let handing, let (pick, need) = next.lazy.map({ ($0, self.requirement(of: $0, state: state)) }).first(where: { step, need in
                step.agent.flatMap { self.agents[$0] } != nil && handing.takes(need)
            }) {
                let task = StepTask(id: PipelineStore.newID(), job: before.id, step: pick.id, capability: need.capability, needs: need.needs,
                                    fence: 1, claims: 1)
                let insert = try PipelineStore.handing(job: before.id, step: need, task: task.id, worker: lease.worker, seconds: handing.lease)
                batch.add("handed", insert.sql, insert.arguments)
                batch.returning = "(SELECT id FROM handed)"
                next.removeAll { $0.id == pick.id }
                handed = task
            }
            if !next.isEmpty {
                // Queued only while the job still runs, as this statement's snapshot sees it: one
                // stopped or failed before queues nothing; one stopped at this very moment may get
                // tasks, which their claimers drop (a claim runs a step only of a running job).
                let insert = try PipelineStore.queueing(job: before.id, steps: next.map { requirement(of: $0, state: state) }, whileRunning: true)
                batch.add("queued", insert.sql, insert.arguments)
                batch.notifyWhen = "EXISTS (SELECT 1 FROM queued)"
            }
        }
        guard let row = try store.postgres.runAsOne(batch, durable: handed != nil) else { return .notTaken }
        FaultInjection.committed()
        guard let task = handed, (row["kijko_returned"] as String?) != nil else { return .committed(handed: nil) }
        // The state the step runs on: this worker's, with this result. The job's row is as the
        // intent left it unless this result added a cost to it; then the next intent takes the
        // locked way, which reads it again.
        let cost = run.record.usage.cost ?? 0
        state.totalCost += cost
        state.version = cost == 0 ? before.version : nil
        return .committed(handed: PipelineStore.ClaimedTask(task: task, state: state))
    }

    /// Adds to `batch` the job's completion after its last step, `run`: the job complete with its
    /// outputs gathered and the step's cost added, and its root span — only while the job's row is
    /// as this worker's intent left it (`version`): a decision, a failure, a sibling's intent or
    /// cost since then fails the statement, and the locked way's pass decides.
    func completing(_ batch: SQLStatementBatch, state: JobState, run: StepRun, version: String) throws {
        let now = PipelineStore.now(), cost = run.record.usage.cost ?? 0
        batch.add("complete", """
            UPDATE production_jobs SET \(PipelineStore.completed), total_cost = total_cost + ?,
              agent_results = \(PipelineStore.agentResults(.postgres, except: true)) || jsonb_build_object(CAST(? AS TEXT), CAST(? AS JSONB))
            WHERE id = ? AND CAST(xmin AS TEXT) = ? AND run_state = 'running' RETURNING id
            """, [now, now, cost, state.id, run.record.execution, run.record.step, run.record.output, state.id, version])
        try PipelineStore.writeRoot(batch, job: state.id, workflow: state.template.name, created: state.created, brief: state.brief,
                                    client: state.client, cost: state.totalCost + cost, ended: nil)
    }
}
