import Foundation
import GRDB
import KijkoLLM

/// Gates and the budget guard: where a job waits for people, loops back, or stops.
extension PipelineRunner {
    enum GateProgress { case waiting(String), advanced, failed(String) }

    /// Moves a gate on, in one transaction: asks for approval of the current content, passes it
    /// once approved, or on a rejection sends the job back to the gate's step (with the feedback)
    /// — or fails the job when the loop is spent.
    func settleGate(_ step: WorkflowTemplate.Step, _ gate: WorkflowTemplate.Gate, job: String, state: JobState) throws -> GateProgress {
        let content = state.output(of: gate.reviews) ?? .null
        let hash = try ContentHash.of(content)
        let template = state.template
        return try store.write { db -> GateProgress in
            let now = PipelineStore.now()
            let request = try Row.fetchOne(db, sql: """
                SELECT * FROM approval_requests WHERE production_job_id = ? AND step_id = ? AND content_hash = ? AND looped = 0
                ORDER BY created_at DESC LIMIT 1
                """, arguments: [job, step.id, hash])
            guard let request else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let review = String(decoding: try encoder.encode(["step": .string(gate.reviews), "content": content] as JSONValue), as: UTF8.self)
                let execution = PipelineStore.newID(), id = PipelineStore.newID()
                try db.execute(sql: "UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                               arguments: [job, step.id])
                try db.execute(sql: """
                    INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, input_data, status, created_at)
                    VALUES (?, ?, ?, ?, 'approval', ?, 'awaiting_approval', ?)
                    """, arguments: [execution, job, step.id, "gate: \(gate.role)", review, now])
                try db.execute(sql: """
                    INSERT INTO approval_requests (id, production_job_id, agent_execution_id, step_id, approver_role, approval_type,
                      content_to_review, content_hash, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                    """, arguments: [id, job, execution, step.id, gate.role, gate.approval, review, hash, now])
                try db.execute(sql: "UPDATE production_jobs SET current_agent = ?, updated_at = ? WHERE id = ?",
                               arguments: ["gate: \(gate.role)", now, job])
                return .waiting(id)
            }
            let id: String = request["id"], status: String = request["status"]
            switch status {
            case "approved":
                try db.execute(sql: """
                    UPDATE agent_executions SET status = 'completed', output_data = ?, completed_at = ?
                    WHERE production_job_id = ? AND step_id = ? AND superseded = 0
                    """, arguments: [JSONValue.object(["approved_by": .string(request["approved_by"] as String? ?? "")]).compactText, now, job, step.id])
                return .advanced
            case "rejected":
                let spent = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM approval_requests WHERE production_job_id = ? AND step_id = ? AND status = 'rejected'
                    """, arguments: [job, step.id]) ?? 0
                try db.execute(sql: "UPDATE approval_requests SET looped = 1 WHERE id = ?", arguments: [id])
                guard spent <= gate.maxLoops else {
                    let why = "\(step.id): rejected \(spent) times, more than the \(gate.maxLoops) revisions allowed"
                    try db.execute(sql: "UPDATE production_jobs SET run_state = 'failed', error_message = ?, updated_at = ? WHERE id = ?",
                                   arguments: [why, now, job])
                    return .failed(why)
                }
                // Back to the step the gate names: it and everything after it up to this gate run again.
                let order = template.steps.map(\.id)
                let gateIndex = order.firstIndex(of: step.id) ?? order.count
                let again = [gate.onReject] + template.downstream(of: gate.onReject).filter { (order.firstIndex(of: $0) ?? 0) <= gateIndex }
                for target in again {
                    try db.execute(sql: "UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                                   arguments: [job, target])
                }
                try db.execute(sql: "UPDATE production_jobs SET status = ?, updated_at = ? WHERE id = ?",
                               arguments: [template.step(gate.onReject)?.phase ?? "pre-production", now, job])
                return .advanced
            default:
                return .waiting(id)
            }
        }
    }

    /// Stops the job before `steps` when their estimated cost would take it over its maximum.
    func budgetGuard(_ steps: [WorkflowTemplate.Step], state: JobState, job: String, carrying held: ResultWrite? = nil) throws -> String? {
        guard let limit = state.maxCost else { return nil }
        let next = steps.reduce(0) { $0 + $1.costEstimate }
        guard state.totalCost + next > limit + 1e-9 else { return nil }
        let why = String(format: "stopped before %@: its estimated $%.2f would take the job's cost from $%.2f over the $%.2f limit",
                         steps.map(\.id).joined(separator: ", "), next, state.totalCost, limit)
        if let held { try store.write(held) }
        try markJob(job, runState: "stopped", error: why)
        return why
    }
}
