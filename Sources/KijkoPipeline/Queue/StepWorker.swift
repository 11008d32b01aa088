import Foundation
public import KijkoCore

/// `kijko worker`: runs steps from a shared PostgreSQL store's queue on this machine on
/// `concurrency` threads, each claiming a step, running it and the steps its result hands on to it,
/// and claiming the next; every lease is renewed by one heartbeat every third of its length. An idle thread sleeps until PostgreSQL
/// notifies the worker of queued work (`LISTEN kijko_steps`); the worker wakes on its own only to
/// say it is alive, to take over steps whose worker's lease expired, and to move on jobs a dead
/// worker left between two steps.
public final class StepWorker: @unchecked Sendable {
    public struct Options: Sendable {
        /// Unique among the store's workers (default `HOST-PID`).
        public var name: String
        /// `media`, `llm`: the steps it takes.
        public var capabilities: [String]
        public var concurrency: Int
        /// Seconds a lease lasts without renewal: how long a dead or paused worker keeps its steps.
        public var lease: Double
        /// Stop once no step is leased anywhere and none it would run is queued (other capabilities,
        /// steps it refused: left for other workers), instead of waiting for more (a batch, a bench).
        public var drain: Bool

        public init(name: String? = nil, capabilities: [String] = ["media", "llm"], concurrency: Int = 1, lease: Double = 30,
                    drain: Bool = false) {
            self.drain = drain
            self.name = name ?? "\(StepWorker.hostName())-\(getpid())"
            self.capabilities = capabilities
            self.concurrency = max(1, concurrency)
            self.lease = max(1, lease)
        }
    }

    /// One line of what the worker did (a step taken, finished, failed, refused, lost).
    public struct Event: Sendable {
        public var task: StepTask?
        public var outcome: String
        public var message: String
    }

    public let runner: PipelineRunner
    public let options: Options
    /// Where its time went, so far.
    public var stats: WorkerStats { wake.lock(); defer { wake.unlock() }; return tally }
    // Guarded by `wake`, which the step threads sleep on:
    private var tally = WorkerStats()
    private let wake = NSCondition()
    /// Bumped by each notification of queued work: a thread that found nothing sleeps until it changes.
    private var announced = 0
    /// Step threads idle (their last claim found nothing), and ended.
    private var idle = 0, ended = 0
    /// The step threads are to end once their step is done.
    private var finishing = false
    /// Tasks this worker refused (it lacks what they need): not claimed again by it.
    private var refused: [String] = []
    /// The leases of the tasks running now (by task id), renewed by one heartbeat thread.
    private var held: [String: TaskLease] = [:]
    /// The main loop sleeps on this: a thread going idle (the drain check) or ending wakes it.
    private let chores = NSCondition()

