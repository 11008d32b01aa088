import ArgumentParser
import Foundation
import KijkoAgents
import KijkoCore
import KijkoPipeline

/// Where the job store is, and what every job command shares.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The job database: a SQLite file, or a shared PostgreSQL store postgres://USER@HOST:PORT/DB "
                               + "(default: KIJKO_DB, else ~/.local/share/kijko/kijko.sqlite).", valueName: "PATH|URL"))
    var db: String?
    @Option(help: ArgumentHelp("Where jobs' files go: with a shared store, a folder every worker sees (default: KIJKO_ARTEFACTS, else beside the store).",
                               valueName: "DIR"))
    var artefacts: String?
    @OptionGroup var global: GlobalOptions

    var json: Bool { global.json }

    /// The jobs service on this store, with the production agents. Only `create` (a command that
    /// starts a job) makes a store where there is none.
    func service(create: Bool = false) throws -> JobsService { try JobsService(database: db, artefacts: artefacts, create: create) }
}

/// `--enqueue` needs workers, and workers need a shared store: refused before anything is written.
func requireSharedStore(_ options: StoreOptions) throws {
    let location = options.db ?? PipelineStore.defaultPath()
    guard PipelineStore.isShared(location) else {
        throw ServiceError("--enqueue: \(location) is a SQLite store on this machine; workers share a PostgreSQL store "
                           + "(--db postgres://USER@HOST:PORT/DB, or KIJKO_DB)", usage: true)
    }
}

/// Queues a job's ready steps for workers instead of running them here, and prints where it stands.
func enqueueJob(_ jobs: JobsService, job: String, options: StoreOptions, resume: Bool = false) throws {
    let result = try jobs.enqueue(job: job, resume: resume)
    if options.json { try Output.json(result) } else {
        print("job \(result.job): \(result.outcome)" + (result.message.map { " — \($0)" } ?? ""))
        for request in result.pendingApprovals {
            print("  approval \(request.id.prefix(8)): \(request.role) to approve the \(request.approval) (step \(request.step))"
                  + "  → kijko approve \(request.id.prefix(8)) --enqueue")
        }
    }
    if result.failed { throw ExitCode.failure }
}

/// Runs `job` to where it stops and prints what happened; exit 1 when it failed or stopped.
func runJob(_ jobs: JobsService, job: String, options: StoreOptions, approveAll: Bool = false) async throws {
    let json = options.json
    if Output.stderrIsTerminal && !json && jobs.offline {
        FileHandle.standardError.write(Data("note: no model configured (KIJKO_LLM_BASE_URL): agents draft offline, and say so (\"provenance\": \"offline-draft\")\n".utf8))
    }
    let view = options.global.progress("job")
    let result = try await jobs.run(job: job, approveAll: approveAll) { event in
        switch event.kind {
        case .note, .finished: view.show(event)
        case .started: view.show(ProgressEvent(.started, stage: "running \(event.message ?? event.stage)"))
        case .progress: view.show(ProgressEvent(.progress, stage: event.stage, fraction: event.fraction, frames: event.frames,
                                                message: "\(event.stage): \(event.message ?? "")"))
        }
    }
    view.finish()
    if json { try Output.json(result) } else {
        for line in result.autoApproved { print("AUTO-APPROVED (--approve-all, no person reviewed it): \(line)") }
        print("job \(result.job): \(result.outcome)" + (result.message.map { " — \($0)" } ?? ""))
        if let index = result.index { print("  artefacts: \(index)") }
        for request in result.pendingApprovals {
            print("  approval \(request.id.prefix(8)): \(request.role) to approve the \(request.approval) (step \(request.step))"
                  + "  → kijko approve \(request.id.prefix(8))  |  kijko reject \(request.id.prefix(8)) --feedback …")
            for line in ApprovalsTable.options(request) where !line.isEmpty { print("  " + line) }
        }
    }
    for warning in result.traceWarnings { Output.warn(warning) }
    if result.failed { throw ExitCode.failure }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start a production job and run it until it completes, fails or waits for an approval.",
        discussion: "Workflows: presets/workflows (film, advertising, social) or a YAML file of your own.")

    @Argument(help: "Workflow name or YAML file.") var workflow: String
    @Option(help: "The brief: a file, or the text itself.") var brief: String?
    @Option(help: "Client name.") var client: String?
    @Option(help: "Budget, USD (the budget step chooses the method from it).") var budget: Double?
    @Option(help: "Stop before a step that would take the job's cost over this, USD.") var maxCost: Double?
    @Option(help: "Media folder for the job.") var media: String?
    @Option(help: "A finished master for the job.") var master: String?
    @Flag(help: "Approve every gate automatically (recorded as --approve-all; for demos and dry runs, never a person's approval).")
    var approveAll = false
    @Flag(help: "Queue the job's steps for workers (`kijko worker`, a shared PostgreSQL store) instead of running them here.")
    var enqueue = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if enqueue && approveAll { throw ValidationError("--enqueue and --approve-all: gates wait for people when workers run a job") }
    }

    func run() async throws {
        let request = JobsService.StartRequest(workflow: workflow, brief: brief ?? "", client: client, budget: budget, maxCost: maxCost,
                                               media: media, master: master)
        let store = store, approveAll = approveAll, enqueue = enqueue
        try await interruptible {
            _ = try request.checked()   // a refused brief opens no store
            if enqueue { try requireSharedStore(store) }
            let jobs = try store.service(create: true)
            let job = try jobs.start(request)
            if enqueue { try enqueueJob(jobs, job: job, options: store) } else {
                try await runJob(jobs, job: job, options: store, approveAll: approveAll)
            }
        }
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Go on with a job: interrupted steps run again, completed ones never.")
    @Argument(help: "Job id (or its first characters).") var job: String
    @Option(help: "A media folder for a job started without one.") var media: String?
    @Option(help: "A finished master for a job started without one (a social job's versions).") var master: String?
    @Flag(help: "Queue the job's steps for workers instead of running them here.") var enqueue = false
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let store = store, job = job, media = media, master = master, enqueue = enqueue
        try await interruptible {
            if enqueue { try requireSharedStore(store) }
            let service = try store.service()
            try service.supply(job: job, media: media, master: master)
            if enqueue { try enqueueJob(service, job: job, options: store, resume: true) } else {
                try await runJob(service, job: job, options: store)
            }
        }
    }
}

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List production jobs.")
    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let jobs = try store.service().jobs()
            if store.json { try Output.json(jobs); return }
            if jobs.isEmpty { print("no jobs") }
            for job in jobs {
                print("\(job.id.prefix(8))  \(job.workflow.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                      + "\(job.runState.padding(toLength: 9, withPad: " ", startingAt: 0)) \(job.status.padding(toLength: 15, withPad: " ", startingAt: 0)) "
                      + String(format: "$%.4f  ", job.totalCost) + (job.client ?? "") + (job.error.map { "  (\($0))" } ?? ""))
            }
        }
    }
}

