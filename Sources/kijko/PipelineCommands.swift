import ArgumentParser
import Foundation
import KijkoAgents
import KijkoLLM
import KijkoPipeline

/// Where the job store is: `--db`, else `KIJKO_DB`, else the per-user default.
struct StoreOptions: ParsableArguments {
    @Option(help: "The job database (default: KIJKO_DB, else ~/.local/share/kijko/kijko.sqlite).") var db: String?

    func open() throws -> PipelineStore { try PipelineStore(path: db ?? PipelineStore.defaultPath()) }

    /// A runner with the production agents: a model's when `KIJKO_LLM_BASE_URL` is set, offline drafts otherwise.
    func runner() throws -> PipelineRunner {
        PipelineRunner(store: try open(), agents: ProductionAgents.registry(try AgentContext.fromEnvironment()))
    }
}

/// What a run ended with, for people and programs.
struct RunReport: Encodable {
    var job: String
    var outcome: String
    var message: String?
    var pendingApprovals: [PipelineStore.ApprovalRecord]
    /// The job's page linking every artefact.
    var index: String?
    /// Gates passed by `--approve-all`, as `step: role approved the approval`.
    var autoApproved: [String] = []

    static func make(_ runner: PipelineRunner, job: String, _ outcome: PipelineRunner.Outcome) throws -> RunReport {
        let pending = try runner.store.pendingApprovals(job: job)
        switch outcome {
        case .complete: return RunReport(job: job, outcome: "complete", message: nil, pendingApprovals: [])
        case .waiting: return RunReport(job: job, outcome: "waiting", message: "waiting for approval", pendingApprovals: pending)
        case .failed(let why): return RunReport(job: job, outcome: "failed", message: why + " (fix it, then `kijko resume \(job.prefix(8))`)", pendingApprovals: pending)
        case .stopped(let why): return RunReport(job: job, outcome: "stopped", message: why, pendingApprovals: pending)
        case .busy(let pid): return RunReport(job: job, outcome: "running", message: "running in process \(pid); it will go on", pendingApprovals: pending)
        }
    }

    func print(json: Bool) throws {
        if json { try Output.json(self); return }
        for line in autoApproved { Swift.print("AUTO-APPROVED (--approve-all, no person reviewed it): \(line)") }
        Swift.print("job \(job): \(outcome)" + (message.map { " — \($0)" } ?? ""))
        if let index { Swift.print("  artefacts: \(index)") }
        for request in pendingApprovals {
            Swift.print("  approval \(request.id.prefix(8)): \(request.role) to approve the \(request.approval) (step \(request.step))"
                        + "  → kijko approve \(request.id.prefix(8))  |  kijko reject \(request.id.prefix(8)) --feedback …")
        }
    }

    /// Exit status: 0 complete or waiting, 1 failed or stopped.
    var failed: Bool { outcome == "failed" || outcome == "stopped" }
}

/// Runs `job` to where it stops, with progress on a terminal, and prints what happened. With
/// `approveAll`, every gate is approved as it is reached (recorded as `--approve-all`, and said so).
func runJob(_ runner: PipelineRunner, job: String, json: Bool, approveAll: Bool = false) throws {
    let terminal = Output.stderrIsTerminal && !json
    if terminal && LLMEndpoint.fromEnvironment() == nil {
        FileHandle.standardError.write(Data("note: no model configured (KIJKO_LLM_BASE_URL): agents draft offline, and say so (\"provenance\": \"offline-draft\")\n".utf8))
    }
    // Spans go out every few seconds while the job runs, on their own thread.
    let exporter = TraceExporter.fromEnvironment(store: runner.store, timeout: 5)
    let background = BackgroundExport(exporter)
    var outcome: PipelineRunner.Outcome
    var approved: [String] = []
    do {
        outcome = try runner.run(job: job) { step in if terminal { Output.status("running \(step)") } }
        while approveAll, case .waiting = outcome {
            for request in try runner.store.pendingApprovals(job: try runner.resolve(job)) {
                _ = try runner.approve(request.id, by: "--approve-all", feedback: "approved automatically by --approve-all; no person reviewed it")
                approved.append("\(request.step): \(request.role) → \(request.approval)")
                if terminal { Output.status("auto-approved \(request.step)") }
            }
            outcome = try runner.run(job: job) { step in if terminal { Output.status("running \(step)") } }
        }
        background.stop()
    } catch {
        background.stop()
        throw error
    }
    if terminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    let id = try runner.resolve(job)
    var report = try RunReport.make(runner, job: id, outcome)
    report.autoApproved = approved
    // (A job whose steps made no files — a bench of no-op steps — gets no page.)
    if (try? runner.store.hasArtefacts(job: id)) == true {
        report.index = try? JobIndexPage.write(try runner.store.detail(job: id), folder: runner.store.artefactFolder(job: id),
                                           note: approved.isEmpty ? nil : "Run with --approve-all: \(approved.count) gate\(approved.count == 1 ? " was" : "s were") approved automatically; no person reviewed \(approved.count == 1 ? "it" : "them").")
    }
    try report.print(json: json)
    exportTraces(exporter)
    if report.failed { throw ExitCode.failure }
}

