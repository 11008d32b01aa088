import Foundation
import GRDB
import KijkoLLM

/// People's decisions: approve or reject a pending request, in one transaction with its span and
/// the job's approval history, synced to disk before the command says it is done.
extension PipelineRunner {
    /// Approves a pending request; returns its job. A request already decided is an error and
    /// nothing changes.
    public func approve(_ request: String, by: String?, feedback: String? = nil) throws -> String {
        try decide(request, status: "approved", by: by, feedback: feedback)
    }

    /// Rejects a pending request with the reviewer's feedback (required); returns its job.
    public func reject(_ request: String, by: String?, feedback: String) throws -> String {
        guard !feedback.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PipelineError("a rejection needs feedback: what should change")
        }
        return try decide(request, status: "rejected", by: by, feedback: feedback)
    }

    func decide(_ request: String, status: String, by: String?, feedback: String?) throws -> String {
        try store.durableWrite { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM approval_requests WHERE id = ? OR id LIKE ?",
                                             arguments: [request, request + "%"]) else {
                throw PipelineError("no approval request \(request)")
            }
            let id: String = row["id"], job: String = row["production_job_id"], current: String = row["status"]
            guard current == "pending" else { throw PipelineError("approval request \(id.prefix(8)) is already \(current)") }
            let now = PipelineStore.now()
            try db.execute(sql: "UPDATE approval_requests SET status = ?, feedback = ?, approved_at = ?, approved_by = ? WHERE id = ?",
                           arguments: [status, feedback, now, by, id])
            var attributes: [String: JSONValue] = ["kijko.step": .string(row["step_id"]), "kijko.approver_role": .string(row["approver_role"]),
                                                   "kijko.approval_type": .string(row["approval_type"]), "kijko.decision": .string(status)]
            if let by { attributes["kijko.approved_by"] = .string(by) }
            if let feedback { attributes["kijko.feedback"] = .string(feedback) }
            try TraceRecorder.record(db, job: job, span: TraceRecorder.spanID(id), parent: TraceRecorder.rootSpanID(job: job),
                                     execution: row["agent_execution_id"], name: "approval \(row["step_id"] as String): \(status)",
                                     kind: "internal", start: TraceRecorder.nanoseconds(iso: row["created_at"]) ?? TraceRecorder.nanoseconds(),
                                     end: TraceRecorder.nanoseconds(), attributes: attributes)
            let history = try String.fetchOne(db, sql: "SELECT approval_history FROM production_jobs WHERE id = ?", arguments: [job]) ?? "[]"
            var entries = (try? JSONDecoder().decode([[String: String]].self, from: Data(history.utf8))) ?? []
            var entry = ["request": id, "step": row["step_id"] as String, "role": row["approver_role"] as String,
                         "approval": row["approval_type"] as String, "status": status, "at": now]
            if let by { entry["by"] = by }
            if let feedback { entry["feedback"] = feedback }
            entries.append(entry)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try db.execute(sql: "UPDATE production_jobs SET approval_history = ?, run_state = CASE WHEN run_state = 'waiting' THEN 'running' ELSE run_state END, updated_at = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(entries), as: UTF8.self), now, job])
            return job
        }
    }
}
