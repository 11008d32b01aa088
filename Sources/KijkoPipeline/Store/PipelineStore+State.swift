import Foundation
import KijkoCore

/// A job's state as the runner reads it on every pass.
extension PipelineStore {
    /// Reads the job; `template` saves decoding the job's template snapshot again (it never changes).
    func jobState(_ job: String, template known: WorkflowTemplate? = nil) throws -> JobState {
        try read { db in
            guard let row = try db.row("SELECT * FROM production_jobs WHERE id = ?", [job]) else {
                throw PipelineError("no job \(job)")
            }
            let template = try known ?? Self.template(of: job, db)
            let raw = (try? JSONDecoder().decode([String: String?].self, from: Data((row["settings"] as String).utf8))) ?? [:]
            var state = JobState(id: job, template: template, brief: row["brief_text"], client: row["client_name"], budget: row["budget"],
                                 maxCost: row["max_cost"], totalCost: row["total_cost"], runState: row["run_state"], error: row["error_message"],
                                 currentAgent: row["current_agent"], phase: row["status"],
                                 settings: raw.compactMapValues { $0 }, current: [:], feedbacks: [:])
            for e in try db.rows("""
                SELECT step_id, status, output_data FROM agent_executions WHERE production_job_id = ? AND superseded = 0 ORDER BY created_at
                """, [job]) {
                state.current[e["step_id"]] = (e["status"], e["output_data"])
            }
            for r in try db.rows("""
                SELECT step_id, feedback FROM approval_requests WHERE production_job_id = ? AND status = 'rejected' ORDER BY created_at
                """, [job]) {
                guard let gate = template.step(r["step_id"])?.gate else { continue }
                state.feedbacks[gate.onReject, default: []].append(r["feedback"] as String? ?? "")
            }
            return state
        }
    }

    /// The job's snapshot of its workflow graph.
    static func template(of job: String, _ db: any SQLTransaction) throws -> WorkflowTemplate {
        guard let text = try db.value(String.self, "SELECT template FROM production_job_templates WHERE production_job_id = ?", [job]) else {
            throw PipelineError("job \(job) has no workflow on record")
        }
        return try JSONDecoder().decode(WorkflowTemplate.self, from: Data(text.utf8))
    }
}
