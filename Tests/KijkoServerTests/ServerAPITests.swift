import Foundation
import Testing
import KijkoTestSupport

/// The API over real HTTP on 127.0.0.1, against `kijko serve` started by the test.
@Suite(.serialized) struct ServerAPITests {
    static let brief = "A 30-second spot for Pedal Post, a bicycle courier company in Lisbon. Tone: upbeat. Budget EUR 20,000. Deliver 16:9 and 9:16."

    /// Starts an advertising job as `who` and waits for its first approval request.
    static func startAndWait(_ server: ServerProcess, as who: String = "pam") throws -> (job: String, approval: [String: Any]) {
        let started = try server.probe.request("POST", "/api/production/start", token: server.tokens[who],
                                               json: ["workflow": "advertising", "brief": brief, "max_cost": 5.0])
        #expect(started.status == 201, "\(started.text)")
        let job = try #require(started.json["job"] as? String)
        let approval = try #require(try server.eventually { try pending(server, job: job).first }, "no approval request came")
        return (job, approval)
    }

    static func pending(_ server: ServerProcess, job: String, token: String? = nil) throws -> [[String: Any]] {
        let reply = try server.probe.request("GET", "/api/approval?status=pending", token: token ?? server.tokens["ada"])
        return ((reply.json["approvals"] as? [[String: Any]]) ?? []).filter { $0["job"] as? String == job }
    }

    @Test func signInIsRequiredAndErrorsAreJSON() throws {
        let server = try ServerProcess()
        try server.start()
        let p = server.probe
        let anonymous = try p.request("GET", "/api/production")
        #expect(anonymous.status == 401 && anonymous.json["error"] is String)
        #expect(try p.request("GET", "/api/production", token: "kjk_nobody").status == 401)
        #expect(try p.request("GET", "/api/openapi.json").status == 200)
        let token = server.tokens["ada"]!
        let missing = try p.request("GET", "/api/production/ffffffff", token: token)
        #expect(missing.status == 404 && (missing.json["error"] as? String)?.contains("no job") == true)
        #expect(try p.request("GET", "/api/nothing-here", token: token).status == 404)
        let notJSON = try p.request("POST", "/api/production/start", token: token, headers: ["Content-Type": "application/json"], body: Data("{oops".utf8))
        #expect(notJSON.status == 400 && notJSON.json["error"] != nil)
        let unknown = try p.request("POST", "/api/production/start", token: token, json: ["workflow": "../../etc/passwd", "brief": "x"])
        #expect(unknown.status == 400)
        let empty = try p.request("POST", "/api/production/start", token: token, json: ["workflow": "social", "brief": "   "])
        #expect(empty.status == 400)
        let badCost = try p.request("POST", "/api/production/start", token: token, json: ["workflow": "social", "brief": "b", "max_cost": "lots"])
        #expect(badCost.status == 400)
        let outside = try p.request("POST", "/api/production/start", token: token, json: ["workflow": "social", "brief": "b", "media": ["/etc"]])
        #expect(outside.status == 403, "\(outside.text)")
        let escape = try p.request("POST", "/api/production/start", token: token, json: ["workflow": "social", "brief": "b", "media": ["../"]])
        #expect(escape.status == 403, "\(escape.text)")
        // A brief that names a file on the server is kept as text, never read.
        let named = try p.request("POST", "/api/production/start", token: token, json: ["workflow": "social", "brief": "/etc/hostname"])
        #expect(named.status == 201)
        let job = try #require(named.json["job"] as? String)
        #expect(try p.request("GET", "/api/production/\(job)", token: token).json["brief"] as? String == "/etc/hostname")
        let workflows = try p.request("GET", "/api/workflows", token: token).json["workflows"] as? [[String: Any]] ?? []
        #expect(Set(workflows.compactMap { $0["name"] as? String }) == ["advertising", "film", "social"])
        #expect(workflows.allSatisfy { ($0["gates"] as? [Any])?.isEmpty == false && $0["cost_estimate"] is Double })
    }

