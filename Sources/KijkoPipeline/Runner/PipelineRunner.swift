import Foundation
import KijkoLLM
public import KijkoCore

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
    /// Jobs' workflow snapshots, which never change once a job is made: read once per job.
    let templates = TemplateCache()

    public init(store: PipelineStore, agents: AgentRegistry, concurrency: Int = 4) {
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
        /// People (ids) added to the job when it is made: who started it.
        public var members: [String]

        public init(client: String? = nil, budget: Double? = nil, maxCost: Double? = nil, media: String? = nil,
                    master: String? = nil, attachments: [String] = [], members: [String] = []) {
            self.members = members
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
        case busy(RunHolder)
        /// Steps handed to workers (their ids): the job goes on on the machines that take them.
        case queued([String])
    }

    /// Why a run stopped when its hold on the job (a shared store's session) went.
    public static let lostHold = "lost its hold on the job (its database session ended); the job goes on wherever it is run again"

    /// Why a cancelled run stopped.
    public static let cancelled = "cancelled before the next step; the job goes on when it is run again"

    // MARK: - Jobs

    /// Records a new job for `template` and returns its id (nothing runs yet).
    public func start(_ template: WorkflowTemplate, brief: String, options: JobOptions = JobOptions()) throws -> String {
        guard !brief.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw PipelineError("the brief is empty") }
        let snapshot = try PipelineStore.sortedJSON(template)
        let sequence = try PipelineStore.sortedJSON(template.steps.filter { $0.agent != nil }.map { ["step": $0.id, "agent": $0.agent!] })
        let gates = try PipelineStore.sortedJSON(template.steps.compactMap { step in step.gate.map { ["step": step.id, "role": $0.role, "approval": $0.approval] } })
        // Absolute, so the job resumes from any folder.
        func absolute(_ path: String?) -> String? { path.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
        let job = PipelineStore.newID()
        var given = ["media": absolute(options.media), "master": absolute(options.master)]
        // A shared store's job keeps where its files go, so every worker writes them there.
        if store.isShared {
            // (Made here, on the machine that starts the job: a worker that does not see it lacks the shared storage.)
            try FileError.makeFolder(store.artefactRoot, what: "--artefacts")
            given["artefacts"] = store.artefactFolder(job: job)
        }
        let settings = try PipelineStore.sortedJSON(given)
        let attachments = try PipelineStore.sortedJSON(options.attachments)
        try store.createJob(.init(id: job, template: template, snapshot: snapshot, sequence: sequence, gates: gates, settings: settings,
                                  attachments: attachments, brief: brief, options: options))
        return job
    }

    /// Runs `job` until it completes, fails, stops or waits at a gate. Safe to call again at any
    /// time (`kijko resume`): completed steps are kept, interrupted ones run again. Once `cancel`
    /// is set no further step starts (steps running finish), and the run ends `.stopped`; the job
    /// goes on with the next run. `progress` hears of each step as it starts (`started`, stage the
    /// step's id, message `step (agent)`) and, from agents that measure it (renders, versions, QC),
    /// how far it is (`progress`, stage the step's id, message the agent's own stage).
    public func run(job given: String, cancel: CancellationFlag? = nil, progress: ProgressHandler? = nil) throws -> Outcome {
        let job = try resolve(given)
        // A job whose steps were queued is the workers': it is not run here as well.
        let queued = try store.queuedSteps(job)
        if queued.queueDriven { return .queued(queued.open) }
        let lock: PostgresStoreDatabase.SessionLock?
        switch try claim(job) {
        case .held(let holder): return .busy(holder)
        case .mine(let taken): lock = taken
        }
        defer {
            try? release(job)
            lock?.release()
        }
        try store.reopenFailedSteps(job)
        let outcome = try drive(job, cancel: cancel, progress: progress, hold: lock)
        // Another machine may run the job now: this run writes nothing more to it.
        if outcome == .stopped(Self.lostHold) { return outcome }
        let end: PipelineStore.RunEnd
        switch outcome {
        case .complete: end = .complete
        case .stopped(let why) where why == Self.cancelled: end = .going   // not an end: the job goes on
        case .failed(let why), .stopped(let why): end = .ended(why)
        case .waiting, .busy, .queued: end = .going
        }
        try store.finishRun(job, end)
        return outcome
    }

    /// The passes of one run, until the job stops. With `enqueue`, ready steps are queued for
    /// workers (and the run ends `.queued`) instead of run here.
    /// With `hold` (a shared store's lock on the job), each batch of steps starts only while the
    /// lock is still this process's; when its session is gone the run stops at once, the step
    /// result it carries uncommitted (another machine may have taken the job over and runs it).
    func drive(_ job: String, cancel: CancellationFlag? = nil, progress: ProgressHandler?, enqueue: Bool = false,
               hold: PostgresStoreDatabase.SessionLock? = nil) throws -> Outcome {
        // The job's state is read once and then kept up to date with this runner's own writes;
        // it is read again after anything a gate changed (a decision made in another process).
        var state = try store.jobState(job, template: templates[job])
        templates[job] = state.template
        let steps = state.template.steps
        let position = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($1.id, $0) })
        let needs = steps.map { $0.after.compactMap { position[$0] } }
        var done = steps.map { state.isDone($0.id) }
        var fresh = true
        var pending: PipelineStore.HeldWrite?
        func commitHeld() throws {
            if let held = pending { try store.commit(held) }
            pending = nil
        }
        while true {
            if !fresh {
                try commitHeld()  // a held-back result goes in before the store is read again
                state = try store.jobState(job, template: state.template)
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
                if let hold, !hold.stillHeld() { return .stopped(Self.lostHold) }
                if cancel?.isCancelled == true {
                    try commitHeld()
                    return .stopped(Self.cancelled)
                }
                if let stop = try budgetGuard(ready, state: state, job: job, carrying: pending, progress: progress) { return .stopped(stop) }
                if enqueue {
                    try store.enqueue(job: job, steps: ready.map { requirement(of: $0, state: state) })
                    return .queued(ready.map(\.id))
                }
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
                        ParallelLoop.forEach(batch.count, limit: concurrency) { [self] i in
                            do {
                                let result = try execute(batch[i], job: job, state: before, progress: progress)
                                finished.append((batch[i].id, result.output, result.value, result.cost))
                            }
                            catch { failures.append("\(batch[i].id): \(error)") }
                        }
                    }
                }
                if let failure = failures.all.first {
                    try store.markJob(job, runState: "failed", error: failure)
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
                try store.markWaiting(job)
                return .waiting(waiting)
            }
            if done.allSatisfy({ $0 }) {
                try store.markComplete(job)
                return .complete
            }
            let stuck = "no step can run and none waits for approval"
            try store.markJob(job, runState: "failed", error: stuck)
            return .failed(stuck)
        }
    }

    // MARK: - Steps

    /// What running a step gave: its output as stored (JSON text) and as a value, its cost, its
    /// result's write when held back (`deferResult`) and the result itself, and seconds in its agent.
    struct StepRun {
        var output: String
        var value: JSONValue
        var cost: Double
        var write: PipelineStore.HeldWrite?
        var record: PipelineStore.StepResult
        var agentSeconds: Double
    }

    /// A step made ready to run from its job's state: its agent, its input, and the intent to record.
    struct PreparedStep {
        var agent: any PipelineAgent
        var input: AgentInput
        var intent: PipelineStore.StepIntent
        var revision: Int
    }

    /// The step's agent, input and intent as `state` gives them (nothing is written).
    func prepare(_ step: WorkflowTemplate.Step, job: String, state: JobState, progress: ProgressHandler?, lease: TaskLease? = nil) throws -> PreparedStep {
        guard let name = step.agent, let agent = agents[name] else { throw PipelineError("unknown agent \(step.agent ?? "?")") }
        let feedback = state.feedback(for: step.id)
        // A step taken over from another worker works in a folder of its own: the first may still be writing.
        let take = lease.map { $0.fence > 1 ? "-take\($0.fence)" : "" } ?? ""
        let folder = ((state.settings["artefacts"] ?? store.artefactFolder(job: job)) as NSString).appendingPathComponent("\(step.id)-\(feedback.count)\(take)")
        var input = AgentInput(brief: state.brief, client: state.client, budget: state.budget,
                               inputs: Dictionary(uniqueKeysWithValues: step.after.compactMap { id in state.output(of: id).map { (id, $0) } }),
                               feedback: feedback, revision: feedback.count, media: state.settings["media"], master: state.settings["master"],
                               workFolder: folder, executions: state.current)
        if let progress {
            let id = step.id
            input.progress = { event in
                guard event.kind == .progress || event.kind == .note else { return }
                progress(ProgressEvent(event.kind, stage: id, fraction: event.fraction, frames: event.frames, message: event.message ?? event.stage))
            }
        }
        let intent = PipelineStore.StepIntent(job: job, execution: PipelineStore.newID(), step: step.id, agent: name, type: agent.type,
                                              input: input.json.compactText, phase: step.phase, supersedes: state.current[step.id] != nil,
                                              movesJob: state.currentAgent != name || state.phase != step.phase, lease: lease)
        return PreparedStep(agent: agent, input: input, intent: intent, revision: feedback.count)
    }

    /// Runs one agent step: intent, work, result — each write its own transaction. A step whose
    /// intent its caller committed already (`begun`, a worker's) goes straight to its work.
    /// Returns the step's output as stored (JSON text) and as a value, and its cost.
    @discardableResult
    func execute(_ step: WorkflowTemplate.Step, job: String, state: JobState, progress: ProgressHandler?,
                 carrying earlier: PipelineStore.HeldWrite? = nil, deferResult: Bool = false, lease: TaskLease? = nil,
                 begun: PreparedStep? = nil) throws
        -> StepRun {
        let prepared = try begun ?? prepare(step, job: job, state: state, progress: progress, lease: lease)
        if begun == nil { try store.beginStep(prepared.intent, carrying: earlier) }
        let (agent, input, name, execution) = (prepared.agent, prepared.input, prepared.intent.agent, prepared.intent.execution)
        progress?(ProgressEvent(.started, stage: step.id, message: "\(step.id) (\(name))"))
        FaultInjection.inStep(step.id)
        let started = Date()
        do {
            let result = try agent.run(input)
            let agentSeconds = Date().timeIntervalSince(started)
            let output = result.output.compactText
            let record = PipelineStore.StepResult(job: job, execution: execution, step: step.id, agent: name, type: agent.type,
                                                  revision: prepared.revision, started: started, output: output, usage: result.usage,
                                                  calls: result.calls, lease: lease)
            let write = store.stepCompleted(record)
            let cost = result.usage.cost ?? 0
            if deferResult { return StepRun(output: output, value: result.output, cost: cost, write: write, record: record, agentSeconds: agentSeconds) }
            try store.commit(write)
            return StepRun(output: output, value: result.output, cost: cost, write: nil, record: record, agentSeconds: agentSeconds)
        } catch {
            let why = (error as? PipelineError)?.message ?? "\(error)"
            if error is LeaseLost { throw error }
            try store.stepFailed(job: job, execution: execution, step: step.id, agent: name, type: agent.type, revision: prepared.revision,
                                 started: started, why: why, lease: lease)
            throw PipelineError(why)
        }
    }

    /// Records a branch not taken.
    func skip(_ step: WorkflowTemplate.Step, job: String, because reason: String) throws {
        try store.skipStep(job: job, step: step.id, agent: step.agent ?? "gate", phase: step.phase, because: reason)
    }
}

/// Workflow snapshots by job id, the most recent 256.
final class TemplateCache: @unchecked Sendable {
    private var templates: [String: WorkflowTemplate] = [:]
    private var order: [String] = []
    private let lock = NSLock()

    subscript(job: String) -> WorkflowTemplate? {
        get { lock.lock(); defer { lock.unlock() }; return templates[job] }
        set {
            lock.lock(); defer { lock.unlock() }
            guard let newValue else { return }
            if templates.updateValue(newValue, forKey: job) == nil { order.append(job) }
            if order.count > 256 { templates[order.removeFirst()] = nil }
        }
    }
}
