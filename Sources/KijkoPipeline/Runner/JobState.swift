import Foundation
import GRDB
import KijkoLLM
import KijkoMedia

/// One job as the store holds it now: its template snapshot, settings, the current execution of
/// each step and the approvals. Read fresh on every pass of the runner.
struct JobState {
    var id: String
    var template: WorkflowTemplate
    var brief: String
    var client: String?
    var budget: Double?
    var maxCost: Double?
    var totalCost: Double
    var runState: String
    var error: String?
    /// The job's `current_agent` and `status` (its phase) as last written.
    var currentAgent: String?
    var phase: String
    var settings: [String: String]
    /// step id → (status, output JSON text) of its current (not superseded) execution; outputs
    /// are decoded only when a step needs them.
    var current: [String: (status: String, output: String?)]
    /// Outputs this runner produced since the state was read, already decoded (step id → value):
    /// the next step's input takes them as they are instead of parsing the text again.
    var produced: [String: JSONValue] = [:]
    /// step id → feedback of the rejections that sent the job back to it, oldest first.
    var feedbacks: [String: [String]]

    /// Reads the job; `template` saves decoding the job's template snapshot again (it never changes).
    static func load(_ job: String, store: PipelineStore, template known: WorkflowTemplate? = nil) throws -> JobState {
        try store.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM production_jobs WHERE id = ?"), arguments: [job]) else {
                throw PipelineError("no job \(job)")
            }
            let template = try known ?? Self.template(of: job, db)
            let raw = (try? JSONDecoder().decode([String: String?].self, from: Data((row["settings"] as String).utf8))) ?? [:]
            var state = JobState(id: job, template: template, brief: row["brief_text"], client: row["client_name"], budget: row["budget"],
                                 maxCost: row["max_cost"], totalCost: row["total_cost"], runState: row["run_state"], error: row["error_message"],
                                 currentAgent: row["current_agent"], phase: row["status"],
                                 settings: raw.compactMapValues { $0 }, current: [:], feedbacks: [:])
            for e in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT step_id, status, output_data FROM agent_executions WHERE production_job_id = ? AND superseded = 0 ORDER BY created_at
                """), arguments: [job]) {
                state.current[e["step_id"]] = (e["status"], e["output_data"])
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT step_id, feedback FROM approval_requests WHERE production_job_id = ? AND status = 'rejected' ORDER BY created_at
                """, arguments: [job]) {
                guard let gate = template.step(r["step_id"])?.gate else { continue }
                state.feedbacks[gate.onReject, default: []].append(r["feedback"] as String? ?? "")
            }
            return state
        }
    }

    /// The job's snapshot of its workflow graph.
    static func template(of job: String, _ db: Database) throws -> WorkflowTemplate {
        guard let text = try String.fetchOne(db, sql: "SELECT template FROM production_job_templates WHERE production_job_id = ?", arguments: [job]) else {
            throw PipelineError("job \(job) has no workflow on record")
        }
        return try JSONDecoder().decode(WorkflowTemplate.self, from: Data(text.utf8))
    }

    /// Completed, skipped (a branch not taken), or a gate passed.
    func isDone(_ step: String) -> Bool {
        guard let status = current[step]?.status else { return false }
        return status == "completed" || status == "skipped"
    }

    func output(of step: String) -> JSONValue? {
        guard current[step]?.status == "completed", let text = current[step]?.output else { return nil }
        if let value = produced[step] { return value }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    func feedback(for step: String) -> [String] { feedbacks[step] ?? [] }

    /// A branch condition: the named step completed with `field` equal to the value.
    func holds(_ condition: WorkflowTemplate.Condition) -> Bool {
        guard case .object(let fields)? = output(of: condition.step), let value = fields[condition.field] else { return false }
        switch value {
        case .string(let s): return s == condition.equals
        case .bool(let b): return String(b) == condition.equals
        case .number(let n): return Double(condition.equals) == n
        default: return false
        }
    }
}

/// What an approval is bound to: SHA-256 over the reviewed content's canonical JSON and the bytes
/// of every file it names, so a change to either asks for a new approval.
enum ContentHash {
    static func of(_ content: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = String(decoding: try encoder.encode(content), as: UTF8.self)
        for path in paths(in: content).sorted() {
            if let digest = try? FileDigest.sha256(path: path) { text += "\n\(path) \(digest)" }
        }
        return FileDigest.sha256(data: Data(text.utf8))
    }

    /// Strings in the content that name existing files.
    static func paths(in value: JSONValue) -> Set<String> {
        switch value {
        case .string(let s) where s.hasPrefix("/") || s.hasPrefix("./"):
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: s, isDirectory: &isFolder) && !isFolder.boolValue ? [s] : []
        case .array(let items): return items.reduce(into: Set<String>()) { $0.formUnion(paths(in: $1)) }
        case .object(let fields): return fields.values.reduce(into: Set<String>()) { $0.formUnion(paths(in: $1)) }
        default: return []
        }
    }
}