    @Test func rolesDecideGatesAndClientsSeeOnlyTheirJobs() throws {
        let server = try ServerProcess()
        try server.start()
        let p = server.probe
        let (job, approval) = try Self.startAndWait(server)
        let id = try #require(approval["id"] as? String), hash = try #require(approval["content_hash"] as? String)
        #expect(approval["role"] as? String == "Creative Director")
        // A client not added to the job sees nothing of it.
        let carl = server.tokens["carl"]!
        #expect(try p.request("GET", "/api/production/\(job)", token: carl).status == 404)
        #expect((try p.request("GET", "/api/production", token: carl).json["jobs"] as? [Any])?.isEmpty == true)
        #expect(try p.request("GET", "/api/approval/\(id)", token: carl).status == 404)
        // Added, the client sees the job but not the Creative Director's approval, and cannot decide it.
        #expect(try Program.run(Program.kijko, ["users", "grant", "carl", job, "--db", server.db]).status == 0)
        #expect(try p.request("GET", "/api/production/\(job)", token: carl).status == 200)
        #expect(try Self.pending(server, job: job, token: carl).isEmpty)
        #expect(try p.request("GET", "/api/approval/\(id)", token: carl).status == 403)
        #expect(try p.request("POST", "/api/approval/\(id)/approve", token: carl, json: ["content_hash": hash]).status == 403)
        // The Creative Director: the hash is required and must be current; a rejection needs feedback.
        let cleo = server.tokens["cleo"]!
        #expect(try p.request("POST", "/api/approval/\(id)/approve", token: cleo, json: [:]).status == 400)
        let stale = try p.request("POST", "/api/approval/\(id)/approve", token: cleo, json: ["content_hash": String(repeating: "0", count: 64)])
        #expect(stale.status == 409, "\(stale.text)")
        #expect(try p.request("POST", "/api/approval/\(id)/reject", token: cleo, json: ["content_hash": hash]).status == 400)
        let rejected = try p.request("POST", "/api/approval/\(id)/reject", token: cleo,
                                     json: ["content_hash": hash, "feedback": "Name the client Pedal Post, not Lisbon."])
        #expect(rejected.status == 200 && rejected.json["decided_by"] as? String == "cleo (creative_director)", "\(rejected.text)")
        // The step runs again and the gate asks anew, showing the revision before it and its feedback.
        let second = try #require(try server.eventually { try Self.pending(server, job: job).first { $0["id"] as? String != id } })
        let secondID = try #require(second["id"] as? String), secondHash = try #require(second["content_hash"] as? String)
        let view = try p.request("GET", "/api/approval/\(secondID)", token: cleo).json
        let revisions = view["revisions"] as? [[String: Any]] ?? []
        #expect(revisions.count == 1 && revisions.first?["feedback"] as? String == "Name the client Pedal Post, not Lisbon.")
        #expect(view["can_decide"] as? Bool == true)
        // Six approvals of one request at once: exactly one wins.
        let statuses = SharedStatuses()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let status = (try? p.request("POST", "/api/approval/\(secondID)/approve", token: cleo, json: ["content_hash": secondHash]).status) ?? 0
            statuses.add(status)
        }
        #expect(statuses.sorted == [200, 409, 409, 409, 409, 409], "\(statuses.sorted)")
        // On to the concept gate, where the Creative Director chooses one of the ranked concepts.
        let concept = try #require(try server.eventually { try Self.pending(server, job: job).first { $0["step"] as? String == "concept_review" } })
        let conceptID = try #require(concept["id"] as? String), conceptHash = try #require(concept["content_hash"] as? String)
        let choices = try p.request("GET", "/api/approval/\(conceptID)", token: cleo).json["choices"] as? [String] ?? []
        #expect(choices.count >= 2)
        #expect(try p.request("POST", "/api/approval/\(conceptID)/approve", token: cleo, json: ["content_hash": conceptHash, "choice": choices.count]).status == 400)
        let chosen = try p.request("POST", "/api/approval/\(conceptID)/approve", token: cleo, json: ["content_hash": conceptHash, "choice": 1])
        #expect(chosen.status == 200, "\(chosen.text)")
        let detail = try p.request("GET", "/api/production/\(job)", token: server.tokens["pam"]).json
        let approvals = detail["approvals"] as? [[String: Any]] ?? []
        let decided = approvals.first { $0["id"] as? String == conceptID }
        #expect((decided?["choice"] as? [String: Any])?["title"] as? String == choices[1])
        #expect(approvals.filter { $0["by"] as? String == "cleo (creative_director)" }.count == 3)
        // The script is written for the concept chosen, not the top-ranked one.
        let script = try server.eventually { () -> [String: Any]? in
            let steps = try p.request("GET", "/api/production/\(job)", token: cleo).json["steps"] as? [[String: Any]] ?? []
            return steps.first { $0["step"] as? String == "script" && $0["status"] as? String == "completed" }
        }
        let scriptDoc = ((script?["artefacts"] as? [[String: Any]]) ?? []).first { $0["type"] as? String == "markdown" }?["url"] as? String
        let scriptText = try scriptDoc.map { try p.request("GET", $0, token: cleo).text } ?? ""
        #expect(scriptText.contains(choices[1]) && !scriptText.contains(choices[0]), "the script does not follow the chosen concept")
        // Metrics see both runs of the VRD and the Creative Director's decisions.
        let metrics = try p.request("GET", "/api/langfuse/agent-metrics", token: server.tokens["ada"]).json
        let vrd = (metrics["agents"] as? [[String: Any]] ?? []).first { $0["agent"] as? String == "vrd" }
        #expect(vrd?["runs"] as? Int == 2 && vrd?["p95_duration"] is Double)
        #expect((metrics["approvals"] as? [[String: Any]] ?? []).contains { $0["role"] as? String == "Creative Director" && $0["rejected"] as? Int == 1 })
        let waiting = try p.request("GET", "/api/production?state=waiting", token: server.tokens["ada"]).json["jobs"] as? [[String: Any]] ?? []
        let done = try p.request("GET", "/api/production?state=completed", token: server.tokens["ada"]).json["jobs"] as? [[String: Any]] ?? []
        #expect(waiting.contains { $0["id"] as? String == job } || done.isEmpty)
    }

    @Test func eventsFollowAJobLive() throws {
        let server = try ServerProcess()
        try server.start()
        let (job, approval) = try Self.startAndWait(server)
        var decided = false
        let seen = try server.probe.stream("/api/production/\(job)/events", token: server.tokens["ada"]!) { text in
            if !decided, text.contains("event: snapshot") {
                decided = true
                _ = try? server.probe.request("POST", "/api/approval/\(approval["id"] as! String)/approve", token: server.tokens["cleo"],
                                              json: ["content_hash": approval["content_hash"] as! String])
            }
            return text.contains("event: approval.decided") && text.contains("event: step.completed") && text.contains("event: approval.requested")
        }
        #expect(seen.hasPrefix("HTTP/1.1 200"), "\(seen.suffix(3000))")
        #expect(seen.lowercased().contains("content-type: text/event-stream"))
        for name in ["snapshot", "approval.decided", "step.started", "step.completed", "approval.requested", "job.state"] {
            #expect(seen.contains("event: \(name)\n"), "no \(name) event")
        }
    }

    @Test func artefactsAreServedInRangesAndNothingOutsideTheJob() throws {
        let server = try ServerProcess()
        try server.start()
        let p = server.probe, token = server.tokens["ada"]!
        let (job, _) = try Self.startAndWait(server)
        let steps = try p.request("GET", "/api/production/\(job)", token: token).json["steps"] as? [[String: Any]] ?? []
        let files = (steps.first?["artefacts"] as? [[String: Any]]) ?? []
        let doc = try #require(files.first { $0["type"] as? String == "markdown" })
        let url = try #require(doc["url"] as? String)
        let whole = try p.request("GET", url, token: token)
        #expect(whole.status == 200 && whole.headers["content-type"]?.hasPrefix("text/markdown") == true && whole.headers["accept-ranges"] == "bytes")
        #expect(whole.body.count > 20)
        let part = try p.request("GET", url, token: token, headers: ["Range": "bytes=5-14"])
        #expect(part.status == 206 && part.body == whole.body[5..<15] && part.headers["content-range"] == "bytes 5-14/\(whole.body.count)")
        let tail = try p.request("GET", url, token: token, headers: ["Range": "bytes=-7"])
        #expect(tail.status == 206 && tail.body == whole.body.suffix(7))
        let beyond = try p.request("GET", url, token: token, headers: ["Range": "bytes=\(whole.body.count)-"])
        #expect(beyond.status == 416 && beyond.headers["content-range"] == "bytes */\(whole.body.count)")
        let head = try p.request("HEAD", url, token: token)
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == String(whole.body.count))
        #expect(try p.request("GET", url).status == 401)
        // Ways out of the job's folder, each refused (and never the store's bytes).
        let folder = server.folder + "/artefacts/" + job.prefix(8)
        try FileManager.default.createSymbolicLink(atPath: folder + "/escape", withDestinationPath: server.db)
        try FileManager.default.createSymbolicLink(atPath: folder + "/up", withDestinationPath: server.folder)
        for path in ["/artefacts/\(job)/../../studio.sqlite", "/artefacts/\(job)/%2e%2e/%2e%2e/studio.sqlite",
                     "/artefacts/\(job)/brief_intake-0%2F..%2F..%2Fstudio.sqlite", "/artefacts/\(job)/..%5C..%5Cstudio.sqlite",
                     "/artefacts/\(job)/escape", "/artefacts/\(job)/up/studio.sqlite", "/artefacts/\(job)/./escape",
                     "/artefacts/\(job)/brief_intake-0/vrd.md%00.png"] {
            let reply = try p.request("GET", path, token: token)
            #expect(reply.status == 403 || reply.status == 404, "\(path): \(reply.status)")
            #expect(!reply.text.hasPrefix("SQLite format"), "\(path) reached the store")
        }
        #expect(try p.request("GET", "/artefacts/\(job)/brief_intake-0/nothing.md", token: token).status == 404)
    }

    @Test func aKilledServerResumesItsJobOnRestart() throws {
        let server = try ServerProcess()
        try server.start(environment: ["KIJKO_FAULT_KILL_IN_STEP": "concepts"])
        let (job, approval) = try Self.startAndWait(server)
        // The run the approval starts may kill the server before the reply is written: a cut connection is
        // as good as a 200 here, and the resumed job below proves the approval was kept.
        let approved = try? server.probe.request("POST", "/api/approval/\(approval["id"] as! String)/approve", token: server.tokens["cleo"],
                                                 json: ["content_hash": approval["content_hash"] as! String])
        #expect(approved == nil || approved?.status == 200)
        // The server dies (SIGKILL) inside the concepts step.
        #expect(server.eventually { server.isRunning ? nil : true } == true, "the server was not killed in the step")
        server.stop()
        try server.start()
        // Nobody asks: on restart the server takes the job up and runs it to its next gate.
        let next = try server.eventually { try Self.pending(server, job: job).first { $0["step"] as? String == "concept_review" } }
        #expect(next != nil, "the job did not resume")
        let steps = try server.probe.request("GET", "/api/production/\(job)", token: server.tokens["ada"]).json["steps"] as? [[String: Any]] ?? []
        #expect(steps.first { $0["step"] as? String == "concepts" }?["status"] as? String == "completed")
        #expect(steps.first { $0["step"] as? String == "concepts" }?["earlier"] as? Int == 1)
    }

    @Test func theDashboardSessionIsACookieWithCSRF() throws {
        let server = try ServerProcess()
        try server.start()
        let p = server.probe, token = server.tokens["pam"]!
        let page = try p.request("GET", "/", headers: ["Accept": "text/html"])
        #expect(page.status == 303 && page.headers["location"]?.hasPrefix("/login") == true)
        let wrong = try p.request("POST", "/login", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data("token=kjk_wrong".utf8))
        #expect(wrong.status == 401)
        let login = try p.request("POST", "/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                  body: Data("token=\(token)&next=%2Fjobs".utf8))
        let cookie = login.headers["set-cookie"] ?? ""
        #expect(login.status == 303 && login.headers["location"] == "/jobs")
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let session = ["Cookie": "kijko_session=\(token)"]
        let home = try p.request("GET", "/", headers: session)
        #expect(home.status == 200 && home.text.contains("data-testid=\"workflow-advertising\""))
        // A post with the cookie and no CSRF token is refused; with the page's token it goes through.
        let forged = try p.request("POST", "/api/production/start", headers: session, json: ["workflow": "social", "brief": "b"])
        #expect(forged.status == 403)
        let csrf = try #require(home.text.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression).map { String(home.text[$0]).split(separator: "\"")[3] })
        let started = try p.request("POST", "/api/production/start", headers: session.merging(["X-CSRF-Token": String(csrf)]) { $1 },
                                    json: ["workflow": "social", "brief": "b"])
        #expect(started.status == 201)
        let form = try p.request("POST", "/start/social", headers: session.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 },
                                 body: Data("brief=Hello&csrf=nope".utf8))
        #expect(form.status == 403)
    }

    @Test func aBriefFileComesAsMultipart() throws {
        let server = try ServerProcess()
        try server.start()
        let boundary = "kijko-test-boundary"
        var body = ""
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"workflow\"\r\n\r\nsocial\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"brief\"; filename=\"brief.md\"\r\nContent-Type: text/markdown\r\n\r\n# Brief\n\(Self.brief)\r\n"
        body += "--\(boundary)--\r\n"
        let reply = try server.probe.request("POST", "/api/production/start", token: server.tokens["pam"],
                                             headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: Data(body.utf8))
        #expect(reply.status == 201, "\(reply.text)")
        let job = try #require(reply.json["job"] as? String)
        #expect((try server.probe.request("GET", "/api/production/\(job)", token: server.tokens["pam"]).json["brief"] as? String)?.hasPrefix("# Brief") == true)
        let broken = try server.probe.request("POST", "/api/production/start", token: server.tokens["pam"],
                                              headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], body: Data("--\(boundary)\r\nno".utf8))
        #expect(broken.status == 400)
    }
}

