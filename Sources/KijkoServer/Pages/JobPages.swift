import Foundation
import Hummingbird
import KijkoPipeline

/// The jobs list and a job's page: the live agent tree with each step's files shown in place.
extension Pages {
    static func jobs(_ jobs: [PipelineStore.JobSummary], person: PipelineStore.Person, csrf: String?) -> Response {
        let rows = jobs.map { (j) -> String in
            """
            <tr><td><a href="/jobs/\(e(j.id))">\(e(String(j.id.prefix(8))))</a></td><td>\(e(j.workflow))</td>
            <td>\(badge(PageText.state(j.runState)))</td><td class="hide-narrow">\(e(j.status))</td>
            <td class="hide-narrow">\(e(j.currentAgent ?? ""))</td><td class="num">\(PageText.money(j.totalCost))</td><td class="small">\(PageText.time(j.createdAt))</td></tr>
            """
        }.joined()
        return page("Jobs", here: "/jobs", person: person, csrf: csrf, """
        <h1>Jobs</h1>\(jobs.isEmpty ? "<p class=\"muted\">No jobs yet: <a href=\"/\">start one</a>.</p>" : """
        <table><tr><th>Job</th><th>Workflow</th><th>State</th><th class="hide-narrow">Phase</th><th class="hide-narrow">Now</th><th class="num">Cost</th><th>Started</th></tr>\(rows)</table>
        """)
        """)
    }

    static func job(_ view: JobView, folder: String, person: PipelineStore.Person, csrf: String?) -> Response {
        page("Job \(view.job.id.prefix(8))", here: "/jobs", person: person, csrf: csrf, job: view.job.id, """
        <h1>\(e(view.job.workflow.capitalized)) job <span class="muted">\(e(String(view.job.id.prefix(8))))</span></h1>
        <div id="live">\(live(view, folder: folder))</div>
        <h2>Brief</h2><div class="side doc">\(Markdown.html(view.brief))</div>
        """)
    }

    /// The part of a job's page its events refresh.
    static func live(_ view: JobView, folder: String) -> String {
        let j = view.job
        let pending = view.approvals.filter { $0.status == "pending" }.map { (a) -> String in
            "<p class=\"note\">Waiting for the <strong>\(e(a.role))</strong> to approve the \(e(a.approval)): <a href=\"/approvals/\(e(a.id))\">review it</a></p>"
        }.joined()
        let steps = view.steps.map { stepRow($0, folder: folder) }.joined()
        return """
        <div class="row"><span>State</span> <span class="badge \(PageText.tone(j.runState))" data-testid="job-state">\(e(PageText.state(j.runState)))</span>
        <span class="muted">phase \(e(j.status))\(j.currentAgent.map { " · now \(e($0))" } ?? "") · \(PageText.money(j.totalCost))</span></div>
        \(j.error.map { "<p class=\"note error\">\(e($0))</p>" } ?? "")\(pending)
        <h2>Agents</h2><div class="steps">\(steps)</div>
        """
    }

    static func stepRow(_ s: StepView, folder: String) -> String {
        let facts = [s.durationSeconds.map(PageText.seconds), s.cost > 0 ? PageText.money(s.cost) : nil, s.tokens > 0 ? "\(s.tokens) tokens" : nil,
                     s.earlier > 0 ? "revision \(s.earlier)" : nil, s.provenance].compactMap { $0 }.joined(separator: " · ")
        let running = s.status == "running"
        let served = s.artefacts.filter { $0.url != nil }
        let previews = served.filter { Self.shown.contains($0.type) }.map { preview($0, folder: folder) }.joined()
        let files = served.filter { !Self.shown.contains($0.type) }.map { "<a href=\"\(e($0.url!))\">\(e($0.name))</a> <span class=\"muted\">\(e($0.type))</span>" }
            .joined(separator: " · ")
        return """
        <div class="step \(PageText.tone(s.status))" data-testid="step-\(e(s.step))" data-status="\(e(s.status))">
          <div class="head"><span class="name">\(e(s.step))</span><span class="muted small">\(e(s.agent))</span>\(badge(s.status))
          <span class="muted small">\(facts)</span>\(running ? "<span class=\"pct small\"></span>" : "")</div>
          \(running ? "<div class=\"bar\"><i></i></div>" : "")
          \(s.summary.map { "<div class=\"small\">\(e($0))</div>" } ?? "")\(s.error.map { "<div class=\"small note error\">\(e($0))</div>" } ?? "")
          \(files.isEmpty ? "" : "<div class=\"small files\">Files: \(files)</div>")\(previews.isEmpty ? "" : "<div class=\"previews\">\(previews)</div>")
        </div>
        """
    }

    /// Types shown in place (the rest are links).
    static let shown: Set<String> = ["video", "png", "jpeg", "jpg", "image", "html", "markdown"]

    /// A file shown as what it is: a player, a picture, a rendered document, the QC report.
    static func preview(_ a: ArtefactView, folder: String) -> String {
        guard let url = a.url else { return "" }
        let link = "<div class=\"small\"><a href=\"\(e(url))\">\(e(a.name))</a></div>"
        switch a.type {
        case "video":
            let id = "safe-" + String(url.hashValue.magnitude % 1_000_000_007)
            let vertical = a.name.hasPrefix("9:16")
            return """
            <div class="preview wide media">\(link)<div class="player"><video controls preload="metadata" src="\(e(url))"></video>
            <div class="safe" id="\(id)"><div class="action"></div><div class="title"></div>\(vertical ? "<div class=\"ui-top\"></div><div class=\"ui-bottom\"></div>" : "")</div></div>
            <label class="small"><input type="checkbox" data-safe="\(id)"> safe zones\(vertical ? " and platform UI" : "")</label></div>
            """
        case "png", "jpeg", "jpg", "image":
            return "<div class=\"preview\">\(link)<a href=\"\(e(url))\"><img src=\"\(e(url))\" alt=\"\(e(a.name))\" loading=\"lazy\"></a></div>"
        case "html":
            return "<div class=\"preview wide media\">\(link)<iframe src=\"\(e(url))\" title=\"\(e(a.name))\" loading=\"lazy\"></iframe></div>"
        case "markdown":
            return "<div class=\"preview wide doc\">\(link)\(document(a, folder: folder))</div>"
        default:
            return "<div class=\"preview small\">\(link)<span class=\"muted\">\(e(a.type))</span></div>"
        }
    }

    /// A Markdown file of the job's as HTML (the first 256 KB).
    static func document(_ a: ArtefactView, folder: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: (folder as NSString).appendingPathComponent(a.path)) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 256 * 1024)) ?? Data()
        return Markdown.html(String(decoding: data, as: UTF8.self))
    }
}