/// Flushes the store's spans every `interval` seconds on a thread of its own until stopped, so a
/// long job's traces appear while it runs; never touches the run.
final class BackgroundExport: @unchecked Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let active: Bool

    init(_ exporter: TraceExporter?, interval: Double = 5) {
        active = exporter != nil
        guard let exporter else { return }
        let thread = Thread { [stopped, finished] in
            while stopped.wait(timeout: .now() + interval) == .timedOut { _ = try? exporter.flush() }
            finished.signal()
        }
        thread.start()
    }

    /// Stops the thread and waits for a flush in progress to end (the final flush follows).
    func stop() {
        guard active else { return }
        stopped.signal()
        finished.wait()
    }
}

/// Sends the recorded spans to the configured collectors once the run has stopped; a collector
/// that is down or refuses is one warning line, never a failure (the spans wait in the store for
/// the next run or `kijko traces flush`).
func exportTraces(_ exporter: TraceExporter?) {
    guard let exporter else { return }
    for report in (try? exporter.flush()) ?? [] where report.error != nil {
        FileHandle.standardError.write(Data("warning: traces to \(report.destination): \(report.error!); \(report.pending) spans wait for `kijko traces flush`\n".utf8))
    }
}

struct RunCommand: ParsableCommand {
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
    @OptionGroup var store: StoreOptions
    @Flag(help: "The outcome as JSON.") var json = false

    func run() throws {
        try reportingErrors {
            guard let brief, !brief.isEmpty else { throw CommandFailure(message: "--brief: give the brief as a file or as text", code: 64) }
            let text: String
            if FileManager.default.fileExists(atPath: brief) {
                guard let data = FileManager.default.contents(atPath: brief) else { throw CommandFailure(message: "\(brief): cannot read the brief") }
                guard !data.contains(0), let read = String(data: data, encoding: .utf8) else {
                    throw CommandFailure(message: "\(brief): the brief is not text (binary data); give a text or Markdown file")
                }
                guard !read.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CommandFailure(message: "\(brief): the brief is empty") }
                text = read
            } else {
                text = brief
            }
            for (option, path) in [("--media", media), ("--master", master)] {
                if let path, !FileManager.default.fileExists(atPath: path) { throw CommandFailure(message: "\(option) \(path): no such file or folder", code: 64) }
            }
            let runner = try store.runner()
            let template = try WorkflowTemplate.named(workflow, agents: runner.agents.names)
            let job = try runner.start(template, brief: text, options: .init(client: client, budget: budget, maxCost: maxCost,
                                                                              media: media, master: master,
                                                                              attachments: FileManager.default.fileExists(atPath: brief) ? [brief] : []))
            try runJob(runner, job: job, json: json, approveAll: approveAll)
        }
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Go on with a job: interrupted steps run again, completed ones never.")
    @Argument(help: "Job id (or its first characters).") var job: String
    @OptionGroup var store: StoreOptions
    @Flag(help: "The outcome as JSON.") var json = false

    func run() throws {
        try reportingErrors { try runJob(try store.runner(), job: job, json: json) }
    }
}

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List production jobs.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "As JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let jobs = try store.open().jobs()
            if json { try Output.json(jobs); return }
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
    @Flag(help: "As JSON.") var json = false

    struct Report: Encodable {
        var database: String
        var ok: Bool
        var problems: [String]
    }

    func run() throws {
        try reportingErrors {
            // Opened read-only and not migrated: a store too damaged to open is examined too.
            let path = store.db ?? PipelineStore.defaultPath()
            let problems = try PipelineStore.check(path: path) ?? []
            let report = Report(database: path, ok: problems.isEmpty, problems: problems)
            if json { try Output.json(report) } else {
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
    @Flag(help: "As JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let runner = try store.runner()
            let detail = try runner.store.detail(job: try runner.resolve(job))
            if json { try Output.json(detail); return }
            print("job \(detail.job.id)  \(detail.job.workflow)  \(detail.job.runState) (\(detail.job.status))"
                  + String(format: "  $%.4f", detail.job.totalCost) + (detail.job.error.map { "\n  \($0)" } ?? ""))
            for (i, step) in detail.steps.enumerated() {
                let branch = i == detail.steps.count - 1 ? "└─" : "├─"
                let time = step.durationSeconds.map { String(format: "%.2f s", $0) } ?? ""
                print("\(branch) \(step.step.padding(toLength: 24, withPad: " ", startingAt: 0)) \(step.status.padding(toLength: 18, withPad: " ", startingAt: 0)) "
                      + "\(time.padding(toLength: 9, withPad: " ", startingAt: 0)) " + String(format: "$%.4f", step.cost)
                      + (step.earlier > 0 ? "  (\(step.earlier) earlier run\(step.earlier == 1 ? "" : "s"))" : "")
                      + "  \(step.agent)" + (step.provenance.map { " [\($0)]" } ?? "") + (step.error.map { "  — \($0)" } ?? ""))
                let rail = i == detail.steps.count - 1 ? "   " : "│  "
                if let summary = step.summary { print("\(rail)   \(summary)") }
                for note in step.notes { print("\(rail)   note: \(note)") }
                for artefact in step.artefacts { print("\(rail)   \(artefact.name): \(artefact.path)") }
            }
        }
    }
}

struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approvals", abstract: "Approval requests waiting for a decision, with what to review.")
    @Option(help: "Only this job's.") var job: String?
    @OptionGroup var store: StoreOptions
    @Flag(help: "As JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let runner = try store.runner()
            let pending = try runner.store.pendingApprovals(job: try job.map(runner.resolve))
            if json { try Output.json(pending); return }
            if pending.isEmpty { print("no approvals waiting") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            for request in pending {
                print("\(request.id.prefix(8))  job \(request.job.prefix(8))  \(request.role): \(request.approval) (step \(request.step))")
                if let content = request.content, let text = try? encoder.encode(content) {
                    print(String(decoding: text, as: UTF8.self).split(separator: "\n").prefix(20).map { "    " + $0 }.joined(separator: "\n"))
                }
            }
        }
    }
}