final class SharedStatuses: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Int] = []
    func add(_ status: Int) { lock.lock(); all.append(status); lock.unlock() }
    var sorted: [Int] { lock.lock(); defer { lock.unlock() }; return all.sorted() }
}

/// The live server against its OpenAPI document (`Tests/browser/openapi_check.py`, jsonschema
/// from `.build/web-venv`).
@Suite(.serialized) struct OpenAPIConformanceTests {
    @Test func theServerAnswersAsItsDocumentSays() throws {
        let python = Program.root.appendingPathComponent(".build/web-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("jsonschema missing: run scripts/test (it installs .build/web-venv)")
            return
        }
        let server = try ServerProcess()
        try server.start()
        let (job, approval) = try ServerAPITests.startAndWait(server)
        let result = try Program.run(python, [Program.root.appendingPathComponent("Tests/browser/openapi_check.py").path,
                                              server.url, server.tokens["ada"]!, job, approval["id"] as! String])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr.suffix(1500))")
        // Every route the server has is in the document.
        let document = try String(contentsOf: Program.root.appendingPathComponent("Sources/KijkoServer/OpenAPIDocument.swift"), encoding: .utf8)
        for route in ["/api/workflows", "/api/me", "/api/production/start", "/api/production", "/api/production/{id}", "/api/production/{id}/events",
                      "/api/approval", "/api/approval/{id}", "/api/approval/{id}/approve", "/api/approval/{id}/reject",
                      "/api/langfuse/agent-metrics", "/artefacts/{job}/{path}", "/api/openapi.json"] {
            #expect(document.contains("\"\(route)\": {"), "\(route) is not documented")
        }
    }
}

