import Foundation
import KijkoPipeline

/// `GET /api/langfuse/agent-metrics`: per agent, per workflow, and how long people take to decide.
struct MetricsView: Codable, Sendable {
    struct Agent: Codable, Sendable {
        var agent: String
        var runs: Int
        var completed: Int
        var failed: Int
        var successRate: Double
        /// Seconds.
        var meanDuration: Double
        var p95Duration: Double
        /// USD.
        var totalCost: Double
        var meanCost: Double
        var tokens: Int
        var llmCalls: Int
        /// The newest trace it is in, where Langfuse is configured (`LANGFUSE_HOST`).
        var traceUrl: String?
    }

    struct Workflow: Codable, Sendable {
        var workflow: String
        var jobs: Int
        var complete: Int
        var failed: Int
        var waiting: Int
        /// USD per job.
        var meanCost: Double
        /// Seconds from start to completion, over completed jobs.
        var meanDuration: Double?
    }

    struct ApprovalCycle: Codable, Sendable {
        var role: String
        var approval: String
        var decided: Int
        var rejected: Int
        /// Seconds from the request to the decision.
        var meanSeconds: Double
        var p95Seconds: Double
    }

    var agents: [Agent]
    var workflows: [Workflow]
    var approvals: [ApprovalCycle]

    init(agents metrics: [PipelineStore.AgentMetrics], jobs: [PipelineStore.JobSummary], approvals: [PipelineStore.ApprovalRecord],
         langfuse: String? = ProcessInfo.processInfo.environment["LANGFUSE_HOST"]) {
        let host = langfuse.flatMap { $0.isEmpty ? nil : ($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
        agents = metrics.map { m in
            Agent(agent: m.agent, runs: m.runs, completed: m.completed, failed: m.failed, successRate: m.successRate,
                  meanDuration: m.averageDuration, p95Duration: m.p95Duration, totalCost: m.totalCost, meanCost: m.averageCost,
                  tokens: m.totalTokens, llmCalls: m.llmCalls,
                  traceUrl: host.flatMap { h in m.lastJob.map { "\(h)/trace/" + $0.replacingOccurrences(of: "-", with: "") } })
        }
        let parse = ISO8601DateFormatter.withMilliseconds
        workflows = Dictionary(grouping: jobs, by: \.workflow).sorted { $0.key < $1.key }.map { name, group in
            let spans = group.compactMap { job -> Double? in
                guard let start = parse.date(from: job.createdAt), let end = job.completedAt.flatMap(parse.date) else { return nil }
                return end.timeIntervalSince(start)
            }
            return Workflow(workflow: name, jobs: group.count, complete: group.count { $0.runState == "complete" },
                            failed: group.count { $0.runState == "failed" }, waiting: group.count { $0.runState == "waiting" },
                            meanCost: group.map(\.totalCost).reduce(0, +) / Double(group.count),
                            meanDuration: spans.isEmpty ? nil : spans.reduce(0, +) / Double(spans.count))
        }
        let decided = approvals.filter { $0.decidedAt != nil }
        self.approvals = Dictionary(grouping: decided, by: { "\($0.role)\u{0}\($0.approval)" }).sorted { $0.key < $1.key }.map { _, group in
            let seconds = group.compactMap { a -> Double? in
                guard let start = parse.date(from: a.createdAt), let end = a.decidedAt.flatMap(parse.date) else { return nil }
                return max(0, end.timeIntervalSince(start))
            }
            let p95 = PipelineStore.percentile(95, of: seconds)
            return ApprovalCycle(role: group[0].role, approval: group[0].approval, decided: group.count,
                                 rejected: group.count { $0.status == "rejected" },
                                 meanSeconds: seconds.isEmpty ? 0 : seconds.reduce(0, +) / Double(seconds.count), p95Seconds: p95)
        }
    }
}

extension StudioServer {
    /// Metrics over the jobs `person` sees.
    func metricsView(_ person: PipelineStore.Person) throws -> MetricsView {
        let visible = try visibleJobs(person, state: nil)
        let ids = Set(visible.map(\.id))
        let agents = try jobs.store.metrics(jobs: person.role.seesEveryJob ? nil : visible.map(\.id))
        return MetricsView(agents: agents, jobs: visible, approvals: try jobs.store.approvals(status: nil).filter { ids.contains($0.job) })
    }
}
