import Foundation
import Hummingbird
import KijkoAgents
import KijkoPipeline

/// Agents' and workflows' records, with bar charts (drawn as SVG here, no script).
extension Pages {
    static func metrics(_ m: ProductionMetrics, person: PipelineStore.Person, csrf: String?) -> Response {
        let agents = m.agents.map { (a) -> String in
            """
            <tr><td>\(a.traceUrl.map { "<a href=\"\(e($0))\">\(e(a.agent))</a>" } ?? e(a.agent))</td><td class="num">\(a.runs)</td>
            <td class="num">\(String(format: "%.0f%%", a.successRate * 100))</td><td class="num">\(PageText.seconds(a.meanDuration))</td>
            <td class="num">\(PageText.seconds(a.p95Duration))</td><td class="num">\(PageText.money(a.totalCost))</td><td class="num">\(a.tokens)</td></tr>
            """
        }.joined()
        let workflows = m.workflows.map { (w) -> String in
            """
            <tr><td>\(e(w.workflow))</td><td class="num">\(w.jobs)</td><td class="num">\(w.complete)</td><td class="num">\(w.waiting)</td>
            <td class="num">\(w.failed)</td><td class="num">\(PageText.money(w.meanCost))</td>
            <td class="num">\(w.estimatedCost.map { PageText.money($0) } ?? "—")\(w.costRatio.map { String(format: " (%.0f%%)", $0 * 100) } ?? "")</td>
            <td class="num">\(PageText.seconds(w.medianDuration))</td><td class="num">\(PageText.seconds(w.p95Duration))</td>
            <td class="num">\(String(format: "%.1f", w.meanRevisions))</td></tr>
            """
        }.joined()
        let cycles = m.approvals.map { (c) -> String in
            """
            <tr><td>\(e(c.role))</td><td>\(e(c.approval))</td><td class="num">\(c.decided)</td><td class="num">\(String(format: "%.0f%%", c.approvalRate * 100))</td>
            <td class="num">\(c.rejected)</td><td class="num">\(c.overridden)</td>
            <td class="num">\(PageText.seconds(c.medianSeconds))</td><td class="num">\(PageText.seconds(c.p95Seconds))</td></tr>
            """
        }.joined()
        let charts = [
            chart("Mean duration per agent", m.agents.map { ($0.agent, $0.meanDuration, PageText.seconds($0.meanDuration)) }),
            chart("Success rate per agent", m.agents.map { ($0.agent, $0.successRate, String(format: "%.0f%%", $0.successRate * 100)) }, max: 1),
            chart("Cost per agent (USD)", m.agents.map { ($0.agent, $0.totalCost, PageText.money($0.totalCost)) }),
            chart("Approval cycle time", m.approvals.map { ("\($0.role): \($0.approval)", $0.meanSeconds, PageText.seconds($0.meanSeconds)) }),
            chart("Approval rate per gate", m.approvals.map { ("\($0.role): \($0.approval)", $0.approvalRate, String(format: "%.0f%%", $0.approvalRate * 100)) }, max: 1),
        ].joined()
        return page("Metrics", here: "/metrics", person: person, csrf: csrf, """
        <h1>Metrics</h1>\(m.agents.isEmpty ? "<p class=\"muted\">No agent has run yet.</p>" : "<div class=\"charts\">\(charts)</div>")
        <h2>Agents</h2><table><tr><th>Agent</th><th class="num">Runs</th><th class="num">Success</th><th class="num">Mean</th><th class="num">p95</th><th class="num">Cost</th><th class="num">Tokens</th></tr>\(agents)</table>
        <h2>Workflows</h2><table><tr><th>Workflow</th><th class="num">Jobs</th><th class="num">Done</th><th class="num">Waiting</th><th class="num">Failed</th><th class="num">Cost/job</th><th class="num">Estimate (spent)</th><th class="num">Median time</th><th class="num">p95</th><th class="num">Revisions/job</th></tr>\(workflows)</table>
        <h2>Approvals</h2><table><tr><th>Role</th><th>Approval</th><th class="num">Decided</th><th class="num">Approved</th><th class="num">Rejected</th><th class="num">QC overrides</th><th class="num">Median wait</th><th class="num">p95</th></tr>\(cycles)</table>
        <h2>QC</h2><p data-testid="qc-catch">\(m.qc.audits == 0 ? "No QC has run yet." : String(format: "%d audits, %d failed: QC caught a fault before delivery in %.0f%% of them; %d approved past a failing QC with a reason.", m.qc.audits, m.qc.failed, m.qc.catchRate * 100, m.qc.overridden))</p>
        """)
    }

    /// A horizontal bar chart as inline SVG.
    static func chart(_ title: String, _ rows: [(label: String, value: Double, text: String)], max given: Double? = nil) -> String {
        guard !rows.isEmpty else { return "" }
        let top = Swift.max(given ?? rows.map(\.value).max() ?? 1, 1e-9)
        let rowHeight = 22, labelWidth = 170, barWidth = 150, height = rows.count * rowHeight + 8
        let bars = rows.enumerated().map { (i, row) -> String in
            let y = i * rowHeight + 4, w = Int((Swift.max(0, row.value) / top * Double(barWidth)).rounded())
            return """
            <text x="\(labelWidth - 6)" y="\(y + 15)" text-anchor="end" font-size="12" fill="#344054">\(e(row.label.count > 24 ? String(row.label.prefix(23)) + "…" : row.label))</text>
            <rect x="\(labelWidth)" y="\(y + 3)" width="\(w)" height="15" rx="3" fill="#3538cd"></rect>
            <text x="\(labelWidth + w + 5)" y="\(y + 15)" font-size="12" fill="#667085">\(e(row.text))</text>
            """
        }.joined()
        return """
        <div class="chart"><div class="small"><strong>\(e(title))</strong></div>
        <svg role="img" aria-label="\(e(title))" viewBox="0 0 \(labelWidth + barWidth + 70) \(height)" width="100%">\(bars)</svg></div>
        """
    }
}