/// A media step's progress reaches the browser: a social job from a master renders its platform
/// versions, and the job's events carry `step.progress` with the fraction done.
@Suite(.serialized) struct ServerProgressTests {
    @Test func aRenderReportsProgressThroughTheEvents() throws {
        let server = try ServerProcess()
        let master = server.media + "/master.mp4"
        let made = try Program.run(Program.kijko, ["synth", master, "--size", "640x360", "--duration", "12", "--pattern", "subject"])
        #expect(made.status == 0, "\(made.stderr)")
        try server.start()
        let started = try server.probe.request("POST", "/api/production/start", token: server.tokens["pam"],
                                               json: ["workflow": "social", "brief": ServerAPITests.brief, "master": "master.mp4"])
        #expect(started.status == 201, "\(started.text)")
        let job = try #require(started.json["job"] as? String)
        let seen = try server.probe.stream("/api/production/\(job)/events", token: server.tokens["pam"]!) { text in
            text.contains("event: approval.requested") || text.contains("event: step.failed")
        }
        let fractions = seen.components(separatedBy: "event: step.progress\ndata: ").dropFirst().compactMap { chunk -> Double? in
            guard let line = chunk.split(separator: "\n").first,
                  let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  json["step"] as? String == "platform_versions" else { return nil }
            return json["fraction"] as? Double
        }
        #expect(!seen.contains("event: step.failed"), "\(seen.suffix(1500))")
        #expect(fractions.count >= 3, "the render reported \(fractions.count) progress events")
        #expect((fractions.max() ?? 0) >= 0.5 && fractions.allSatisfy { (0...1).contains($0) }, "\(fractions)")
        // Versions are files of the job: served as video with byte ranges.
        let steps = try server.probe.request("GET", "/api/production/\(job)", token: server.tokens["pam"]).json["steps"] as? [[String: Any]] ?? []
        let video = (steps.first { $0["step"] as? String == "platform_versions" }?["artefacts"] as? [[String: Any]] ?? [])
            .first { $0["type"] as? String == "video" }?["url"] as? String
        let url = try #require(video)
        let head = try server.probe.request("GET", url, token: server.tokens["pam"], headers: ["Range": "bytes=0-7"])
        #expect(head.status == 206 && head.headers["content-type"] == "video/mp4" && head.body.count == 8)
    }
}
