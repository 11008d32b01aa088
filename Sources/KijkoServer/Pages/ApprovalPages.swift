import Foundation
import Hummingbird
import KijkoCore
import KijkoPipeline

/// The reviewer's inbox, and one approval: what is reviewed beside the previous revision and its
/// feedback, the decision form, and the gate's history.
extension Pages {
    static func approvals(pending: [PipelineStore.ApprovalRecord], decided: [PipelineStore.ApprovalRecord], person: PipelineStore.Person,
                          csrf: String?) -> Response {
        let inbox = pending.map { (a) -> String in
            let mine = person.role.decides(gateRole: a.role)
            return """
            <a class="card" href="/approvals/\(e(a.id))" data-testid="approval-\(e(a.id))">
              <div class="row">\(badge(mine ? "yours to decide" : "for the \(a.role)"))<strong>\(e(a.approval.replacingOccurrences(of: "_", with: " ").capitalized))</strong></div>
              <p class="small muted">job \(e(String(a.job.prefix(8)))) · step \(e(a.step)) · asked \(PageText.time(a.createdAt))</p>
            </a>
            """
        }.joined()
        let history = decided.suffix(30).reversed().map { (a) -> String in
            """
            <tr><td><a href="/approvals/\(e(a.id))">\(e(a.approval))</a></td><td>\(badge(a.status))</td><td>\(e(a.by ?? ""))</td>
            <td class="small">\(e(a.feedback ?? ""))</td><td class="small">\(PageText.time(a.decidedAt))</td></tr>
            """
        }.joined()
        return page("Approvals", here: "/approvals", person: person, csrf: csrf, """
        <h1>Approvals</h1>
        \(pending.isEmpty ? "<p class=\"muted\">Nothing waits for a decision.</p>" : "<div class=\"cards\">\(inbox)</div>")
        <h2>Decided</h2>\(history.isEmpty ? "<p class=\"muted\">No decisions yet.</p>" : "<table><tr><th>What</th><th>Decision</th><th>By</th><th>Feedback</th><th>When</th></tr>\(history)</table>")
        """)
    }

    static func approval(_ view: ApprovalView, folder: String, person: PipelineStore.Person, csrf: String?, flash: String? = nil) -> Response {
        let a = view.approval
        let previous = view.revisions.last
        let current = """
        <div class="side"><h2>This revision</h2>\(view.artefacts.filter { $0.url != nil }.map { preview($0, folder: folder) }.joined())
        \(contentHTML(a.content?["content"]))</div>
        """
        let before = previous.map { (p) -> String in
            """
            <div class="side"><h2>Previous revision</h2><p>\(badge(p.status)) by \(e(p.by ?? "—"))</p>
            \(p.feedback.map { "<p class=\"note\" data-testid=\"previous-feedback\"><strong>Feedback:</strong> \(e($0))</p>" } ?? "")
            \(contentHTML(p.content?["content"]))</div>
            """
        } ?? ""
        let choices = view.choices.isEmpty || !view.canDecide ? "" : """
        <fieldset><legend>Choose one</legend>\(view.choices.enumerated().map { (i, title) -> String in
            "<label class=\"small\" style=\"display:block;font-weight:400\"><input type=\"radio\" name=\"choice\" value=\"\(i)\"\(i == 0 ? " checked" : "") data-testid=\"choice-\(i)\"> \(e(title))</label>"
        }.joined())</fieldset>
        """
        let held = view.held.isEmpty ? "" : """
        <div class="note" data-testid="held"><strong>Held: QC failed.</strong> Traffic and distribution wait until this is rejected for a fix,
        or approved with the reason to deliver anyway.<ul>\(view.held.map { "<li>\(e($0))</li>" }.joined())</ul></div>
        """
        let override = view.held.isEmpty || !view.canDecide ? "" : """
          <label for="override">Override QC — why deliver anyway (required to approve)</label>
          <textarea id="override" name="override" data-testid="override" style="min-height:3rem"></textarea>
        """
        let form = view.canDecide ? """
        <h2>Your decision</h2><form class="stack" method="post" action="/approvals/\(e(a.id))/decide">
          \(hidden("csrf", csrf ?? ""))\(hidden("content_hash", a.contentHash))
          \(choices)\(override)
          <label for="feedback">Feedback (required to reject)</label>
          <textarea id="feedback" name="feedback" data-testid="feedback" style="min-height:6rem"></textarea>
          <div class="row"><button name="decision" value="approve" data-testid="approve">Approve</button>
          <button class="danger" name="decision" value="reject" data-testid="reject">Reject with feedback</button></div>
        </form>
        """ : a.status == "pending" ? "<p class=\"note\">This is for the \(e(a.role)) to decide.</p>" : ""
        let history = view.revisions.map { (r) -> String in
            "<tr><td>\(PageText.time(r.createdAt))</td><td>\(badge(r.status))</td><td>\(e(r.by ?? ""))</td><td class=\"small\">\(e(r.feedback ?? ""))</td></tr>"
        }.joined()
        return page("Approve \(a.approval)", here: "/approvals", person: person, csrf: csrf, """
        <h1>\(e(a.approval.replacingOccurrences(of: "_", with: " ").capitalized)) for the \(e(a.role)) \(badge(a.status, testid: "approval-status"))</h1>
        <p class="muted">\(e(view.workflow)) job <a href="/jobs/\(e(a.job))">\(e(String(a.job.prefix(8))))</a> · step \(e(a.step)) · asked \(PageText.time(a.createdAt))
        \(a.by.map { " · decided by \(e($0))" } ?? "")</p>
        \(flash.map { "<p class=\"note\" data-testid=\"flash\">\(e($0))</p>" } ?? "")
        \(a.feedback.map { "<p class=\"note\"><strong>Feedback:</strong> \(e($0))</p>" } ?? "")
        \(held)
        <div class="\(previous == nil ? "" : "sides")">\(current)\(before)</div>
        \(form)
        \(history.isEmpty ? "" : "<h2>Earlier decisions on this gate</h2><table><tr><th>Asked</th><th>Decision</th><th>By</th><th>Feedback</th></tr>\(history)</table>")
        """)
    }

    /// A reviewed output (JSON) as a person reads it: fields and lists, nested, text escaped.
    static func contentHTML(_ value: JSONValue?, depth: Int = 0) -> String {
        guard let value else { return "" }
        switch value {
        case .null: return "<span class=\"muted\">—</span>"
        case .bool(let b): return b ? "yes" : "no"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(format: "%.2f", n)
        case .string(let s): return s.contains("\n") ? "<div class=\"doc\">\(Markdown.html(s))</div>" : e(s)
        case .array(let items):
            guard depth < 6 else { return "…" }
            return "<ol class=\"small\">" + items.prefix(50).map { "<li>\(contentHTML($0, depth: depth + 1))</li>" }.joined() + "</ol>"
        case .object(let fields):
            guard depth < 6 else { return "…" }
            let shown = fields.filter { !["artefacts", "provenance", "model", "workFolder"].contains($0.key) }.sorted { $0.key < $1.key }
            return "<dl class=\"kv small\">" + shown.map { "<dt>\(e($0.key.replacingOccurrences(of: "_", with: " ")))</dt><dd>\(contentHTML($0.value, depth: depth + 1))</dd>" }.joined() + "</dl>"
        }
    }
}
