import Foundation
public import KijkoCore
import KijkoLLM
public import KijkoPipeline

/// The jobs service, the one way front ends (the CLI, a web server) work with production jobs:
/// start a workflow from a brief, run or resume it until a gate, list and inspect jobs, decide
/// approvals, read metrics and flush traces. It owns the runner with the production agents and
/// the background trace export while a job runs.
///
///     let jobs = try JobsService(database: "studio.sqlite")
///     let id = try jobs.start(.init(workflow: "social", brief: "brief.md", master: "master.mov"))
///     let result = try await jobs.run(job: id)
public final class JobsService: Sendable {
    public let runner: PipelineRunner
    public var store: PipelineStore { runner.store }
    /// Agents draft offline (no model configured): every draft says so.
    public let offline: Bool

    /// Opens the store at `database` (default: `KIJKO_DB`, else the per-user store) — creating it
    /// only when `create` (starting jobs) — with the production agents on `context` (default: a
    /// model's when `KIJKO_LLM_BASE_URL` is set, offline drafts otherwise).
    /// `artefacts` is where step files go (else `KIJKO_ARTEFACTS`, else beside the store): with a
    /// shared PostgreSQL store, a folder every worker sees.
    public init(database: String? = nil, artefacts: String? = nil, context: AgentContext? = nil, create: Bool = true) throws {
        let context = try context ?? AgentContext.fromEnvironment()
        runner = PipelineRunner(store: try PipelineStore(path: database ?? PipelineStore.defaultPath(), create: create, artefacts: artefacts),
                                agents: ProductionAgents.registry(context))
        offline = context.client == nil
    }

    /// A new job.
    public struct StartRequest: Sendable {
        /// A workflow name in `presets/workflows` or a YAML file.
        public var workflow: String
        /// The brief: a file's path, or the text itself.
        public var brief: String
        public var client: String?
        /// USD.
        public var budget: Double?
        public var maxCost: Double?
        public var media: String?
        public var master: String?
        /// Who starts it (a person's id): added to the job.
        public var startedBy: String?
        /// `brief` is the text itself, never a path (a brief from a web form: the server reads no
        /// file a stranger names).
        public var briefIsText = false

        public init(workflow: String, brief: String, client: String? = nil, budget: Double? = nil, maxCost: Double? = nil,
                    media: String? = nil, master: String? = nil, startedBy: String? = nil) {
            self.startedBy = startedBy
            self.workflow = workflow
            self.brief = brief
            self.client = client
            self.budget = budget
            self.maxCost = maxCost
            self.media = media
            self.master = master
        }

