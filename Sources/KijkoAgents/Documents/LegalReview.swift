import Foundation

/// Legal/Compliance's review: rule hits cited by file and line, and a verdict.
public struct LegalReview: AgentDocument, Equatable {
    public struct Finding: Codable, Sendable, Equatable {
        /// The rule's id, or `judgement` for a model's finding.
        public var rule: String
        public var category: String
        /// error, warning, info.
        public var severity: String
        /// The file the line is in (absolute path) or what was checked (`captions`).
        public var source: String
        /// 1-based; 0 when the finding is about the whole source.
        public var line: Int
        public var excerpt: String
        public var message: String
    }

    /// `clear` (nothing above info), `review` (warnings), `changes_required` (errors), `not_checked`
    /// (no script or captions to read: nothing was cleared).
    public var verdict: String
    public var findings: [Finding]
    /// The model's overall judgement, or a note that only the rules were applied.
    public var judgement: String
    /// Files checked.
    public var checked: [String]

    public static let kind = "legal_review"
    public static var enums: [String: [String]] {
        ["verdict": ["clear", "review", "changes_required", "not_checked"], "severity": ["error", "warning", "info"]]
    }

    public static var example: LegalReview {
        LegalReview(verdict: "review", findings: [Finding(rule: "superlative", category: "unsupported superlative", severity: "warning",
                                                          source: "/jobs/script.md", line: 12, excerpt: "The best ride in town",
                                                          message: "An absolute claim needs substantiation.")],
                    judgement: "One claim to substantiate.", checked: ["/jobs/script.md"])
    }
}
