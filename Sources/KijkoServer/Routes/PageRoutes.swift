import Foundation
import Hummingbird
import KijkoAgents
import KijkoCore
import KijkoPipeline

/// The dashboard: `/login`, `/` (workflows), `/start/{workflow}`, `/jobs`, `/jobs/{id}`,
/// `/approvals`, `/approvals/{id}`, `/metrics`, and the style sheet and script. Pages call the
/// same functions as the API; forms post back to the page they came from and are redirected
/// (303) to what they made.
extension StudioServer {
    func addPageRoutes(to router: Router<ServerContext>) {
        router.get("static/kijko.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("static/kijko.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        router.get("login") { request, context in
            Pages.login(next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), failed: false)
        }
        router.post("login") { request, context in
            let fields = try await RequestFields.read(request, context: context)
            let next = Self.safeNext(fields.string("next"))
            guard let token = fields.string("token")?.trimmingCharacters(in: .whitespacesAndNewlines),
                  try self.jobs.store.person(token: token) != nil else { return Pages.login(next: next, failed: true) }
            var response = Response.redirect(to: next, type: .normal)
            response.setCookie(Cookie(name: Authenticator.cookie, value: token, maxAge: 30 * 24 * 3600, path: "/", secure: false,
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        router.post("logout") { request, context in
            let fields = try await RequestFields.read(request, context: context)
            try Access.checkCSRF(request, context, form: fields.string("csrf") ?? "")
            var response = Response.redirect(to: "/login", type: .normal)
            response.setCookie(Cookie(name: Authenticator.cookie, value: "", maxAge: 0, path: "/", secure: false, httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/") { request, context in
            let person = try Access.person(context)
            return Pages.workflows(try WorkflowCatalog.all(agents: self.jobs.runner.agents.names), person: person, csrf: Access.csrf(request))
        }
        router.get("start/:workflow") { request, context in
            let person = try Access.person(context)
            return Pages.startForm(try self.workflow(try context.parameters.require("workflow")), person: person, csrf: Access.csrf(request),
                                   mediaRoots: self.options.mediaRoots)
        }
        router.post("start/:workflow") { request, context in
            let person = try Access.person(context)
            var fields = try await RequestFields.read(request, context: context)
            try Access.checkCSRF(request, context, form: fields.string("csrf") ?? "")
            let name = try context.parameters.require("workflow")
            fields.text["workflow"] = name
            do {
                let job = try self.start(try StartForm(fields), by: person)
                return Response.redirect(to: "/jobs/\(job)", type: .normal)
            } catch let error as APIError where error.status == .badRequest || error.status == .forbidden {
                return Pages.startForm(try self.workflow(name), person: person, csrf: Access.csrf(request), mediaRoots: self.options.mediaRoots,
                                       error: error.message)
            }
        }
        router.get("jobs") { request, context in
            let person = try Access.person(context)
            return Pages.jobs(try self.visibleJobs(person, state: nil), person: person, csrf: Access.csrf(request))
        }
        router.get("jobs/:id") { request, context in
            let person = try Access.person(context)
            let job = try Access.visibleJob(try context.parameters.require("id"), person, jobs: self.jobs)
            let folder = self.jobs.store.artefactFolder(job: job)
            let view = try self.views.entry(job).view
            if request.uri.queryParameters["part"] == "live" { return Pages.fragment(Pages.live(view, folder: folder)) }
            return Pages.job(view, folder: folder, person: person, csrf: Access.csrf(request))
        }
        router.get("approvals") { request, context in
            let person = try Access.person(context)
            let decided = try self.visibleApprovals(person, status: "all").filter { $0.status != "pending" }
                .sorted { ($0.decidedAt ?? "") < ($1.decidedAt ?? "") }
            return Pages.approvals(pending: try self.visibleApprovals(person, status: "pending"), decided: decided, person: person,
                                   csrf: Access.csrf(request))
        }
        router.get("approvals/:id") { request, context in
            let person = try Access.person(context)
            let view = try self.approvalView(try context.parameters.require("id"), person)
            let flash = request.uri.queryParameters["decided"].map { "Recorded: \($0). The job goes on." }
            return Pages.approval(view, folder: self.jobs.store.artefactFolder(job: view.approval.job), person: person, csrf: Access.csrf(request),
                                  flash: flash)
        }
        router.post("approvals/:id/decide") { request, context in
            let person = try Access.person(context)
            let fields = try await RequestFields.read(request, context: context)
            try Access.checkCSRF(request, context, form: fields.string("csrf") ?? "")
            let id = try context.parameters.require("id")
            let approve = fields.string("decision") == "approve"
            var choice: JSONValue?
            if approve, let text = fields.string("choice") { choice = Int(text).map { .number(Double($0)) } ?? .string(text) }
            let decision = Decision(contentHash: fields.string("content_hash"), feedback: fields.string("feedback"), choice: choice,
                                    override: approve ? fields.string("override") : nil)
            do {
                let decided = try await self.decide(id, approve: approve, decision, by: person)
                return Response.redirect(to: "/approvals/\(decided.approval)?decided=\(decided.status)", type: .normal)
            } catch {
                // A decision refused as asked (no feedback, held by QC, a choice not offered): said on the page itself.
                let refused = (error as? APIError).flatMap { $0.status == .badRequest ? $0.message : nil } ?? (error as? ServiceError)?.message
                guard let refused else { throw error }
                let view = try self.approvalView(id, person)
                return Pages.approval(view, folder: self.jobs.store.artefactFolder(job: view.approval.job), person: person,
                                      csrf: Access.csrf(request), flash: refused)
            }
        }
        router.get("metrics") { request, context in
            let person = try Access.person(context)
            return Pages.metrics(try self.metricsView(person), person: person, csrf: Access.csrf(request))
        }
    }

    func workflow(_ name: String) throws -> WorkflowCatalog {
        guard try WorkflowCatalog.names().contains(name) else { throw APIError.notFound("no workflow \(name)") }
        return WorkflowCatalog(try WorkflowTemplate.named(name, agents: jobs.runner.agents.names))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Where to go after signing in: a path on this server only.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("\r"), !next.contains("\n") else { return "/" }
        return next
    }
}
