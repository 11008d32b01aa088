import Foundation
import KijkoCore

/// Gates and people's decisions.
extension PipelineStore {
    /// Where a gate stands after it is settled.
    enum GateProgress { case waiting(String), advanced, failed(String) }

    /// A gate as the store settles it.
    struct GateReview {
        var job, step, role, approval: String
        /// What is reviewed, as `{step, content}` JSON, and its content hash.
        var review, hash: String
        var maxLoops: Int
        /// On a rejection: the steps to run again (the gate's `on_reject` and what follows it up to
        /// the gate) and the phase the job goes back to.
        var rerun: [String]
        var rerunPhase: String
    }

    /// Moves a gate on, in one transaction: asks for approval of the current content, passes it
    /// once approved, or on a rejection sends the job back (with the feedback) — or fails the job
    /// when the loop is spent.
    func settleGate(_ gate: GateReview) throws -> GateProgress {
        let job = gate.job, step = gate.step
        return try write { db -> GateProgress in
            let now = PipelineStore.now()
            let request = try db.row("""
                SELECT * FROM approval_requests WHERE production_job_id = ? AND step_id = ? AND content_hash = ? AND looped = 0
                ORDER BY created_at DESC LIMIT 1
                """, [job, step, gate.hash])
            guard let request else {
                let execution = PipelineStore.newID(), id = PipelineStore.newID()
                try db.execute("UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                               [job, step])
                try db.execute("""
                    INSERT INTO agent_executions (id, production_job_id, step_id, agent_name, agent_type, input_data, status, created_at)
                    VALUES (?, ?, ?, ?, 'approval', ?, 'awaiting_approval', ?)
                    """, [execution, job, step, "gate: \(gate.role)", gate.review, now])
                try db.execute("""
                    INSERT INTO approval_requests (id, production_job_id, agent_execution_id, step_id, approver_role, approval_type,
                      content_to_review, content_hash, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                    """, [id, job, execution, step, gate.role, gate.approval, gate.review, gate.hash, now])
                try db.execute("UPDATE production_jobs SET current_agent = ?, updated_at = ? WHERE id = ?",
                               ["gate: \(gate.role)", now, job])
                return .waiting(id)
            }
            let id: String = request["id"], status: String = request["status"]
            switch status {
            case "approved":
                try db.execute("""
                    UPDATE agent_executions SET status = 'completed', output_data = ?, completed_at = ?
                    WHERE production_job_id = ? AND step_id = ? AND superseded = 0
                    """, [Self.gateOutput(request).compactText, now, job, step])
                return .advanced
            case "rejected":
                let spent = try db.value(Int.self, """
                    SELECT COUNT(*) FROM approval_requests WHERE production_job_id = ? AND step_id = ? AND status = 'rejected'
                    """, [job, step]) ?? 0
                // 1: this rejection sent the job back; 2: it spent the loop and ended the job.
                try db.execute("UPDATE approval_requests SET looped = ? WHERE id = ?", [spent <= gate.maxLoops ? 1 : 2, id])
                guard spent <= gate.maxLoops else {
                    let why = "\(step): rejected \(spent) times, more than the \(gate.maxLoops) revisions allowed"
                    try db.execute("UPDATE production_jobs SET run_state = 'failed', error_message = ?, updated_at = ? WHERE id = ?",
                                   [why, now, job])
                    return .failed(why)
                }
                for target in gate.rerun {
                    try db.execute("UPDATE agent_executions SET superseded = 1 WHERE production_job_id = ? AND step_id = ? AND superseded = 0",
                                   [job, target])
                }
                try db.execute("UPDATE production_jobs SET status = ?, updated_at = ? WHERE id = ?", [gate.rerunPhase, now, job])
                return .advanced
            default:
                return .waiting(id)
            }
        }
    }

    /// What a passed gate's step records as its output: who approved it, what they chose, and
    /// why they approved past failing checks, and which (`override: {by, reason, past}`).
    static func gateOutput(_ request: SQLRow) -> JSONValue {
        var fields: [String: JSONValue] = ["approved_by": .string(request["approved_by"] as String? ?? "")]
        if let reason = request["override_reason"] as String? {
            let past = (request["override_past"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
            fields["override"] = .object(["by": .string(request["approved_by"] as String? ?? ""), "reason": .string(reason),
                                          "past": .array(past.map { .string($0) })])
        }
        if let choice = (request["choice"] as String?).flatMap({ try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }) {
            fields["choice"] = choice
        }
        return .object(fields)
    }

    /// Records a decision on a pending request (id or prefix) in one transaction with its span and
    /// the job's approval history, synced to disk before it returns; returns the request's job.
    /// A request already decided, or whose content hash is not `seen` (when given: the reviewer
    /// saw other content), is a ``DecisionConflict`` and nothing changes. `override` is why an
    /// approval goes past failing checks, and which.
    func decide(_ request: String, status: String, by: String?, feedback: String?, seen: String? = nil, choice: JSONValue? = nil,
                override: Override? = nil) throws -> String {
        try durableWrite { db in
            guard let row = try db.row("SELECT * FROM approval_requests WHERE \(db.text("id")) = ? OR \(db.text("id")) LIKE ?",
                                             [request, request + "%"]) else {
                throw PipelineError("no approval request \(request)")
            }
            let id: String = row["id"], job: String = row["production_job_id"], current: String = row["status"]
            guard current == "pending" else { throw DecisionConflict("approval request \(id.prefix(8)) is already \(current)") }
            if let seen, seen != row["content_hash"] as String {
                throw DecisionConflict("approval request \(id.prefix(8)): what it reviews changed since it was shown (content hash \(seen.prefix(12)) is stale); look again")
            }
            let now = PipelineStore.now()
            try db.execute("""
                UPDATE approval_requests SET status = ?, feedback = ?, approved_at = ?, approved_by = ?, choice = ?, override_reason = ?, override_past = ?
                WHERE id = ?
                """, [status, feedback, now, by, choice?.compactText, override?.reason,
                                 try override.map { try PipelineStore.sortedJSON($0.past) }, id])
            var attributes: [String: JSONValue] = ["kijko.step": .string(row["step_id"]), "kijko.approver_role": .string(row["approver_role"]),
                                                   "kijko.approval_type": .string(row["approval_type"]), "kijko.decision": .string(status)]
            if let by { attributes["kijko.approved_by"] = .string(by) }
            if let feedback { attributes["kijko.feedback"] = .string(feedback) }
            if let override { attributes["kijko.override"] = .string(override.reason) }
            try TraceRecorder.record(db, job: job, span: TraceRecorder.spanID(id), parent: TraceRecorder.rootSpanID(job: job),
                                     execution: row["agent_execution_id"], name: "approval \(row["step_id"] as String): \(status)",
                                     kind: "internal", start: TraceRecorder.nanoseconds(iso: row["created_at"]) ?? TraceRecorder.nanoseconds(),
                                     end: TraceRecorder.nanoseconds(), attributes: attributes)
            let history = try db.value(String.self, "SELECT approval_history FROM production_jobs WHERE id = ?", [job]) ?? "[]"
            var entries = (try? JSONDecoder().decode([[String: String]].self, from: Data(history.utf8))) ?? []
            var entry = ["request": id, "step": row["step_id"] as String, "role": row["approver_role"] as String,
                         "approval": row["approval_type"] as String, "status": status, "at": now]
            if let by { entry["by"] = by }
            if let feedback { entry["feedback"] = feedback }
            if let choice { entry["choice"] = choice.compactText }
            if let override { entry["override"] = override.reason }
            entries.append(entry)
            try db.execute("UPDATE production_jobs SET approval_history = ?, run_state = CASE WHEN run_state = 'waiting' THEN 'running' ELSE run_state END, updated_at = ? WHERE id = ?",
                           [try Self.sortedJSON(entries), now, job])
            return job
        }
    }
}

/// A decision that cannot be taken as asked: the request was decided already, or its content
/// changed since the reviewer saw it. Nothing changed.
public struct DecisionConflict: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A person's approval past failing checks: why, and the failures it goes past (one line each,
/// as the checks named them), so it clears those and no later ones.
public struct Override: Sendable, Equatable {
    public var reason: String
    public var past: [String]

    public init(reason: String, past: [String]) {
        self.reason = reason
        self.past = past
    }
}
