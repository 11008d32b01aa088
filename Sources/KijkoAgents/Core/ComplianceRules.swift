public import Foundation
import Yams

/// The Legal/Compliance agent's rules, from every `*.yaml` in `presets/compliance/`.
public struct ComplianceRules: @unchecked Sendable {
    public struct Rule: @unchecked Sendable {
        public var id: String
        public var category: String
        public var severity: String
        public var pattern: NSRegularExpression
        public var message: String
    }

    public struct Requirement: @unchecked Sendable {
        public var id: String
        public var category: String
        public var severity: String
        /// `captions`, `script` or `all`.
        public var appliesTo: String
        /// Applies only when the brief matches (always when nil).
        public var whenBrief: NSRegularExpression?
        public var require: NSRegularExpression
        public var message: String
    }

    public var rules: [Rule]
    public var requirements: [Requirement]

    public static func load(folder: String) throws -> ComplianceRules {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else { throw AgentError("\(folder): no compliance rules (*.yaml)") }
        var result = ComplianceRules(rules: [], requirements: [])
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            let root: Any?
            do { root = try Yams.load(yaml: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "") } catch {
                throw AgentError("\(path): not valid YAML (\(error))")
            }
            let map = root as? [String: Any] ?? [:]
            func regex(_ text: Any?, _ where_: String) throws -> NSRegularExpression {
                guard let text = text as? String else { throw AgentError("\(path): \(where_): missing pattern") }
                do { return try NSRegularExpression(pattern: text, options: [.caseInsensitive]) } catch {
                    throw AgentError("\(path): \(where_): not a regular expression: \(text)")
                }
            }
            for (i, r) in ((map["rules"] as? [[String: Any]]) ?? []).enumerated() {
                let at = "rules[\(i)]"
                result.rules.append(Rule(id: r["id"] as? String ?? at, category: r["category"] as? String ?? "rule",
                                         severity: r["severity"] as? String ?? "warning", pattern: try regex(r["pattern"], at + ".pattern"),
                                         message: r["message"] as? String ?? ""))
            }
            for (i, r) in ((map["requirements"] as? [[String: Any]]) ?? []).enumerated() {
                let at = "requirements[\(i)]"
                result.requirements.append(Requirement(id: r["id"] as? String ?? at, category: r["category"] as? String ?? "requirement",
                                                       severity: r["severity"] as? String ?? "error", appliesTo: r["applies_to"] as? String ?? "all",
                                                       whenBrief: try r["when_brief"].map { try regex($0, at + ".when_brief") },
                                                       require: try regex(r["require"], at + ".require"), message: r["message"] as? String ?? ""))
            }
        }
        return result
    }
}

extension NSRegularExpression {
    func matches(_ text: String) -> Bool { firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }

    func firstMatchText(_ text: String) -> String? {
        guard let m = firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let r = Range(m.range, in: text) else { return nil }
        return String(text[r])
    }
}