/// What approving and rejecting share: who decides, whether the job goes on, the store.
struct DecisionOptions: ParsableArguments {
    @Option(help: "Who decides (default: $USER).") var by: String?
    @Flag(help: "Record the decision only; the job waits for `kijko resume`.") var noContinue = false
    @OptionGroup var store: StoreOptions
    @Flag(help: "The outcome as JSON.") var json = false

    var decider: String? { by ?? ProcessInfo.processInfo.environment["USER"] }

    /// Records the decision `decide` makes, then runs the job on unless told not to.
    func record(_ verb: String, _ decide: (PipelineRunner) throws -> String) throws {
        try reportingErrors {
            let runner = try store.runner()
            let job = try decide(runner)
            if noContinue {
                if !json { print("\(verb); job \(job.prefix(8)) waits for `kijko resume`") }
                return
            }
            try runJob(runner, job: job, json: json)
        }
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a request; the job goes on unless --no-continue.")
    @Argument(help: "Approval request id (or its first characters).") var request: String
    @Option(help: "Notes.") var feedback: String?
    @OptionGroup var decision: DecisionOptions

    func run() throws {
        try decision.record("approved") { try $0.approve(request, by: decision.decider, feedback: feedback) }
    }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a request with feedback; the job goes back for a revision unless --no-continue.")
    @Argument(help: "Approval request id (or its first characters).") var request: String
    @Option(help: "What should change (required).") var feedback: String
    @OptionGroup var decision: DecisionOptions

    func run() throws {
        try decision.record("rejected") { try $0.reject(request, by: decision.decider, feedback: feedback) }
    }
}

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics",
                                                    abstract: "Per agent: runs, success rate, average duration and cost, tokens (all jobs, or one).")
    @Option(help: "Only this job.") var job: String?
    @OptionGroup var store: StoreOptions
    @Flag(help: "As JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let runner = try store.runner()
            let metrics = try runner.store.metrics(job: try job.map(runner.resolve))
            if json { try Output.json(metrics); return }
            print("agent                  runs  success  avg time   avg cost     tokens")
            for m in metrics {
                print(m.agent.padding(toLength: 22, withPad: " ", startingAt: 0)
                      + String(format: " %5d  %6.1f %%  %7.3f s  $%8.4f  %9d", m.runs, m.successRate * 100, m.averageDuration, m.averageCost, m.totalTokens))
            }
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
            Destinations: OTEL_EXPORTER_OTLP_ENDPOINT (…/v1/traces is added) or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with
            OTEL_EXPORTER_OTLP_HEADERS; LANGFUSE_HOST with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY.
            Exit 1 when a destination could not take everything (what it did not take stays queued).
            """)
    @OptionGroup var store: StoreOptions
    @Flag(help: "As JSON.") var json = false

    func run() throws {
        var failed = false
        try reportingErrors {
            // (Destinations first: without one, no store is opened, let alone created.)
            let destinations = TraceExporter.destinations()
            guard !destinations.isEmpty else {
                throw CommandFailure(message: "no trace destination: set OTEL_EXPORTER_OTLP_ENDPOINT or LANGFUSE_HOST (with its keys)")
            }
            let reports = try TraceExporter(store: try store.open(), destinations: destinations).flush()
            if json { try Output.json(reports) } else {
                for r in reports {
                    print("\(r.destination): \(r.accepted) accepted, \(r.rejected) rejected, \(r.pending) pending" + (r.error.map { " — \($0)" } ?? ""))
                }
            }
            failed = reports.contains { $0.pending > 0 }
        }
        if failed { throw ExitCode.failure }
    }
}
