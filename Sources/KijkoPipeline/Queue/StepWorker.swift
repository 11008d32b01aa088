import Foundation
public import KijkoCore

/// `kijko worker`: runs steps from a shared PostgreSQL store's queue on this machine, up to
/// `concurrency` at once, each under a lease renewed every third of its length. It sleeps until
/// PostgreSQL notifies it of queued work (`LISTEN kijko_steps`), waking on its own only to renew,
/// to take over steps whose worker's lease expired, and to move on jobs a dead worker left
/// between two steps.
public final class StepWorker: @unchecked Sendable {
    public struct Options: Sendable {
        /// Unique among the store's workers (default `HOST-PID`).
        public var name: String
        /// `media`, `llm`: the steps it takes.
        public var capabilities: [String]
        public var concurrency: Int
        /// Seconds a lease lasts without renewal: how long a dead or paused worker keeps its steps.
        public var lease: Double
        /// Stop once nothing is queued or leased anywhere (a batch, a bench), instead of waiting for more.
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
    private var tally = WorkerStats()
    private let wake = NSCondition()
    private var signalled = false
    private var running = 0
    /// Tasks this worker refused (it lacks what they need): not claimed again by it.
    private var refused: [String] = []

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

    private func signal() {
        wake.lock()
        signalled = true
        wake.signal()
        wake.unlock()
    }

    /// Works until `stop` is set, then lets the steps it is running finish and says it stopped.
    /// `log` hears each task's end.
    public func run(stop: CancellationFlag, log: @escaping @Sendable (Event) -> Void = { _ in }) throws {
        let store = runner.store
        let postgres = try store.postgres
        try store.registerWorker(name: options.name, host: Self.hostName(), capabilities: options.capabilities, concurrency: options.concurrency)
        var listener = try postgres.listen(PipelineStore.queueChannel) { [weak self] in self?.signal() }
        defer { listener.close() }
        var lastBeat = Date.distantPast, lastSweep = Date.distantPast
        while !stop.isCancelled {
            if listener.isClosed, let again = try? postgres.listen(PipelineStore.queueChannel, heard: { [weak self] in self?.signal() }) {
                listener = again
            }
            // Take what there is, up to the concurrency.
            var claimed = 0
            while !stop.isCancelled, slots() > 0 {
                wake.lock(); let skipping = refused; wake.unlock()
                let asked = Date()
                let task = try claim(skipping: skipping)
                wake.lock(); tally.claims += 1; tally.claimSeconds += Date().timeIntervalSince(asked); wake.unlock()
                guard let task else { break }
                claimed += 1
                start(task, log: log)
            }
            if options.drain, claimed == 0, slots() == options.concurrency, (try? store.queueIsEmpty()) == true { break }
            let now = Date()
            if now.timeIntervalSince(lastBeat) >= options.lease / 3 {
                try? store.workerSeen(options.name)
                lastBeat = now
            }
            // Jobs a worker left between committing a step and queueing the next.
            if now.timeIntervalSince(lastSweep) >= options.lease {
                lastSweep = now
                for job in (try? store.stalledJobs(quiet: options.lease)) ?? [] { _ = try? runner.advance(job: job) }
                wake.lock(); refused.removeAll(); wake.unlock()   // a refusal is retried now and then (a mount may have come back)
            }
            wake.lock()
            if !signalled { _ = wake.wait(until: Date().addingTimeInterval(min(options.lease / 3, 5))) }
            signalled = false
            wake.unlock()
        }
        wake.lock()
        while running > 0 { _ = wake.wait(until: Date().addingTimeInterval(1)) }
        wake.unlock()
        try? store.workerStopped(options.name)
    }

    private func slots() -> Int {
        wake.lock(); defer { wake.unlock() }
        return options.concurrency - running
    }

    private func claim(skipping: [String]) throws -> StepTask? {
        do {
            return try runner.store.claimTask(worker: options.name, capabilities: options.capabilities, lease: options.lease, skipping: skipping)
        } catch {
            // The server away for a moment: try again at the next wake.
            return nil
        }
    }

    /// Runs `task` on a thread of its own, renewing its lease until it ends.
    private func start(_ task: StepTask, log: @escaping @Sendable (Event) -> Void) {
        wake.lock(); running += 1; wake.unlock()
        let lease = TaskLease(task: task.id, fence: task.fence, worker: options.name)
        let thread = Thread { [self] in
            let heartbeat = LeaseHeartbeat(store: runner.store, lease: lease, seconds: options.lease)
            heartbeat.start()
            let outcome: PipelineRunner.TaskOutcome
            let began = Date()
            var timing = PipelineRunner.TaskTiming()
            do { outcome = try runner.runTask(task, worker: options.name, timing: &timing) }
            catch { outcome = .failed("\(task.step): \(error)") }
            heartbeat.stop()
            wake.lock()
            tally.steps += 1
            tally.stepSeconds += Date().timeIntervalSince(began) - timing.advance
            tally.agentSeconds += timing.agent
            tally.advanceSeconds += timing.advance
            wake.unlock()
            switch outcome {
            case .completed: log(Event(task: task, outcome: "completed", message: task.step))
            case .failed(let why): log(Event(task: task, outcome: "failed", message: why))
            case .dropped(let why): log(Event(task: task, outcome: "dropped", message: "\(task.step): \(why)"))
            case .refused(let why):
                wake.lock(); refused.append(task.id); wake.unlock()
                log(Event(task: task, outcome: "refused", message: "\(task.step): \(why)"))
            case .lost: log(Event(task: task, outcome: "lost", message: "\(task.step): its lease was taken over; the result was dropped"))
            }
            wake.lock(); running -= 1; signalled = true; wake.signal(); wake.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Where a worker's time went: claiming (the SKIP LOCKED query, found or not), running steps
/// (reading the job, the intent and result commits, the agent's own work) and advancing jobs
/// (gates, queueing what follows, NOTIFY). Seconds, summed over its threads.
public struct WorkerStats: Codable, Sendable {
    public var claims = 0
    public var claimSeconds = 0.0
    public var steps = 0
    public var stepSeconds = 0.0
    public var agentSeconds = 0.0
    public var advanceSeconds = 0.0
}

/// Renews a task's lease every third of its length on a thread of its own, until stopped or the
/// lease is found taken over.
final class LeaseHeartbeat: @unchecked Sendable {
    let store: PipelineStore
    let lease: TaskLease
    let seconds: Double
    private let condition = NSCondition()
    private var stopped = false

    init(store: PipelineStore, lease: TaskLease, seconds: Double) {
        self.store = store
        self.lease = lease
        self.seconds = seconds
    }

    func start() {
        Thread { [self] in
            condition.lock()
            while !stopped {
                _ = condition.wait(until: Date().addingTimeInterval(seconds / 3))
                if stopped { break }
                condition.unlock()
                let held = (try? store.renew(lease, seconds: seconds)) ?? true   // a failed renewal is tried again
                condition.lock()
                if !held { break }
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