    public init(runner: PipelineRunner, options: Options) throws {
        _ = try runner.store.postgres
        self.runner = runner
        self.options = options
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Work was queued (a notification): idle threads claim again.
    private func announce() {
        wake.lock()
        announced &+= 1
        wake.broadcast()
        wake.unlock()
    }

    /// How long an idle thread or the main loop sleeps at most.
    private var nap: Double { min(options.lease / 3, 5) }

    /// Works until `stop` is set, then lets the steps it is running finish and says it stopped.
    /// `log` hears each task's end.
    public func run(stop: CancellationFlag, log: @escaping @Sendable (Event) -> Void = { _ in }) throws {
        let store = runner.store
        let postgres = try store.postgres
        try store.registerWorker(name: options.name, host: Self.hostName(), capabilities: options.capabilities, concurrency: options.concurrency)
        var listener = try postgres.listen(PipelineStore.queueChannel) { [weak self] in self?.announce() }
        defer { listener.close() }
        let heartbeat = LeaseHeartbeat(store: store, seconds: options.lease) { [weak self] in self?.leases() ?? [] }
        heartbeat.start()
        defer { heartbeat.stop() }
        for _ in 0..<options.concurrency {
            let thread = Thread { [self] in
                work(log: log)
                chores.lock(); ended += 1; chores.signal(); chores.unlock()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        var lastBeat = Date.distantPast, lastSweep = Date.distantPast
        while !stop.isCancelled {
            if listener.isClosed, let again = try? postgres.listen(PipelineStore.queueChannel, heard: { [weak self] in self?.announce() }) {
                listener = again
                announce()   // (anything queued while it was deaf)
            }
            let now = Date()
            if now.timeIntervalSince(lastBeat) >= options.lease / 3 {
                try? store.workerSeen(options.name)
                lastBeat = now
            }
            // Jobs a worker left between committing a step and queueing the next.
            if now.timeIntervalSince(lastSweep) >= options.lease {
                lastSweep = now
                for job in (try? store.stalledJobs(quiet: options.lease)) ?? [] { _ = try? runner.advance(job: job) }
                // A refusal is retried now and then (a mount may have come back); not when draining,
                // which ends once only what it refused is left.
                if !options.drain { wake.lock(); refused.removeAll(); wake.unlock() }
            }
            var pause = nap
            if options.drain {
                wake.lock(); let allIdle = idle == options.concurrency, given = refused; wake.unlock()
                if allIdle {
                    // (Steps it cannot run — another capability, files it lacks — are left for other workers.)
                    if (try? store.nothingLeftFor(capabilities: options.capabilities, refused: given)) == true { break }
                    // Idle while other workers finish: the last of them queues nothing to wake this one.
                    pause = 0.05
                }
            }
            chores.lock()
            _ = chores.wait(until: Date().addingTimeInterval(pause))
            chores.unlock()
        }
        wake.lock(); finishing = true; wake.broadcast(); wake.unlock()
        chores.lock()
        while ended < options.concurrency { _ = chores.wait(until: Date().addingTimeInterval(1)) }
        chores.unlock()
        try? store.workerStopped(options.name)
    }

    private func leases() -> [TaskLease] {
        wake.lock(); defer { wake.unlock() }
        return Array(held.values)
    }

    /// One step thread: claims a task, runs it, claims the next; sleeps while there is none.
    private func work(log: @escaping @Sendable (Event) -> Void) {
        while true {
            wake.lock()
            if finishing { wake.unlock(); return }
            let skipping = refused, before = announced
            wake.unlock()
            let asked = Date()
            let claimed = claim(skipping: skipping)
            wake.lock()
            tally.claims += 1
            tally.claimSeconds += Date().timeIntervalSince(asked)
            guard let claimed else {
                // Nothing to take: sleep until work is announced (since before the claim), or a while.
                idle += 1
                chores.lock(); chores.signal(); chores.unlock()
                while announced == before && !finishing && wake.wait(until: Date().addingTimeInterval(nap)) {}
                idle -= 1
                wake.unlock()
                continue
            }
            // The step, then each step its result hands on to this worker (none once it is finishing).
            var next: PipelineStore.ClaimedTask? = claimed
            while let current = next {
                let task = current.task
                held[task.id] = TaskLease(task: task.id, fence: task.fence, worker: options.name)
                let handing = finishing ? nil : PipelineRunner.TaskHandoff(capabilities: options.capabilities, lease: options.lease)
                wake.unlock()
                next = perform(current, handing: handing, log: log)
                wake.lock()
                held[task.id] = nil
                if let handed = next, finishing {
                    // Stopping: a step handed on meanwhile goes back to the queue for another worker.
                    wake.unlock()
                    try? runner.store.giveBack(TaskLease(task: handed.task.id, fence: handed.task.fence, worker: options.name))
                    wake.lock()
                    next = nil
                }
                if next != nil { tally.handed += 1 }
            }
            wake.unlock()
        }
    }

    private func claim(skipping: [String]) -> PipelineStore.ClaimedTask? {
        do {
            return try runner.store.claim(worker: options.name, capabilities: options.capabilities, lease: options.lease, skipping: skipping,
                                          template: { [runner] in runner.templates[$0] })
        } catch {
            // The server away for a moment: try again at the next wake.
            return nil
        }
    }

    /// Runs `task` under its lease, and says how it ended; returns the step its result handed to
    /// this worker, if one was.
    private func perform(_ claimed: PipelineStore.ClaimedTask, handing: PipelineRunner.TaskHandoff?,
                         log: @escaping @Sendable (Event) -> Void) -> PipelineStore.ClaimedTask? {
        let task = claimed.task
        let outcome: PipelineRunner.TaskOutcome
        let began = Date()
        var timing = PipelineRunner.TaskTiming()
        var handed: PipelineStore.ClaimedTask?
        do { outcome = try runner.runTask(task, worker: options.name, claimed: claimed, timing: &timing, handing: handing, handed: &handed) }
        catch { outcome = .failed("\(task.step): \(error)") }
        wake.lock()
        tally.steps += 1
        tally.stepSeconds += Date().timeIntervalSince(began) - timing.advance
        tally.agentSeconds += timing.agent
        tally.advanceSeconds += timing.advance
        if case .refused = outcome { refused.append(task.id) }
        wake.unlock()
        switch outcome {
        case .completed: log(Event(task: task, outcome: "completed", message: task.step))
        case .failed(let why): log(Event(task: task, outcome: "failed", message: why))
        case .dropped(let why): log(Event(task: task, outcome: "dropped", message: "\(task.step): \(why)"))
        case .refused(let why): log(Event(task: task, outcome: "refused", message: "\(task.step): \(why)"))
        case .lost: log(Event(task: task, outcome: "lost", message: "\(task.step): its lease was taken over; the result was dropped"))
        }
        return handed
    }
}

/// Where a worker's time went: claiming (the SKIP LOCKED query, found or not), starting and
/// running steps (the intent's transaction, the agent's own work) and finishing them (the result's
/// transaction, with what follows queued and NOTIFY sent, or handed to this worker; a gate or a
/// completed job adds a pass of the runner). Seconds, summed over its threads.
public struct WorkerStats: Codable, Sendable {
    public var claims = 0
    public var claimSeconds = 0.0
    /// Steps a result handed on to this worker (run without a claim).
    public var handed = 0
    public var steps = 0
    public var stepSeconds = 0.0
    public var agentSeconds = 0.0
    public var advanceSeconds = 0.0
}

/// Renews a worker's leases every third of their length, on a thread of its own, until stopped.
/// (A lease found taken over is left: its task's result will not commit.)
final class LeaseHeartbeat: @unchecked Sendable {
    let store: PipelineStore
    let seconds: Double
    let leases: @Sendable () -> [TaskLease]
    private let condition = NSCondition()
    private var stopped = false

    init(store: PipelineStore, seconds: Double, leases: @escaping @Sendable () -> [TaskLease]) {
        self.store = store
        self.seconds = seconds
        self.leases = leases
    }

    func start() {
        Thread { [self] in
            condition.lock()
            while !stopped {
                _ = condition.wait(until: Date().addingTimeInterval(seconds / 3))
                if stopped { break }
                condition.unlock()
                for lease in leases() { _ = try? store.renew(lease, seconds: seconds) }   // (a failed renewal is tried again next time)
                condition.lock()
            }
            condition.unlock()
        }.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
