import Foundation
import KijkoCore

/// A job's state as the runner reads it on every pass.
extension PipelineStore {
    /// Reads the job; `template` saves decoding the job's template snapshot again (it never changes).
    func jobState(_ job: String, template known: WorkflowTemplate? = nil) throws -> JobState {
        try read { db in try Self.jobState(db, job: job, template: known)() }
    }

    /// PostgreSQL's select list for a job's state beside `production_jobs j`'s columns: its current
    /// executions and its rejections gathered as JSON arrays, and (`template`) its workflow.
    static func gatheredState(template: Bool) -> String {
        """
        (SELECT json_agg(json_build_array(step_id, status, CAST(output_data AS TEXT)) ORDER BY created_at)
         FROM agent_executions WHERE production_job_id = j.id AND superseded = 0) AS kijko_executions,
        (SELECT json_agg(json_build_array(step_id, feedback) ORDER BY created_at)
         FROM approval_requests WHERE production_job_id = j.id AND status = 'rejected') AS kijko_rejections
        """ + (template ? ", (SELECT template FROM production_job_templates WHERE production_job_id = j.id) AS kijko_template" : "")
    }

    /// Inside a transaction: sends the queries for `job`'s state (on PostgreSQL one query, its
    /// executions and rejections gathered as JSON arrays) and returns what waits for their rows
    /// and makes the state from them.
    static func jobState(_ db: any SQLTransaction, job: String, template known: WorkflowTemplate?) throws -> () throws -> JobState {
        if db.dialect == .postgres {
            let jobRow = try db.ahead("SELECT j.*, \(gatheredState(template: known == nil)) FROM production_jobs j WHERE j.id = ?", [job])
            return {
                guard let row = try jobRow.get().first else { throw PipelineError("no job \(job)") }
                return try jobState(row, job: job, template: known)
            }
        }
        let jobRow = try db.ahead("""
            SELECT *\(known == nil ? ", (SELECT template FROM production_job_templates WHERE production_job_id = ?) AS kijko_template" : "")
            FROM production_jobs WHERE id = ?
            """, known == nil ? [job, job] : [job])
        let executions = try db.ahead("""
            SELECT step_id, status, output_data FROM agent_executions WHERE production_job_id = ? AND superseded = 0 ORDER BY created_at
            """, [job])
        let rejections = try db.ahead("""
            SELECT step_id, feedback FROM approval_requests WHERE production_job_id = ? AND status = 'rejected' ORDER BY created_at
            """, [job])
        return {
            guard let row = try jobRow.get().first else { throw PipelineError("no job \(job)") }
            return try jobState(row, job: job, template: known,
                                executions: try executions.get().map { [$0["step_id"], $0["status"], $0["output_data"]] },
                                rejections: try rejections.get().map { [$0["step_id"], $0["feedback"]] })
        }
    }

    /// The state from a job's row; its executions and rejections (rows of step, status, output;
    /// of step, feedback) given, or gathered in the row (``gatheredState(template:)``).
    static func jobState(_ row: SQLRow, job: String, template known: WorkflowTemplate?,
                         executions: [[String?]]? = nil, rejections: [[String?]]? = nil) throws -> JobState {
        func gathered(_ text: String?) -> [[String?]] {
            guard let text else { return [] }
            return (try? JSONDecoder().decode([[String?]].self, from: Data(text.utf8))) ?? []
        }
        let template = try known ?? decodeTemplate(row["kijko_template"], job: job)
        let raw = (try? JSONDecoder().decode([String: String?].self, from: Data((row["settings"] as String).utf8))) ?? [:]
        var state = JobState(id: job, template: template, brief: row["brief_text"], client: row["client_name"], budget: row["budget"],
                             maxCost: row["max_cost"], totalCost: row["total_cost"], runState: row["run_state"], error: row["error_message"],
                             currentAgent: row["current_agent"], phase: row["status"],
                             settings: raw.compactMapValues { $0 }, current: [:], feedbacks: [:], created: row["created_at"])
        for run in executions ?? gathered(row["kijko_executions"]) where run.count == 3 {
            guard let step = run[0], let status = run[1] else { continue }
            state.current[step] = (status, run[2])
        }
        for rejection in rejections ?? gathered(row["kijko_rejections"]) where rejection.count == 2 {
            guard let step = rejection[0], let gate = template.step(step)?.gate else { continue }
            state.feedbacks[gate.onReject, default: []].append(rejection[1] ?? "")
        }
        return state
    }

    /// The job's snapshot of its workflow graph.
    static func template(of job: String, _ db: any SQLTransaction) throws -> WorkflowTemplate {
        try decodeTemplate(try db.value(String.self, "SELECT template FROM production_job_templates WHERE production_job_id = ?", [job]), job: job)
    }

    static func decodeTemplate(_ text: String?, job: String) throws -> WorkflowTemplate {
        guard let text else { throw PipelineError("job \(job) has no workflow on record") }
        return try JSONDecoder().decode(WorkflowTemplate.self, from: Data(text.utf8))
    }
}
