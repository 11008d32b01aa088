import Foundation
import Hummingbird
import HTTPTypes
import KijkoCore
import KijkoPipeline
import KijkoAgents

/// Finds who sent a request — a bearer token (programs) or the session cookie (the dashboard) —
/// and answers errors in the request's own language: JSON for the API and artefacts, a page (or
/// the sign-in page) for the dashboard.
struct Authenticator: RouterMiddleware {
    typealias Context = ServerContext
    let people: PersonCache

    static let cookie = "kijko_session"

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        let api = path.hasPrefix("/api/") || path.hasPrefix("/artefacts/")
        do {
            if let header = request.headers[.authorization] {
                guard header.lowercased().hasPrefix("bearer "), let person = try people.person(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                    throw APIError(.unauthorized, "the token is not one the server knows (kijko users add prints one)")
                }
                context.person = person
            } else if let token = request.cookies[Self.cookie]?.value, let person = try people.person(token: token) {
                context.person = person
                context.viaCookie = true
            }
            return try await next(request, context)
        } catch {
            let failure = APIError.from(error)
            if api || request.headers[.accept]?.contains("text/html") != true { return try failure.response(from: request, context: context) }
            if failure.status == .unauthorized { return Response.redirect(to: "/login?next=" + Self.encoded(path), type: .normal) }
            return Pages.error(failure, person: context.person)
        }
    }

    /// `text` as one query value.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? "/"
    }
}

/// Who may do what.
enum Access {
    /// The signed-in person, or 401.
    static func person(_ context: ServerContext) throws -> PipelineStore.Person {
        guard let person = context.person else { throw APIError.unauthorized }
        return person
    }

    /// The CSRF token of a session: derived from its token, so the page can carry it and no one
    /// without the cookie can make it.
    static func csrf(_ request: Request) -> String? {
        request.cookies[Authenticator.cookie].map { String(FileDigest.sha256(data: Data(("csrf:" + $0.value).utf8)).prefix(40)) }
    }

    /// A change made with the session cookie must carry the session's CSRF token (the
    /// `X-CSRF-Token` header, or the form's `csrf` field); a bearer token needs none.
    static func checkCSRF(_ request: Request, _ context: ServerContext, form: String? = nil) throws {
        guard context.viaCookie else { return }
        let given = form ?? request.headers[HTTPField.Name("X-CSRF-Token")!]
        guard let expected = csrf(request), let given, given == expected else {
            throw APIError(.forbidden, "the form is out of date or came from elsewhere (CSRF token missing or wrong): reload the page")
        }
    }

    /// Whether `person` sees `job`: everyone but clients sees every job; a client, those they were added to.
    static func sees(_ person: PipelineStore.Person, job: String, store: PipelineStore) throws -> Bool {
        try person.role.seesEveryJob || store.isMember(person.id, job: job)
    }

    /// `job` (full id) when `person` sees it; 404 otherwise (a client learns nothing of others' jobs).
    static func visibleJob(_ given: String, _ person: PipelineStore.Person, jobs: JobsService) throws -> String {
        // A whole id is taken as it is (a job that is not there is found missing where it is read).
        let job = given.utf8.count == 36 && given.utf8.allSatisfy({ $0 == 45 || (48...57).contains($0) || (97...102).contains($0) })
            ? given : try jobs.runner.resolve(given)
        guard try sees(person, job: job, store: jobs.store) else { throw APIError.notFound("no job \(given)") }
        return job
    }
}
