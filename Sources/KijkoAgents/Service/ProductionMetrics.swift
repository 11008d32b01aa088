public import Foundation
public import KijkoPipeline

/// What a producer reads about the studio's work: per agent (runs, success, time, cost, tokens),
/// per workflow (jobs, outcomes, duration median and p95, estimated against actual cost,
/// revisions per job), per gate (approval cycle time, approval and rejection rates) and QC's
/// catch rate. `kijko metrics --json` and `GET /api/langfuse/agent-metrics` give this object.
public struct ProductionMetrics: Codable, Sendable {
    /// One agent's runs over the jobs asked about.
    public struct Agent: Codable, Sendable {
        public var agent: String
        public var runs: Int
        public var completed: Int
        public var failed: Int
        public var successRate: Double
        /// Seconds.
        public var meanDuration: Double
        public var p95Duration: Double
        /// USD.
        public var totalCost: Double
        public var meanCost: Double
        public var tokens: Int
        public var llmCalls: Int
        /// The newest trace it is in, where Langfuse is configured (`LANGFUSE_HOST`).
        public var traceUrl: String?
    }

    /// One workflow's jobs.
    public struct Workflow: Codable, Sendable {
        public var workflow: String
        public var jobs: Int
        public var complete: Int
        public var failed: Int
        public var waiting: Int
        /// USD per job, spent.
        public var meanCost: Double
        /// USD per job, as the workflow estimates it (`cost_estimate`), when it does.
        public var estimatedCost: Double?
        /// Spent over estimated, over the jobs that completed (1.0: on estimate).
        public var costRatio: Double?
        /// Seconds from start to completion, over completed jobs.
        public var meanDuration: Double?
        public var medianDuration: Double?
        public var p95Duration: Double?
        /// Rejections per job (each sent the job back for a revision).
        public var meanRevisions: Double
        public var maxRevisions: Int
    }

    /// One kind of gate (role and approval) over its decided requests.
    public struct Gate: Codable, Sendable {
        public var role: String
        public var approval: String
        public var decided: Int
        public var approved: Int
        public var rejected: Int
        /// approved / decided.
        public var approvalRate: Double
        /// Seconds from the request to the decision.
        public var meanSeconds: Double
        public var medianSeconds: Double
        public var p95Seconds: Double
        /// Approvals given past a failing QC (`--override`).
        public var overridden: Int
    }

    /// How often QC caught something before delivery.
    public struct QC: Codable, Sendable {
        /// QC steps that ran (each revision counts).
        public var audits: Int
        public var failed: Int
        /// failed / audits: the share of audits that found a fault to fix before delivery.
        public var catchRate: Double
        /// Failing verdicts a person approved past with a reason.
        public var overridden: Int
    }

    /// By agent name.
    public var agents: [Agent]
    /// By workflow name.
    public var workflows: [Workflow]
    /// By role and approval.
    public var approvals: [Gate]
    public var qc: QC

    /// Builds the figures from the store's records over the jobs asked about.
    public init(agents metrics: [PipelineStore.AgentMetrics], jobs: [PipelineStore.JobSummary], approvals: [PipelineStore.ApprovalRecord],
                qcVerdicts: [String], langfuse: String? = ProcessInfo.processInfo.environment["LANGFUSE_HOST"]) {
        let host = langfuse.flatMap { $0.isEmpty ? nil : ($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
        agents = metrics.map { m in
            Agent(agent: m.agent, runs: m.runs, completed: m.completed, failed: m.failed, successRate: m.successRate,
                  meanDuration: m.averageDuration, p95Duration: m.p95Duration, totalCost: m.totalCost, meanCost: m.averageCost,
                  tokens: m.totalTokens, llmCalls: m.llmCalls,
                  traceUrl: host.flatMap { h in m.lastJob.map { "\(h)/trace/" + $0.replacingOccurrences(of: "-", with: "") } })
        }
        let parse = ISO8601DateFormatter.withMilliseconds
        func seconds(_ from: String, _ to: String?) -> Double? {
            guard let start = parse.date(from: from), let end = to.flatMap(parse.date) else { return nil }
            return max(0, end.timeIntervalSince(start))
        }
        let rejections = Dictionary(grouping: approvals.filter { $0.status == "rejected" }, by: \.job).mapValues(\.count)
        workflows = Dictionary(grouping: jobs, by: \.workflow).sorted { $0.key < $1.key }.map { name, group in
            let spans = group.compactMap { seconds($0.createdAt, $0.completedAt) }
            let completed = group.filter { $0.runState == "complete" }
            let estimate = group.compactMap(\.costEstimate).first
            let revisions = group.map { rejections[$0.id] ?? 0 }
            return Workflow(workflow: name, jobs: group.count, complete: completed.count,
                            failed: group.count { $0.runState == "failed" }, waiting: group.count { $0.runState == "waiting" },
                            meanCost: group.map(\.totalCost).reduce(0, +) / Double(group.count), estimatedCost: estimate,
                            costRatio: estimate.flatMap { e in e > 0 && !completed.isEmpty ? completed.map(\.totalCost).reduce(0, +) / Double(completed.count) / e : nil },
                            meanDuration: spans.isEmpty ? nil : spans.reduce(0, +) / Double(spans.count),
                            medianDuration: spans.isEmpty ? nil : PipelineStore.percentile(50, of: spans),
                            p95Duration: spans.isEmpty ? nil : PipelineStore.percentile(95, of: spans),
                            meanRevisions: Double(revisions.reduce(0, +)) / Double(group.count), maxRevisions: revisions.max() ?? 0)
        }
        let decided = approvals.filter { $0.decidedAt != nil && $0.status != "pending" }
        self.approvals = Dictionary(grouping: decided, by: { "\($0.role)\u{0}\($0.approval)" }).sorted { $0.key < $1.key }.map { _, group in
            let waits = group.compactMap { seconds($0.createdAt, $0.decidedAt) }
            let approved = group.count { $0.status == "approved" }
            return Gate(role: group[0].role, approval: group[0].approval, decided: group.count, approved: approved,
                        rejected: group.count { $0.status == "rejected" }, approvalRate: Double(approved) / Double(group.count),
                        meanSeconds: waits.isEmpty ? 0 : waits.reduce(0, +) / Double(waits.count),
                        medianSeconds: PipelineStore.percentile(50, of: waits), p95Seconds: PipelineStore.percentile(95, of: waits),
                        overridden: group.count { $0.override != nil })
        }
        let failed = qcVerdicts.count { $0 != "pass" }
        qc = QC(audits: qcVerdicts.count, failed: failed, catchRate: qcVerdicts.isEmpty ? 0 : Double(failed) / Double(qcVerdicts.count),
                overridden: approvals.count { $0.override != nil })
    }
}
