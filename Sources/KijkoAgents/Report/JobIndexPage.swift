import Foundation
import KijkoMedia
public import KijkoPipeline
import KijkoCore

/// `index.html` in a job's folder: one page linking every artefact the job made, step by step,
/// with pictures and videos shown inline, who drafted each output, notes, costs and the approvals
/// waiting. Links are relative, so the folder can be moved or zipped whole.
public enum JobIndexPage {
    /// Writes the page (atomically) and returns its path.
    @discardableResult
    public static func write(_ detail: PipelineStore.JobDetail, folder: String, note: String? = nil) throws -> String {
        try FileError.makeFolder(folder, what: "artefacts")
        let path = (folder as NSString).appendingPathComponent("index.html")
        try AtomicFile.write(Data(page(detail, folder: folder, note: note).utf8), to: path)
        return path
    }

    static func page(_ detail: PipelineStore.JobDetail, folder: String, note: String?) -> String {
        let e = Markup.escape
        let job = detail.job
        let drafts = detail.steps.filter { $0.provenance == "offline-draft" }.map(\.step)
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(e(job.workflow)) job \(e(String(job.id.prefix(8))))</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f5f3ef;color:#1d1f23}
            header{background:#1d2733;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
            main{padding:12px 28px 40px;max-width:1280px}
            .banner{background:#fff3cd;border:1px solid #e0b84a;padding:10px 14px;margin:14px 0;border-radius:6px}
            .step{background:#fff;border-radius:8px;padding:12px 16px;margin:12px 0;box-shadow:0 1px 2px #0002}
            .step h2{font-size:17px;margin:0 0 6px}.meta{color:#5b6270;font-size:13px}
            .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;margin-left:6px;background:#e4e7eb}
            .offline-draft{background:#ffe3a3}.model{background:#cfe8ff}.native{background:#d9f2e3}.completed{background:#d9f2e3}
            .failed{background:#f8c9c9}.skipped{background:#eee;color:#777}.awaiting_approval{background:#ffe3a3}
            .files{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}.file{max-width:400px}
            .file img,.file video{max-width:400px;max-height:260px;display:block;border:1px solid #ccc;background:#000}
            ul.notes{margin:6px 0;color:#8a4b00}.summary{margin:6px 0 2px;font-weight:600}
            </style></head><body><header><h1>\(e(job.workflow.capitalized)) — \(e(job.client ?? "no client"))</h1>
            <div>job \(e(job.id)) · \(e(job.runState)) (\(e(job.status))) · \(String(format: "$%.4f", job.totalCost)) in model calls</div></header><main>
            """
        if let note { html += "<div class=\"banner\">\(e(note))</div>" }
        if !drafts.isEmpty {
            html += "<div class=\"banner\"><b>Offline drafts.</b> No model was configured, so \(drafts.count) step\(drafts.count == 1 ? "" : "s") (\(e(drafts.joined(separator: ", ")))) "
                + "were drafted deterministically from the brief by Kijko's offline provider — placeholders for review, not a model's work.</div>"
        }
        let pending = detail.approvals.filter { $0.status == "pending" }
        for request in pending {
            html += "<div class=\"banner\">Waiting for the \(e(request.role)) to approve the \(e(request.approval)): "
                + "<code>kijko approve \(e(String(request.id.prefix(8))))</code> or <code>kijko reject \(e(String(request.id.prefix(8)))) --feedback …</code></div>"
        }
        for step in detail.steps {
            html += "<section class=\"step\"><h2>\(e(step.step))<span class=\"badge \(e(step.status))\">\(e(step.status))</span>"
            if let provenance = step.provenance { html += "<span class=\"badge \(e(provenance))\">\(e(provenance))</span>" }
            html += "</h2><div class=\"meta\">\(e(step.agent))"
            if let d = step.durationSeconds { html += String(format: " · %.2f s", d) }
            if step.cost > 0 { html += String(format: " · $%.4f · %d tokens", step.cost, step.tokens) }
            if step.earlier > 0 { html += " · \(step.earlier) earlier run\(step.earlier == 1 ? "" : "s")" }
            html += "</div>"
            if let summary = step.summary { html += "<p class=\"summary\">\(e(summary))</p>" }
            if let error = step.error { html += "<ul class=\"notes\"><li>\(e(error))</li></ul>" }
            if !step.notes.isEmpty { html += "<ul class=\"notes\">" + step.notes.map { "<li>\(e($0))</li>" }.joined() + "</ul>" }
            let decisions = detail.approvals.filter { $0.step == step.step && $0.status != "pending" }
            for d in decisions {
                html += "<div class=\"meta\">\(e(d.status)) by \(e(d.by ?? "?"))\(d.feedback.map { ": “\(e($0))”" } ?? "")</div>"
            }
            if !step.artefacts.isEmpty {
                html += "<div class=\"files\">"
                for artefact in step.artefacts {
                    let link = e(relative(artefact.path, to: folder))
                    html += "<div class=\"file\">"
                    switch artefact.type {
                    case "png", "jpeg": html += "<a href=\"\(link)\"><img src=\"\(link)\" alt=\"\(e(artefact.name))\"></a>"
                    case "video": html += "<video controls preload=\"metadata\" src=\"\(link)#t=1\"></video>"
                    default: break
                    }
                    html += "<a href=\"\(link)\">\(e(artefact.name))</a> <span class=\"meta\">\(e(artefact.type))</span></div>"
                }
                html += "</div>"
            }
            html += "</section>"
        }
        return html + "</main></body></html>\n"
    }

    /// `path` relative to `folder` when inside it, else a file URL.
    static func relative(_ path: String, to folder: String) -> String {
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        if path.hasPrefix(base) {
            return String(path.dropFirst(base.count)).split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/")
        }
        return URL(fileURLWithPath: path).absoluteString
    }
}
