import Foundation
public import KijkoCore

/// Jobs run by workers from the shared queue: a pass that queues ready steps instead of running
/// them, and one queued step run under its lease.
extension PipelineRunner {
    /// Moves `job` on as far as it goes without running a step — gates settled, branches skipped —
    /// and queues the steps that are ready for workers (`.queued`), or says it waits, ended or is
    /// complete. Safe to call from any machine at any time, as often as wanted: a step queued or
    /// leased already is not queued twice.
    public func advance(job given: String, progress: ProgressHandler? = nil) throws -> Outcome {
        let job = given.utf8.count == 36 ? given : try resolve(given)   // (a full id needs no lookup)
        let outcome = try drive(job, progress: progress, enqueue: true)
        switch outcome {
        case .queued, .busy: break
        case .complete: try store.finishRun(job, .complete)
        case .waiting: try store.finishRun(job, .going)
        case .failed(let why), .stopped(let why): try store.finishRun(job, .ended(why))
        }
        return outcome
    }

    /// Queues a job that failed or stopped to run again from where it ended (as `resume` does in process).
    public func resumeQueued(job given: String) throws -> Outcome {
        let job = try resolve(given)
        try store.reopenFailedSteps(job)
        if try store.jobState(job).runState == "stopped" { try store.markJob(job, runState: "running", error: nil) }
        return try advance(job: job)
    }

    /// What a worker needs to run `step`: its agent's capability, and the job's files — media,
    /// master, and the folder its artefacts go in (shared storage every worker must see).
    func requirement(of step: WorkflowTemplate.Step, state: JobState) -> (id: String, capability: String, needs: [String]) {
        let capability = step.agent.flatMap { agents[$0]?.capability } ?? "llm"
        var needs: [String] = []
        if capability == "media" { needs += [state.settings["media"], state.settings["master"]].compactMap { $0 } }
        if let artefacts = state.settings["artefacts"] { needs.append((artefacts as NSString).deletingLastPathComponent) }
        return (step.id, capability, needs)
    }

    /// How a worker's task ended.
    public enum TaskOutcome: Sendable, Equatable {
        /// The step ran and its result is committed; the job was advanced.
        case completed
        /// The step failed, and its job with it.
        case failed(String)
        /// Nothing to run: the step was done already, its job ended, or a rejection sent the job back before it.
        case dropped(String)
        /// This worker lacks what the step needs (a file not on this machine); another may take it.
        case refused(String)
        /// The lease was taken over while the step ran: its result was not committed.
        case lost
    }

    /// Seconds of one task spent in its agent, and in committing its result and advancing its job after.
    public struct TaskTiming: Sendable {
        public var agent = 0.0
        public var advance = 0.0
        public init() {}
    }

    /// Runs one claimed task under `worker`'s lease: the step's intent, its work and its result
    /// each committed only while the lease is still this one's; then the job is advanced, queueing
    /// what follows.
    public func runTask(_ task: StepTask, worker: String, progress: ProgressHandler? = nil) throws -> TaskOutcome {
        var timing = TaskTiming()
        return try runTask(task, worker: worker, progress: progress, timing: &timing)
    }

    /// How a task's intent transaction ended: the step begun, or not to run.
    enum TaskStart {
        case begun(WorkflowTemplate.Step, JobState, PreparedStep)
        /// Nothing to run (`advance`: the step is done already; the job may still need moving on).
        case dropped(String, advance: Bool)
        /// The step cannot start here: its agent is not in this worker.
        case unknownAgent(step: String, why: String)
    }

    /// The same, saying in `timing` where its time went. A plain step (``PipelineRunner/quickStart(_:lease:claimed:progress:)``)
    /// costs three statements: the claim, with the job's state; the intent; the result, with the
    /// steps it lets run queued (a worker's own step handed on by its result skips the claim). Any other takes a transaction for its intent and one for its
    /// result, each locking the job's row and reading its state afresh.
    public func runTask(_ task: StepTask, worker: String, progress: ProgressHandler? = nil, timing: inout TaskTiming) throws -> TaskOutcome {
        var handed: PipelineStore.ClaimedTask?
        return try runTask(task, worker: worker, claimed: nil, progress: progress, timing: &timing, handed: &handed)
    }