        /// The brief's text (and its file, when it is one). A brief file that is binary or empty,
        /// and media or a master that do not exist, are refused — before any store is opened, so
        /// a refused job leaves nothing behind.
        public func checked() throws -> (text: String, file: String?) {
            guard !brief.isEmpty else { throw ServiceError("--brief: give the brief as a file or as text", usage: true) }
            for (option, path) in [("--media", media), ("--master", master)] {
                if let path, !FileManager.default.fileExists(atPath: path) { throw ServiceError("\(option) \(path): no such file or folder", usage: true) }
            }
            guard !briefIsText, FileManager.default.fileExists(atPath: brief) else {
                guard !brief.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ServiceError("the brief is empty") }
                return (brief, nil)
            }
            guard let data = FileManager.default.contents(atPath: brief) else { throw ServiceError("\(brief): cannot read the brief") }
            guard !data.contains(0), let read = String(data: data, encoding: .utf8) else {
                throw ServiceError("\(brief): the brief is not text (binary data); give a text or Markdown file")
            }
            guard !read.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ServiceError("\(brief): the brief is empty") }
            return (read, brief)
        }
    }

    /// Records a job and returns its id (nothing runs yet).
    public func start(_ request: StartRequest) throws -> String {
        let brief = try request.checked()
        let template = try WorkflowTemplate.named(request.workflow, agents: runner.agents.names)
        return try runner.start(template, brief: brief.text, options: .init(client: request.client, budget: request.budget, maxCost: request.maxCost,
                                                                           media: request.media, master: request.master,
                                                                           attachments: brief.file.map { [$0] } ?? [],
                                                                           members: request.startedBy.map { [$0] } ?? []))
    }

    /// Where a run left a job, for people and programs.
    public struct RunResult: Encodable, Sendable {
        public var job: String
        /// `complete`, `waiting`, `failed`, `stopped` or `running` (in another process).
        public var outcome: String
        public var message: String?
        public var pendingApprovals: [PipelineStore.ApprovalRecord]
        /// The job's page linking every artefact.
        public var index: String?
        /// Gates passed by `approveAll`, as `step: role → approval`.
        public var autoApproved: [String] = []
        /// What holds a gate `approveAll` left for a person: each delivered file that failed QC.
        public var held: [String] = []
        /// Trace destinations that could not take the spans (not in the JSON; said on stderr).
        public var traceWarnings: [String] = []

        enum CodingKeys: String, CodingKey { case job, outcome, message, pendingApprovals, index, autoApproved, held }

        /// The run ended badly: failed or stopped.
        public var failed: Bool { outcome == "failed" || outcome == "stopped" }
    }

    /// Runs `job` on a thread of its own until it completes, fails, stops or waits for people.
    /// Cancelling the task starts no further step; the job goes on when it is run again.
    /// With `background`, the job's threads yield to others (a server's requests) on a busy machine.
    public func run(job: String, approveAll: Bool = false, background: Bool = false, progress: ProgressHandler? = nil) async throws -> RunResult {
        try await BlockingWork.run("kijko.job", background: background) { [self] flag in
            try perform(job: job, approveAll: approveAll, progress: progress, cancel: flag)
        }
    }

    /// The same, blocking the calling thread. With `approveAll`, every gate is approved as it is
    /// reached, recorded as `--approve-all` (never a person's approval). Spans go out every few
    /// seconds while it runs, and once more at the end.
    public func perform(job given: String, approveAll: Bool = false, progress: ProgressHandler? = nil,
                        cancel: CancellationFlag? = nil) throws -> RunResult {
        let exporter = TraceExporter.fromEnvironment(store: store, timeout: 5)
        let background = BackgroundExport(exporter)
        let steps: ProgressHandler = { event in progress?(event) }
        var outcome: PipelineRunner.Outcome
        var approved: [String] = [], holding: [String] = []
        do {
            outcome = try runner.run(job: given, cancel: cancel, progress: steps)
            while approveAll, case .waiting = outcome, cancel?.isCancelled != true {
                var decided = 0
                holding = []
                for request in try store.pendingApprovals(job: try runner.resolve(given)) {
                    // --approve-all never approves past a failing QC: that takes a person and a reason.
                    let hold = try held(job: request.job, gate: request.step)
                    guard hold.isEmpty else {
                        holding = hold
                        progress?(ProgressEvent(.note, stage: request.step, message: "held for a person: QC failed on \(hold.joined(separator: "; "))"))
                        continue
                    }
                    _ = try runner.approve(request.id, by: "--approve-all", feedback: "approved automatically by --approve-all; no person reviewed it")
                    approved.append("\(request.step): \(request.role) → \(request.approval)")
                    progress?(ProgressEvent(.note, stage: request.step, message: "auto-approved"))
                    decided += 1
                }
                if decided == 0 { break }
                outcome = try runner.run(job: given, cancel: cancel, progress: steps)
            }
            background.stop()
        } catch {
            background.stop()
            throw error
        }
        let id = try runner.resolve(given)
        var result = try Self.result(store, job: id, outcome)
        result.autoApproved = approved
        result.held = holding
        if !holding.isEmpty, case .waiting = outcome {
            result.message = "held for a person: QC failed on \(holding.joined(separator: "; ")) — reject it for a fix, or approve with --override REASON"
        }
        // (A job whose steps made no files — a bench of no-op steps — gets no page.)
        if (try? store.hasArtefacts(job: id)) == true {
            let note = approved.isEmpty ? nil
                : "Run with --approve-all: \(approved.count) gate\(approved.count == 1 ? " was" : "s were") approved automatically; no person reviewed \(approved.count == 1 ? "it" : "them")."
            result.index = try? JobIndexPage.write(try store.detail(job: id), folder: store.artefactFolder(job: id), note: note)
        }
        if let exporter {
            for report in (try? exporter.flush()) ?? [] {
                if let error = report.error {
                    result.traceWarnings.append("traces to \(report.destination): \(error); \(report.pending) spans wait for `kijko traces flush`")
                }
            }
        }
        return result
    }

    static func result(_ store: PipelineStore, job: String, _ outcome: PipelineRunner.Outcome) throws -> RunResult {
        let pending = try store.pendingApprovals(job: job)
        switch outcome {
        case .complete: return RunResult(job: job, outcome: "complete", message: nil, pendingApprovals: [])
        case .waiting: return RunResult(job: job, outcome: "waiting", message: "waiting for approval", pendingApprovals: pending)
        case .failed(let why): return RunResult(job: job, outcome: "failed", message: why + " (fix it, then `kijko resume \(job.prefix(8))`)", pendingApprovals: pending)
        case .stopped(let why): return RunResult(job: job, outcome: "stopped", message: why, pendingApprovals: pending)
        case .busy(let holder): return RunResult(job: job, outcome: "running", message: "running in \(holder); it will go on", pendingApprovals: pending)
        case .queued(let steps):
            return RunResult(job: job, outcome: "queued", message: "queued for workers: \(steps.joined(separator: ", "))", pendingApprovals: pending)
        }
    }

    /// Gives `job` a media folder or a master it was started without (checked to exist, kept
    /// absolute); the next run uses them — how a job that failed for want of them goes on.
    public func supply(job: String, media: String?, master: String?) throws {
        guard media != nil || master != nil else { return }
        for (option, path) in [("--media", media), ("--master", master)] {
            if let path, !FileManager.default.fileExists(atPath: path) { throw ServiceError("\(option) \(path): no such file or folder", usage: true) }
        }
        func absolute(_ path: String?) -> String? { path.map { URL(fileURLWithPath: $0).standardizedFileURL.path } }
        try store.supply(job: try runner.resolve(job), media: absolute(media), master: absolute(master))
    }

    // MARK: - Reading

    /// Every job, oldest first.
    public func jobs() throws -> [PipelineStore.JobSummary] { try store.jobs() }

    /// A job (its id or first characters): steps with state, timing, cost, summary and artefacts.
    public func detail(job: String) throws -> PipelineStore.JobDetail { try store.detail(job: try runner.resolve(job)) }

    /// Approval requests waiting for a decision (one job's, or all).
    public func pendingApprovals(job: String? = nil) throws -> [PipelineStore.ApprovalRecord] {
        try store.pendingApprovals(job: try job.map(runner.resolve))
    }

    /// The producer's figures (``ProductionMetrics``) over one job (id or its first characters),
    /// the jobs `among` (ids), or every job.
    public func metrics(job: String? = nil, among: [String]? = nil) throws -> ProductionMetrics {
        let ids = try job.map { [try runner.resolve($0)] } ?? among
        let wanted = ids.map(Set.init)
        let jobs = try store.jobs().filter { wanted?.contains($0.id) ?? true }
        return ProductionMetrics(agents: try store.metrics(jobs: ids), jobs: jobs,
                                 approvals: try store.approvals(status: nil).filter { wanted?.contains($0.job) ?? true },
                                 qcVerdicts: try store.outputField("status", ofKind: QCVerdict.kind, jobs: ids))
    }

    // MARK: - Deciding

    /// Approves a request (id or first characters); returns its job. The job does not run: call ``run(job:approveAll:progress:)``.
    /// With `seen`, the decision holds only if what is reviewed is still what the reviewer saw
    /// (its content hash); `choice` is what they picked: an index from 0 or a title of the ranked
    /// options the review offers (``ApprovalChoice``), recorded as `{index, title}`.
    /// A gate after a failing QC is held: it takes an `override`, the reason to deliver anyway,
    /// recorded with who gave it and handed to traffic and distribution.
    /// - Throws: ``ServiceError`` for a choice the review does not offer, or a held gate approved
    ///   without an override; nothing is recorded.
    public func approve(_ request: String, by: String?, feedback: String? = nil, seen: String? = nil, choice: JSONValue? = nil,
                        override: String? = nil) throws -> String {
        let approval = try store.approval(request)
        var chosen: JSONValue?
        if let choice {
            chosen = try ApprovalChoice.resolve(choice, options: ApprovalChoice.options(in: approval.content?["content"]))
        }
        let reason = override.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        var overriding: Override?
        if approval.status == "pending" {
            let hold = try held(job: approval.job, gate: approval.step)
            switch (hold.isEmpty, reason) {
            case (false, nil):
                throw ServiceError("approval \(approval.id.prefix(8)) is held: QC failed on \(hold.joined(separator: "; ")). "
                                   + "Reject it for a fix, or approve it with an override and its reason (--override REASON; \"override\" in the API)")
            case (true, _?):
                throw ServiceError("approval \(approval.id.prefix(8)): nothing holds it; an override is for approving past a failing QC")
            case (false, let reason?): overriding = Override(reason: reason, past: hold)
            case (true, nil): break
            }
        }
        return try runner.approve(request, by: by, feedback: feedback, seen: seen, choice: chosen, override: overriding)
    }

    /// What holds `gate` (a step id) of `job`: each failure of what is delivered (a preset's
    /// checks, QC) that no earlier override went past, as `name: what failed` — when the gate comes
    /// after the job's QC step; empty when nothing failed, QC has not run, or the gate is not after it.
    public func held(job: String, gate: String) throws -> [String] {
        let outputs = try store.currentOutputs(job: job)
        guard let qc = outputs.keys.sorted().first(where: { outputs[$0]?["kind"] == .string(QCVerdict.kind) }),
              try store.template(job: job).downstream(of: qc).contains(gate) else { return [] }
        return DeliveryClearance(outputs: outputs).unresolved
    }

    /// Rejects a request with feedback (required); returns its job.
    public func reject(_ request: String, by: String?, feedback: String, seen: String? = nil) throws -> String {
        try runner.reject(request, by: by, feedback: feedback, seen: seen)
    }

    // MARK: - Traces and the store

    /// Sends every recorded span not yet accepted to the configured destinations.
    /// - Throws: ``ServiceError`` when no destination is configured (no store is opened for that).
    public static func flushTraces(database: String?) throws -> [TraceExporter.Report] {
        let destinations = TraceExporter.destinations()
        guard !destinations.isEmpty else {
            throw ServiceError("no trace destination: set OTEL_EXPORTER_OTLP_ENDPOINT or LANGFUSE_HOST (with its keys)")
        }
        return try TraceExporter(store: try PipelineStore(path: database ?? PipelineStore.defaultPath(), create: false),
                                 destinations: destinations).flush()
    }

    /// SQLite's integrity check over the whole store, read-only and without migrating (a store
    /// too damaged to open is examined too). Empty when sound.
    public static func checkStore(database: String?) throws -> (path: String, problems: [String]) {
        let path = database ?? PipelineStore.defaultPath()
        if PipelineStore.isShared(path) {
            let store = try PipelineStore(path: path, create: false)
            return (store.path, try store.check() ?? [])
        }
        return (path, try PipelineStore.check(path: path) ?? [])
    }

    // MARK: - Workers

    /// Moves `job` on without running a step here: its ready steps are queued for workers (a
    /// shared store's `kijko worker`s), gates settled. With `resume`, a failed or stopped job is
    /// reopened first.
    public func enqueue(job given: String, resume: Bool = false) throws -> RunResult {
        let job = try runner.resolve(given)
        let outcome = resume ? try runner.resumeQueued(job: job) : try runner.advance(job: job)
        return try Self.result(store, job: job, outcome)
    }

    /// A worker taking this store's queued steps with the production agents.
    public func worker(_ options: StepWorker.Options) throws -> StepWorker { try StepWorker(runner: runner, options: options) }

    /// The store's workers, their leases and what they run.
    public func workers(lease: Double = 30) throws -> [PipelineStore.WorkerRecord] { try store.workers(lease: lease) }
}
