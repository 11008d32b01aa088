import Foundation
import Hummingbird
import KijkoPipeline

/// The dashboard's frame: every page's head, navigation and who is signed in.
enum Pages {
    static func e(_ text: String) -> String { PageText.e(text) }

    /// A whole page. `job` makes the page follow that job's events; `csrf` goes in a meta tag
    /// for the script's posts.
    static func page(_ title: String, here: String, person: PipelineStore.Person?, csrf: String? = nil, job: String? = nil,
                     status: HTTPResponse.Status = .ok, _ body: String) -> Response {
        let nav = person == nil ? "" : [("/", "Workflows"), ("/jobs", "Jobs"), ("/approvals", "Approvals"), ("/metrics", "Metrics")].map { (path, name) -> String in
            "<a href=\"\(path)\"\(path == here ? " class=\"here\"" : "")>\(name)</a>"
        }.joined()
        let who = person.map { (p) -> String in
            "<span class=\"who\">\(e(p.name)) · \(e(p.role.rawValue.replacingOccurrences(of: "_", with: " ")))</span>"
                + "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf ?? ""))\"><button>Sign out</button></form>"
        } ?? ""
        let html = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>\(e(title)) · Kijko</title><link rel="stylesheet" href="/static/kijko.css"></head>
        <body\(job.map { " data-job=\"\(e($0))\"" } ?? "")><header><a class="brand" href="/">Kijko</a>\(nav)\(who)</header>
        <main>\(body)</main><script src="/static/kijko.js"></script></body></html>
        """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                                  .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; media-src 'self'; frame-src 'self'; style-src 'self'; frame-ancestors 'self'"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A fragment of a page (the live part the script swaps in).
    static func fragment(_ html: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func error(_ error: APIError, person: PipelineStore.Person?) -> Response {
        page("\(error.status.code)", here: "", person: person, status: error.status, """
        <h1>\(error.status.code) \(e(error.status.reasonPhrase))</h1><p class="note error">\(e(error.message))</p><p><a href="/">Back to the workflows</a></p>
        """)
    }

    static func badge(_ status: String, testid: String? = nil) -> String {
        "<span class=\"badge \(PageText.tone(status))\"\(testid.map { " data-testid=\"\($0)\"" } ?? "")>\(e(status.replacingOccurrences(of: "_", with: " ")))</span>"
    }

    static func hidden(_ name: String, _ value: String) -> String { "<input type=\"hidden\" name=\"\(name)\" value=\"\(e(value))\">" }

    static func login(next: String, failed: Bool) -> Response {
        page("Sign in", here: "", person: nil, status: failed ? .unauthorized : .ok, """
        <h1>Sign in</h1>
        \(failed ? "<p class=\"note error\">That token is not one this server knows.</p>" : "")
        <form class="stack" method="post" action="/login">
          <label for="token">Your token</label>
          <input type="password" id="token" name="token" data-testid="token" autocomplete="current-password" required>
          \(hidden("next", next))
          <div><button data-testid="login">Sign in</button></div>
          <p class="muted small">An admin makes one with <code>kijko users add NAME --role ROLE</code>.</p>
        </form>
        """)
    }
}
