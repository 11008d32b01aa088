import Foundation
import Hummingbird
import KijkoAgents
import KijkoCore
import KijkoPipeline

/// The JSON API: jobs, their events, approvals, metrics, workflows, and this API's own OpenAPI
/// document. Errors are `{"error": "…"}` with their status.
extension StudioServer {
    func addAPIRoutes(to router: Router<ServerContext>) {
        let api = router.group("api")
        api.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        api.get("me") { _, context in JSONResponse.make(try Access.person(context)) }
        api.get("workflows") { _, context in
            _ = try Access.person(context)
            return JSONResponse.make(["workflows": try WorkflowCatalog.all(agents: self.jobs.runner.agents.names)])
        }
        api.post("production/start") { request, context in
            let person = try Access.person(context)
            try Access.checkCSRF(request, context)
            let start = try await StartForm.read(request, context: context)
            let job = try self.start(start, by: person)
            return JSONResponse.make(StartedJob(job: job, workflow: start.workflow, state: "running", events: "/api/production/\(job)/events",
                                                page: "/jobs/\(job)"), status: .created)
        }
        api.get("production") { request, context in
            let person = try Access.person(context)
            let state = request.uri.queryParameters["state"].map(String.init)
            return JSONResponse.make(["jobs": try self.visibleJobs(person, state: state)])
        }
        api.get("production/:id") { request, context in
            let person = try Access.person(context)
            let job = try Access.visibleJob(try context.parameters.require("id"), person, jobs: self.jobs)
            let entry = try self.views.entry(job)
            if request.headers[.ifNoneMatch] == entry.etag { return Response(status: .notModified, headers: [.eTag: entry.etag]) }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache", .eTag: entry.etag],
                            body: .init(byteBuffer: ByteBuffer(bytes: entry.body)))
        }
        api.get("production/:id/events") { _, context in
            let person = try Access.person(context)
            let job = try Access.visibleJob(try context.parameters.require("id"), person, jobs: self.jobs)
            return JobEventStream.response(job: job, views: self.views, hub: self.hub)
        }
        api.get("approval") { request, context in
            let person = try Access.person(context)
            let status = request.uri.queryParameters["status"].map(String.init) ?? "pending"
            return JSONResponse.make(["approvals": try self.visibleApprovals(person, status: status)])
        }
        api.get("approval/:id") { _, context in
            let person = try Access.person(context)
            return JSONResponse.make(try self.approvalView(try context.parameters.require("id"), person))
        }
        api.post("approval/:id/approve") { request, context in
            let person = try Access.person(context)
            try Access.checkCSRF(request, context)
            let decision = try await Decision.read(request, context: context)
            return JSONResponse.make(try await self.decide(try context.parameters.require("id"), approve: true, decision, by: person))
        }
        api.post("approval/:id/reject") { request, context in
            let person = try Access.person(context)
            try Access.checkCSRF(request, context)
            let decision = try await Decision.read(request, context: context)
            return JSONResponse.make(try await self.decide(try context.parameters.require("id"), approve: false, decision, by: person))
        }
        api.get("langfuse/agent-metrics") { _, context in
            let person = try Access.person(context)
            return JSONResponse.make(try self.metricsView(person))
        }
    }

    // MARK: - What the routes do (the pages call the same)

    struct StartedJob: Encodable {
        var job: String
        var workflow: String
        var state: String
        var events: String
        var page: String
    }

    /// Records a job for `person` and hands it to the pool.
    func start(_ start: StartForm, by person: PipelineStore.Person) throws -> String {
        guard try WorkflowCatalog.names().contains(start.workflow) else {
            throw APIError.badRequest("workflow \(start.workflow): not one of \(try WorkflowCatalog.names().joined(separator: ", "))")
        }
        let media = try start.media.map(confined)
        let master = try start.master.map(confined)
        var request = JobsService.StartRequest(workflow: start.workflow, brief: start.brief, client: start.client, budget: start.budget,
                                               maxCost: start.maxCost, media: media, master: master, startedBy: person.id)
        request.briefIsText = true
        let job = try jobs.start(request)
        Task { await pool.submit(job) }
        return job
    }

    /// A media path given through the API, when it lies inside a `--media-root` (symbolic links
    /// resolved): the server reaches no other file on the machine.
    func confined(_ path: String) throws -> String {
        guard !options.mediaRoots.isEmpty else {
            throw APIError.badRequest("media: this server takes no media folders (start it with --media-root DIR)")
        }
        let given = path.hasPrefix("/") ? path : (options.mediaRoots[0] as NSString).appendingPathComponent(path)
        let resolved = URL(fileURLWithPath: given).standardizedFileURL.resolvingSymlinksInPath().path
        guard options.mediaRoots.contains(where: { resolved == $0 || resolved.hasPrefix($0 + "/") }) else {
            throw APIError(.forbidden, "media \(path): outside the server's media roots (\(options.mediaRoots.joined(separator: ", ")))")
        }
        guard FileManager.default.fileExists(atPath: resolved) else { throw APIError.badRequest("media \(path): no such file or folder") }
        return resolved
    }

    /// Jobs `person` sees, newest first, optionally in one state.
    func visibleJobs(_ person: PipelineStore.Person, state: String?) throws -> [PipelineStore.JobSummary] {
        let members = person.role.seesEveryJob ? nil : try jobs.store.memberJobs(person.id)
        return try jobs.jobs().reversed().filter { job in
            (members?.contains(job.id) ?? true) && (state == nil || job.runState == state || PageText.state(job.runState) == state)
        }
    }

    /// Approval requests `person` sees (`pending`, `approved`, `rejected` or `all`), oldest first.
    func visibleApprovals(_ person: PipelineStore.Person, status: String) throws -> [PipelineStore.ApprovalRecord] {
        guard ["pending", "approved", "rejected", "all"].contains(status) else {
            throw APIError.badRequest("status: pending, approved, rejected or all")
        }
        let members = person.role.seesEveryJob ? nil : try jobs.store.memberJobs(person.id)
        return try jobs.store.approvals(status: status == "all" ? nil : status).filter { approval in
            members.map { $0.contains(approval.job) && person.role.decides(gateRole: approval.role) } ?? true
        }
    }

    func approvalView(_ id: String, _ person: PipelineStore.Person) throws -> ApprovalView {
        let approval = try jobs.store.approval(id)
        guard try Access.sees(person, job: approval.job, store: jobs.store) else { throw APIError.notFound("no approval request \(id)") }
        // A client sees only what is theirs to decide.
        guard person.role.seesEveryJob || person.role.decides(gateRole: approval.role) else {
            throw APIError(.forbidden, "approval \(approval.id.prefix(8)) is for the \(approval.role); \(person.name) is \(person.role.rawValue)")
        }
        return ApprovalView(approval, detail: try jobs.store.detail(job: approval.job),
                            revisions: try jobs.store.approvals(job: approval.job, step: approval.step),
                            folder: jobs.store.artefactFolder(job: approval.job), person: person,
                            held: approval.status == "pending" ? try jobs.held(job: approval.job, gate: approval.step) : [])
    }

    struct Decided: Encodable {
        var approval: String
        var status: String
        var job: String
        var decidedBy: String
    }

    /// Decides a request for `person` — only its role or an admin may, bound to the content hash
    /// they saw — and hands its job to the pool.
    func decide(_ id: String, approve: Bool, _ decision: Decision, by person: PipelineStore.Person) async throws -> Decided {
        let view = try approvalView(id, person)
        let approval = view.approval
        guard person.role.decides(gateRole: approval.role) else {
            throw APIError(.forbidden, "approval \(approval.id.prefix(8)) is for the \(approval.role) to decide; \(person.name) is \(person.role.rawValue)")
        }
        guard let seen = decision.contentHash, !seen.isEmpty else {
            throw APIError.badRequest("content_hash: give the hash of what you reviewed (GET /api/approval/\(approval.id) has it)")
        }
        let by = "\(person.name) (\(person.role.rawValue))"
        let job: String
        if approve {
            job = try jobs.approve(approval.id, by: by, feedback: decision.feedback, seen: seen, choice: decision.choice, override: decision.override)
        } else {
            guard let feedback = decision.feedback, !feedback.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError.badRequest("feedback: a rejection says what should change")
            }
            job = try jobs.reject(approval.id, by: by, feedback: feedback, seen: seen)
        }
        await pool.submit(job)
        return Decided(approval: approval.id, status: approve ? "approved" : "rejected", job: job, decidedBy: by)
    }
}
