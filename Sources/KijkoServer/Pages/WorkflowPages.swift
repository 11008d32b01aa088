import Foundation
import Hummingbird
import KijkoPipeline

/// The first page (the workflows, each a card) and a workflow's start form.
extension Pages {
    static func workflows(_ catalog: [WorkflowCatalog], person: PipelineStore.Person, csrf: String?) -> Response {
        let cards = catalog.map { (w) -> String in
            let gates = w.gates.map { "\(e($0.role)): \(e($0.approval))" }.joined(separator: " · ")
            return """
            <a class="card" href="/start/\(e(w.name))" data-testid="workflow-\(e(w.name))">
              <h3>\(e(w.name.capitalized))</h3><p class="muted">\(e(w.description))</p>
              <p class="small">\(w.steps.count - w.gates.count) agent steps, \(w.gates.count) approval gates</p>
              <p class="small"><strong>Gates:</strong> \(gates)</p>
              <p class="small">\(w.estimatedDuration.map { "about \(PageText.seconds(Double($0) * 60))" } ?? "") \(w.costEstimate.map { "· about \(PageText.money($0))" } ?? "")</p>
            </a>
            """
        }.joined()
        return page("Workflows", here: "/", person: person, csrf: csrf, """
        <h1>Start a production</h1><p class="muted">Pick a workflow; give it a brief (and footage, where it cuts).</p><div class="cards">\(cards)</div>
        """)
    }

    static func startForm(_ w: WorkflowCatalog, person: PipelineStore.Person, csrf: String?, mediaRoots: [String], error: String? = nil) -> Response {
        let steps = w.steps.map { s in s.agent.map { "<li>\(e(s.id)) <span class=\"muted\">(\(e($0)))</span></li>" }
            ?? "<li><strong>\(e(s.id))</strong> <span class=\"muted\">— approval</span></li>" }.joined()
        let media = mediaRoots.isEmpty ? "<p class=\"muted small\">This server takes no footage folders (started without --media-root).</p>" : """
          <label for="media">Footage folder (inside \(mediaRoots.map(e).joined(separator: ", ")))</label>
          <input type="text" id="media" name="media" placeholder="\(e(mediaRoots[0]))/shoot-day-1" data-testid="media">
          <label for="master">Finished master, for versions and QC (a file there)</label>
          <input type="text" id="master" name="master" placeholder="\(e(mediaRoots[0]))/master.mov" data-testid="master">
        """
        return page("Start \(w.name)", here: "/", person: person, csrf: csrf, """
        <h1>Start: \(e(w.name.capitalized))</h1>
        \(error.map { "<p class=\"note error\">\(e($0))</p>" } ?? "")
        <div class="sides"><form class="stack side" method="post" action="/start/\(e(w.name))">
          \(hidden("csrf", csrf ?? ""))
          <label for="brief">Brief</label>
          <textarea id="brief" name="brief" data-testid="brief" placeholder="Paste the brief, or choose a file below" required></textarea>
          <input type="file" accept=".md,.txt,text/*" data-into="brief" aria-label="Brief file">
          \(media)
          <label for="max_cost">Stop before spending more than (USD, optional)</label>
          <input type="number" id="max_cost" name="max_cost" min="0" step="0.01">
          <div><button data-testid="start">Start the job</button></div>
        </form>
        <div class="side"><h2>Steps</h2><ol class="small">\(steps)</ol></div></div>
        """)
    }
}
