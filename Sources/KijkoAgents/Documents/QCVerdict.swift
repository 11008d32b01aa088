import Foundation
import KijkoCore

/// QC Sentinel's verdict on what is delivered: each version made from the master, audited
/// against its platform's loudness rules and its preset, and the master itself (the verdict when
/// no versions were made). A failing verdict holds traffic and distribution until a person
/// overrides it with a reason at the gate that follows.
public struct QCVerdict: AgentDocument, Equatable {
    public struct Issue: Codable, Sendable, Equatable {
        public var check: String
        public var severity: String
        /// Seconds.
        public var start: Double
        public var end: Double
        public var message: String
        /// What to do about it, when the check knows.
        public var fix: String?
    }

    /// One file's audit.
    public struct Audit: Codable, Sendable, Equatable {
        public var file: String
        /// The delivery preset a version was audited against (nil for the master).
        public var preset: String?
        public var profile: String
        /// pass, fail, unreadable.
        public var status: String
        public var errors: Int
        public var warnings: Int
        public var issues: [Issue]
        public var reportHtml: String
        public var reportJson: String

        public var passed: Bool { status == "pass" }
        /// The version's preset, else the file's name.
        public var name: String { preset ?? (file as NSString).lastPathComponent }
        /// `QC fail, 2 errors (the first error's message)`.
        public var failure: String {
            "QC \(status), \(English.count(errors, "error"))" + (issues.first { $0.severity == "error" }.map { " (\($0.message))" } ?? "")
        }
    }

    /// Of what is delivered — every version when there are versions, else the master: pass only
    /// when every one passed.
    public var status: String
    /// Summed over what is delivered.
    public var errors: Int
    public var warnings: Int
    /// The master's (or rough cut's) own audit.
    public var master: Audit
    /// Each version's audit, against its preset; empty when the job made none.
    public var versions: [Audit]
    /// The master's vision review: complete, partial, failed, skipped.
    public var vision: String

    public static let kind = "qc_report"
    public static var optionalKeys: Set<String> { ["fix", "preset"] }

    /// What is delivered: the versions, or the master when there are none.
    public var delivered: [Audit] { versions.isEmpty ? [master] : versions }

    /// Each delivered file that failed, as `name: QC fail, N errors (first error)`.
    public var failures: [String] { delivered.filter { !$0.passed }.map { "\($0.name): \($0.failure)" } }

    /// The audit of a delivered file, by path.
    public func audit(of file: String) -> Audit? { delivered.first { $0.file == file } }

    /// The verdict over the master's audit and the versions': its status and counts are of what is delivered.
    public init(master: Audit, versions: [Audit], vision: String) {
        self.master = master
        self.versions = versions
        self.vision = vision
        let delivered = versions.isEmpty ? [master] : versions
        status = delivered.allSatisfy(\.passed) ? "pass" : delivered.contains { $0.status == "unreadable" } ? "unreadable" : "fail"
        errors = delivered.reduce(0) { $0 + $1.errors }
        warnings = delivered.reduce(0) { $0 + $1.warnings }
    }

    public static var example: QCVerdict {
        let issue = Issue(check: "black", severity: "warning", start: 0, end: 0.4, message: "black at the head", fix: "trim the head")
        return QCVerdict(master: Audit(file: "/job/roughcut.mp4", preset: nil, profile: "social", status: "pass", errors: 0, warnings: 1,
                                       issues: [issue], reportHtml: "/job/qc/qc-report.html", reportJson: "/job/qc/qc-report.json"),
                         versions: [Audit(file: "/job/versions/youtube.mp4", preset: "youtube", profile: "social", status: "pass", errors: 0, warnings: 0,
                                          issues: [issue], reportHtml: "/job/qc/youtube/qc-report.html", reportJson: "/job/qc/youtube/qc-report.json")],
                         vision: "skipped")
    }
}