    /// `runTask`, with the job's state as the claim read it; with `handing`, the job's next step
    /// may be leased to this worker in the step's result (`handed`: run it next).
    func runTask(_ task: StepTask, worker: String, claimed: PipelineStore.ClaimedTask?, progress: ProgressHandler? = nil,
                 timing: inout TaskTiming, handing: TaskHandoff? = nil, handed: inout PipelineStore.ClaimedTask?) throws -> TaskOutcome {
        let lease = TaskLease(task: task.id, fence: task.fence, worker: worker)
        do {
            for path in task.needs where !FileManager.default.fileExists(atPath: path) {
                let why = "\(path) is not on this machine (mount the shared storage, or give this worker --capabilities without \(task.capability))"
                try store.refuseTask(lease, why: why)
                return .refused(why)
            }
            // The job's row is locked first (then the task's: always in that order), so what is read
            // after it stays true until the intent commits: no decision or failure slips between.
            let start = try quickStart(task, lease: lease, claimed: claimed, progress: progress) ?? store.lockingWrite { db -> TaskStart in
                let held = try PipelineStore.leaseHeld(db, lease, lockingJob: true)
                let read = try PipelineStore.jobState(db, job: task.job, template: templates[task.job])
                try held()
                let state = try read()
                func drop(_ why: String, advance: Bool = false) throws -> TaskStart {
                    try PipelineStore.finishTask(db, lease, state: "dropped")
                    return .dropped(why, advance: advance)
                }
                guard state.runState == "running" else { return try drop("its job is \(state.runState)") }
                guard let step = state.template.step(task.step), let agent = step.agent else { return try drop("no agent step \(task.step) in the job's workflow") }
                if state.isDone(step.id) { return try drop("\(step.id) is done already", advance: true) }
                guard step.after.allSatisfy({ state.isDone($0) }) else { return try drop("what \(step.id) runs after is not done (the job was sent back)") }
                guard agents[agent] != nil else { return .unknownAgent(step: step.id, why: "unknown agent \(agent)") }
                let prepared = try prepare(step, job: task.job, state: state, progress: progress, lease: lease)
                // The job's row written, not only locked: a decision or a failure that read the job
                // before this commits then fails its serialisable commit and runs again, seeing this run.
                try db.execute("UPDATE production_jobs SET updated_at = ? WHERE id = ?", [PipelineStore.now(), task.job])
                try PipelineStore.writeIntent(db, prepared.intent)
                return .begun(step, state, prepared)
            }
            let (step, state, prepared): (WorkflowTemplate.Step, JobState, PreparedStep)
            switch start {
            case .begun(let s, let j, let p): (step, state, prepared) = (s, j, p)
            case .dropped(let why, let advanceAfter):
                if advanceAfter { _ = try advance(job: task.job) }
                return .dropped(why)
            case .unknownAgent(let id, let why):
                // A step that cannot even start here fails its job under the lease.
                try? store.failTask(lease, job: task.job, step: id, why: why)
                try? store.finishRun(task.job, .ended("\(id): \(why)"))
                return .failed("\(id): \(why)")
            }
            templates[task.job] = state.template
            let result: StepRun
            do {
                result = try execute(step, job: task.job, state: state, progress: progress, deferResult: true, lease: lease, begun: prepared)
            } catch let error as LeaseLost {
                throw error
            } catch {
                // The failure is recorded under the lease already (the job failed with it). A store
                // that could not be reached leaves the task leased: it is taken up again when the lease ends.
                let why = "\(step.id): \(error)"
                try? store.finishRun(task.job, .ended(why))
                return .failed(why)
            }
            timing.agent = result.agentSeconds
            let finishing = Date()
            switch try quickFinish(result, step: step, state: state, lease: lease, queueing: claimed?.state?.version != nil, handing: handing) {
            case .committed(let next): handed = next
            case .notTaken:
                if let write = result.write { try commitResult(write, step: step, output: result.output, value: result.value, state: state) }
            }
            timing.advance = Date().timeIntervalSince(finishing)
            return .completed
        } catch is LeaseLost {
            return .lost
        }
    }

    /// Commits a step's result, and in the same transaction queues the steps it lets run when
    /// queueing them is all the job needs (``plainSuccessors(_:)``); otherwise the full ``advance``
    /// follows the commit. The job's state is read again inside the transaction, its row locked
    /// (sent with the result, one round trip), so a sibling branch that finished meanwhile is seen.
    func commitResult(_ write: PipelineStore.HeldWrite, step: WorkflowTemplate.Step, output: String, value: JSONValue, state before: JobState) throws {
        let job = before.id
        let queued = try store.lockingWrite { db -> Bool in
            // (A sibling branch's result waits for this one's lock, then reads this commit.)
            try PipelineStore.lockJob(db, job)
            let read = try PipelineStore.jobState(db, job: job, template: before.template)
            try write.apply(db)   // (its lease check waits for the state's rows too)
            var state = try read()
            // (Read before this transaction's own update. A run no longer current — the job was
            // sent back while it ran — leaves the deciding to `advance`.)
            guard state.current[step.id]?.status == "running" else { return false }
            state.current[step.id] = ("completed", output)
            state.produced[step.id] = value
            guard let next = plainSuccessors(state) else { return false }
            try PipelineStore.enqueue(db, job: job, steps: next.map { requirement(of: $0, state: state) },
                                      queueDriven: state.settings["driver"] == "queue")
            return true
        }
        if !queued { _ = try advance(job: job) }
    }

    /// The steps a pass over `state` would do nothing but queue: agent steps whose predecessors
    /// are done, none behind a gate or a branch condition, no cost limit to check, the job
    /// running. Nil when the pass has more to decide (``advance`` does it): a gate, a branch,
    /// a budget, the job complete.
    func plainSuccessors(_ state: JobState) -> [WorkflowTemplate.Step]? {
        guard state.runState == "running", state.maxCost == nil else { return nil }
        var ready: [WorkflowTemplate.Step] = []
        for step in state.template.steps where !state.isDone(step.id) && step.after.allSatisfy({ state.isDone($0) }) {
            guard step.gate == nil, step.when == nil, step.agent != nil else { return nil }
            ready.append(step)
        }
        return ready.isEmpty ? nil : ready
    }
}