struct CheckStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-store",
        abstract: "Check the whole job database for damage (SQLite's integrity check; reads every page).")
    @OptionGroup var store: StoreOptions

    struct Report: Encodable {
        var database: String
        var ok: Bool
        var problems: [String]
    }

    func run() throws {
        try reportingErrors {
            let (path, problems) = try JobsService.checkStore(database: store.db)
            let report = Report(database: path, ok: problems.isEmpty, problems: problems)
            if store.json { try Output.json(report) } else {
                print(problems.isEmpty ? "\(path): ok" : "\(path): damaged")
                for problem in problems { print("  \(problem)") }
            }
            if !problems.isEmpty { throw ExitCode.failure }
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "A job's steps: status, duration, cost.")
    @Argument(help: "Job id (or its first characters).") var job: String
    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let detail = try store.service().detail(job: job)
            if store.json { try Output.json(detail); return }
            print("job \(detail.job.id)  \(detail.job.workflow)  \(detail.job.runState) (\(detail.job.status))"
                  + String(format: "  $%.4f", detail.job.totalCost) + (detail.job.error.map { "\n  \($0)" } ?? ""))
            for (i, step) in detail.steps.enumerated() {
                let branch = i == detail.steps.count - 1 ? "└─" : "├─"
                let time = step.durationSeconds.map { String(format: "%.2f s", $0) } ?? ""
                print("\(branch) \(step.step.padding(toLength: 24, withPad: " ", startingAt: 0)) \(step.status.padding(toLength: 18, withPad: " ", startingAt: 0)) "
                      + "\(time.padding(toLength: 9, withPad: " ", startingAt: 0)) " + String(format: "$%.4f", step.cost)
                      + (step.earlier > 0 ? "  (\(step.earlier) earlier run\(step.earlier == 1 ? "" : "s"))" : "")
                      + "  \(step.agent)" + (step.provenance.map { " [\($0)]" } ?? "") + (step.worker.map { " on \($0)" } ?? "")
                      + (step.error.map { "  — \($0)" } ?? ""))
                let rail = i == detail.steps.count - 1 ? "   " : "│  "
                if let summary = step.summary { print("\(rail)   \(summary)") }
                for note in step.notes { print("\(rail)   note: \(note)") }
                for artefact in step.artefacts { print("\(rail)   \(artefact.name): \(artefact.path)") }
            }
        }
    }
}

struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "Approval requests waiting for a decision: job, gate, who approves, what, since when.",
        discussion: "`kijko status JOB` shows what each step made; `--json` gives each request with the content to review.")
    @Option(help: "Only this job's.") var job: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let pending = try store.service().pendingApprovals(job: job)
            if store.json { try Output.json(pending); return }
            if pending.isEmpty { print("no approvals waiting"); return }
            print(ApprovalsTable.render(pending))
        }
    }
}

/// What approving and rejecting share: who decides, whether the job goes on, the store.
struct DecisionOptions: ParsableArguments {
    @Option(help: "Who decides (default: $USER).") var by: String?
    @Flag(help: "Record the decision only; the job waits for `kijko resume`.") var noContinue = false
    @Flag(help: "Go on by queueing the job's next steps for workers instead of running them here.") var enqueue = false
    @OptionGroup var store: StoreOptions

    var decider: String? { by ?? ProcessInfo.processInfo.environment["USER"] }

    /// Records the decision `decide` makes, then runs the job on unless told not to.
    func record(_ verb: String, _ decide: @escaping @Sendable (JobsService) throws -> String) async throws {
        let options = self
        try await interruptible {
            if options.enqueue { try requireSharedStore(options.store) }
            let jobs = try options.store.service()
            let job = try decide(jobs)
            if options.noContinue {
                if !options.store.json { print("\(verb); job \(job.prefix(8)) waits for `kijko resume`") }
                return
            }
            if options.enqueue { try enqueueJob(jobs, job: job, options: options.store); return }
            try await runJob(jobs, job: job, options: options.store)
        }
    }
}

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a request; the job goes on unless --no-continue.")
    @Argument(help: "Approval request id (or its first characters).") var request: String
    @Option(help: "Notes.") var feedback: String?
    @Option(help: ArgumentHelp("The option chosen, by its rank (1 = first), when the review ranks some (concepts).", valueName: "N"))
    var choose: Int?
    @Option(help: ArgumentHelp("Approve past a failing QC, and why: recorded with who gave it; traffic and distribution then deliver what failed.",
                               valueName: "REASON"))
    var override: String?
    @OptionGroup var decision: DecisionOptions

    func validate() throws {
        if let choose, choose < 1 { throw ValidationError("--choose: a rank, from 1") }
    }

    func run() async throws {
        let request = request, feedback = feedback, by = decision.decider
        let choice: JSONValue? = choose.map { .number(Double($0 - 1)) }, override = override
        try await decision.record("approved") { try $0.approve(request, by: by, feedback: feedback, choice: choice, override: override) }
    }
}

struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a request with feedback; the job goes back for a revision unless --no-continue.")
    @Argument(help: "Approval request id (or its first characters).") var request: String
    @Option(help: "What should change (required).") var feedback: String
    @OptionGroup var decision: DecisionOptions

    func run() async throws {
        let request = request, feedback = feedback, by = decision.decider
        try await decision.record("rejected") { try $0.reject(request, by: by, feedback: feedback) }
    }
}

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "A producer's figures: per agent, per workflow (duration, estimated vs actual cost, revisions), per gate (approval cycle and rates), QC's catch rate.")
    @Option(help: "Only this job.") var job: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let metrics = try store.service().metrics(job: job)
            if store.json { try Output.json(metrics); return }
            print(MetricsTable.render(metrics))
        }
    }
}

struct TracesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "traces", abstract: "Trace export.", subcommands: [TracesFlushCommand.self])
}

struct TracesFlushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flush",
        abstract: "Send every recorded span not yet accepted to the OTLP collector and/or Langfuse.",
        discussion: """
            Destinations: OTEL_EXPORTER_OTLP_ENDPOINT (…/v1/traces is added) or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with \
            OTEL_EXPORTER_OTLP_HEADERS; LANGFUSE_HOST with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY.

            Exit 1 when a destination could not take everything (what it did not take stays queued).
            """)
    @OptionGroup var store: StoreOptions

    func run() throws {
        var failed = false
        try reportingErrors {
            let reports = try JobsService.flushTraces(database: store.db)
            if store.json { try Output.json(reports) } else {
                for r in reports {
                    print("\(r.destination): \(r.accepted) accepted, \(r.rejected) rejected, \(r.pending) pending" + (r.error.map { " — \($0)" } ?? ""))
                }
            }
            failed = reports.contains { $0.pending > 0 }
        }
        if failed { throw ExitCode.failure }
    }
}
