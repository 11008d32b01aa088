import Foundation
import KijkoCore

/// Gates and the budget guard: where a job waits for people, loops back, or stops.
extension PipelineRunner {
    typealias GateProgress = PipelineStore.GateProgress

    /// Moves a gate on (in one transaction, in the store): asks for approval of the current
    /// content, passes it once approved, or on a rejection sends the job back to the gate's step
    /// (with the feedback) — or fails the job when the loop is spent.
    func settleGate(_ step: WorkflowTemplate.Step, _ gate: WorkflowTemplate.Gate, job: String, state: JobState) throws -> GateProgress {
        let content = state.output(of: gate.reviews) ?? .null
        let hash = try ContentHash.of(content)
        let template = state.template
        let review = try PipelineStore.sortedJSON(["step": .string(gate.reviews), "content": content] as JSONValue)
        // Back to the step the gate names: it and everything after it up to this gate run again.
        let order = template.steps.map(\.id)
        let gateIndex = order.firstIndex(of: step.id) ?? order.count
        let again = [gate.onReject] + template.downstream(of: gate.onReject).filter { (order.firstIndex(of: $0) ?? 0) <= gateIndex }
        return try store.settleGate(PipelineStore.GateReview(job: job, step: step.id, role: gate.role, approval: gate.approval, review: review,
                                                             hash: hash, maxLoops: gate.maxLoops, rerun: again,
                                                             rerunPhase: template.step(gate.onReject)?.phase ?? "pre-production"))
    }

    /// A step's expected cost: its agent's estimate from its model's prices and the tokens its
    /// runs typically take (learned from the store), or the template's `cost_estimate` when that
    /// is more.
    public func estimate(_ step: WorkflowTemplate.Step) throws -> CostEstimate {
        guard let agentName = step.agent, let agent = agents.agents[agentName] as? any CostEstimating else {
            return step.costEstimate > 0 ? CostEstimate(usd: step.costEstimate, basis: "the step's cost_estimate") : .free
        }
        let estimate = agent.estimate(typical: try store.typicalTokens(agent: agentName))
        return estimate.usd >= step.costEstimate ? estimate : CostEstimate(usd: step.costEstimate, basis: "the step's cost_estimate", warning: estimate.warning)
    }

    /// Stops the job before `steps` when their estimated cost would take it over its maximum;
    /// says an estimate's warning (an unpriced model) as the steps are reached.
    func budgetGuard(_ steps: [WorkflowTemplate.Step], state: JobState, job: String, carrying held: PipelineStore.HeldWrite? = nil,
                     progress: ProgressHandler? = nil) throws -> String? {
        let estimates = try steps.map { try estimate($0) }
        for (step, estimate) in zip(steps, estimates) {
            if let warning = estimate.warning { progress?(ProgressEvent(.note, stage: step.id, message: "warning: \(warning)")) }
        }
        guard let limit = state.maxCost else { return nil }
        let next = estimates.reduce(0) { $0 + $1.usd }
        guard state.totalCost + next > limit + 1e-9 else { return nil }
        let each = zip(steps, estimates).filter { $0.1.usd > 0 }.map { String(format: "%@ $%.4f (%@)", $0.0.id, $0.1.usd, $0.1.basis) }
        let why = String(format: "stopped before %@: its estimated $%.4f would take the job's cost from $%.4f over the $%.2f limit",
                         steps.map(\.id).joined(separator: ", "), next, state.totalCost, limit)
            + (each.isEmpty ? "" : " — " + each.joined(separator: ", "))
        if let held { try store.commit(held) }
        try store.markJob(job, runState: "stopped", error: why)
        return why
    }
}
