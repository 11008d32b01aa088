import Foundation
import KijkoLLM
import KijkoCore

/// One job as the store holds it now: its template snapshot, settings, the current execution of
/// each step and the approvals. Read fresh on every pass of the runner (`PipelineStore.jobState`).
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
    /// When the job was created (the store's timestamp text), for its root span.
    var created: String?
    /// The version (PostgreSQL's `xmin`) of the job's row as a worker's claim read it, or as its
    /// quick intent left it; nil when not known. A quick intent needs the row still at the
    /// claim's, a quick result that completes the job at the intent's.
    var version: String?

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
