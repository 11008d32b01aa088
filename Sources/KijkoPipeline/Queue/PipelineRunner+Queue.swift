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

    /// Seconds of one task spent in its agent, and in advancing its job after.
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

    /// The same, saying in `timing` where its time went.
    public func runTask(_ task: StepTask, worker: String, progress: ProgressHandler? = nil, timing: inout TaskTiming) throws -> TaskOutcome {
        let lease = TaskLease(task: task.id, fence: task.fence, worker: worker)
        do {
            let state = try store.jobState(task.job, template: templates[task.job])
            templates[task.job] = state.template
            func drop(_ why: String) throws -> TaskOutcome {
                try store.dropTask(lease, why: why)
                return .dropped(why)
            }
            guard state.runState == "running" else { return try drop("its job is \(state.runState)") }
            guard let step = state.template.step(task.step), step.agent != nil else { return try drop("no agent step \(task.step) in the job's workflow") }
            if state.isDone(step.id) {
                let outcome = try drop("\(step.id) is done already")
                _ = try advance(job: task.job)
                return outcome
            }
            guard step.after.allSatisfy({ state.isDone($0) }) else { return try drop("what \(step.id) runs after is not done (the job was sent back)") }
            for path in task.needs where !FileManager.default.fileExists(atPath: path) {
                let why = "\(path) is not on this machine (mount the shared storage, or give this worker --capabilities without \(task.capability))"
                try store.refuseTask(lease, why: why)
                return .refused(why)
            }
            do {
                let result = try execute(step, job: task.job, state: state, progress: progress, lease: lease)
                timing.agent = result.agentSeconds
            } catch let error as LeaseLost {
                throw error
            } catch let stale as StaleTask {
                return try drop(stale.why)
            } catch {
                let why = "\(step.id): \(error)"
                // A step that could not even start here (an agent this worker lacks) fails its job
                // under the lease; one whose failure is recorded already has done so. A store that
                // could not be reached leaves the task leased: it is taken up again when the lease ends.
                if agents[step.agent ?? ""] == nil { try? store.failTask(lease, job: task.job, step: step.id, why: "\(error)") }
                try? store.finishRun(task.job, .ended(why))
                return .failed(why)
            }
            let advancing = Date()
            _ = try advance(job: task.job)
            timing.advance = Date().timeIntervalSince(advancing)
            return .completed
        } catch is LeaseLost {
            return .lost
        }
    }
}
