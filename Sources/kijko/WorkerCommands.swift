import ArgumentParser
import Foundation
import KijkoAgents
import KijkoCore
import KijkoPipeline

/// `kijko worker`: runs queued steps of a shared PostgreSQL store on this machine.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run queued steps from a shared PostgreSQL store on this machine, until stopped (Ctrl-C, SIGTERM).",
        discussion: """
            Jobs are queued with `kijko run --enqueue` (or `approve`/`reject`/`resume --enqueue`, or `kijko serve --enqueue`). \
            Each step is held under a lease the worker renews; a worker killed or paused past its lease loses the step to another. \
            Prints a line per step (--json: one JSON object per line).
            """)

    @Option(help: "Steps run side by side at most.") var concurrency = 1
    @Option(help: ArgumentHelp("What this machine runs: media (renders, versions, QC), llm (drafts), or both.", valueName: "LIST"))
    var capabilities = "media,llm"
    @Option(help: "This worker's name among the store's workers (default: HOST-PID).") var name: String?
    @Option(help: "Seconds a step's lease lasts without renewal: how long a dead worker keeps its steps.") var lease = 30.0
    @Flag(help: "Stop once no step is leased anywhere and none it would run is queued (a batch), instead of waiting for more.") var drain = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency: 1 to 64") }
        guard lease >= 1 && lease <= 3600 else { throw ValidationError("--lease: 1 to 3600 seconds") }
        let known: Set = ["media", "llm"]
        let given = capabilities.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !given.isEmpty, given.allSatisfy(known.contains) else { throw ValidationError("--capabilities: media, llm or media,llm") }
        if let name, name.isEmpty || name.count > 100 || name.contains(where: \.isNewline) { throw ValidationError("--name: one line of 1 to 100 characters") }
    }

    struct Line: Encodable {
        var at: String
        var worker: String
        var outcome: String
        var job: String?
        var step: String?
        var message: String
        /// At the end: where the worker's time went.
        var stats: WorkerStats? = nil
    }

    func run() async throws {
        let store = store
        let options = StepWorker.Options(name: name, capabilities: capabilities.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                                         concurrency: concurrency, lease: lease, drain: drain)
        try await interruptibleWork { stop in
            let service = try store.service()
            let worker = try service.worker(options)
            let json = store.json
            let started = "worker \(options.name) on \(service.store.path): \(options.capabilities.joined(separator: ",")), up to \(options.concurrency) at once"
            if json { try Output.jsonLine(Line(at: Self.now(), worker: options.name, outcome: "started", message: started)) } else { print(started) }
            try worker.run(stop: stop) { event in
                let line = Line(at: Self.now(), worker: options.name, outcome: event.outcome, job: event.task?.job, step: event.task?.step,
                                message: event.message)
                if json { try? Output.jsonLine(line) } else {
                    print("\(line.at)  \(event.outcome.padding(toLength: 9, withPad: " ", startingAt: 0)) \(event.task.map { "\($0.job.prefix(8)) " } ?? "")\(event.message)")
                }
            }
            let stats = worker.stats
            let summary = String(format: "worker %@ stopped: %d steps; per step %.2f ms starting and running (%.2f ms of it in agents), %.2f ms committing and queueing what follows; "
                                 + "%d claims at %.2f ms each; %d steps handed on by the result before them (no claim)", options.name, stats.steps,
                                 Self.per(stats.stepSeconds, stats.steps), Self.per(stats.agentSeconds, stats.steps),
                                 Self.per(stats.advanceSeconds, stats.steps), stats.claims, Self.per(stats.claimSeconds, stats.claims), stats.handed)
            if json { try Output.jsonLine(Line(at: Self.now(), worker: options.name, outcome: "stopped", message: summary, stats: stats)) } else { print(summary) }
        }
    }

    static func now() -> String { PipelineStore.timestamp() }

    /// Milliseconds per item.
    static func per(_ seconds: Double, _ count: Int) -> Double { count == 0 ? 0 : seconds * 1000 / Double(count) }
}

/// `kijko workers`: the store's workers, their leases and what they run.
struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workers", abstract: "List a shared store's workers: alive or not, their leases, what they run.")
    @Option(help: "A worker whose heartbeat is older than this many seconds is shown as gone.") var lease = 30.0
    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let workers = try store.service().workers(lease: lease)
            if store.json { try Output.json(workers); return }
            if workers.isEmpty { print("no workers have joined this store (start one: kijko worker --db …)"); return }
            for worker in workers {
                let state = worker.stoppedAt != nil ? "stopped" : worker.alive ? "alive" : "gone"
                print("\(worker.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(state.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                      + "\(worker.capabilities.joined(separator: ",").padding(toLength: 10, withPad: " ", startingAt: 0)) ×\(worker.concurrency)  "
                      + "\(worker.host) pid \(worker.pid)  seen \(worker.seenAt)")
                for lease in worker.leases {
                    print("    \(lease.job.prefix(8)) \(lease.step)  lease until \(lease.expires) (fence \(lease.fence))")
                }
            }
        }
    }
}
