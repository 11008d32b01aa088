import Foundation
import KijkoAgents

/// `kijko metrics` as tables a producer reads at a glance: agents, workflows, gates, QC.
enum MetricsTable {
    static func render(_ m: ProductionMetrics) -> String {
        var out = ["agent                  runs  success  avg time   avg cost     tokens"]
        for a in m.agents {
            out.append(a.agent.padding(toLength: 22, withPad: " ", startingAt: 0)
                       + String(format: " %5d  %6.1f %%  %7.3f s  $%8.4f  %9d", a.runs, a.successRate * 100, a.meanDuration, a.meanCost, a.tokens))
        }
        if !m.workflows.isEmpty {
            out += ["", "workflow      jobs  done  wait  fail   cost/job   estimate  median time    p95 time  revisions/job"]
            for w in m.workflows {
                out.append(w.workflow.padding(toLength: 12, withPad: " ", startingAt: 0)
                           + String(format: " %5d %5d %5d %5d  $%8.4f  %9@  %11@ %11@  %5.1f (max %d)", w.jobs, w.complete, w.waiting, w.failed, w.meanCost,
                                    w.estimatedCost.map { String(format: "$%.2f", $0) } ?? "—", time(w.medianDuration), time(w.p95Duration),
                                    w.meanRevisions, w.maxRevisions))
            }
        }
        if !m.approvals.isEmpty {
            out += ["", "gate                                decided  approval  rejected  overrides  median wait    p95 wait"]
            for g in m.approvals {
                out.append("\(g.role): \(g.approval)".padding(toLength: 35, withPad: " ", startingAt: 0)
                           + String(format: " %7d  %7.0f%%  %8d  %9d  %11@ %11@", g.decided, g.approvalRate * 100, g.rejected, g.overridden,
                                    time(g.medianSeconds), time(g.p95Seconds)))
            }
        }
        out += ["", m.qc.audits == 0 ? "QC: no audit yet"
            : String(format: "QC: %d audits, %d failed (catch rate %.0f%%), %d approved past a failing QC", m.qc.audits, m.qc.failed, m.qc.catchRate * 100, m.qc.overridden)]
        return out.joined(separator: "\n")
    }

    /// `12.3 s`, `4.2 min`, `3.1 h`; `—` for none.
    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        return seconds < 120 ? String(format: "%.1f s", seconds) : seconds < 7200 ? String(format: "%.1f min", seconds / 60) : String(format: "%.1f h", seconds / 3600)
    }
}
