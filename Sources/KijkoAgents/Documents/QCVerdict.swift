import Foundation

/// QC Sentinel's verdict on the master, with the report a person opens.
public struct QCVerdict: AgentDocument, Equatable {
    public struct Issue: Codable, Sendable, Equatable {
        public var check: String
        public var severity: String
        /// Seconds.
        public var start: Double
        public var end: Double
        public var message: String
    }

    public var file: String
    public var profile: String
    /// pass, fail, unreadable.
    public var status: String
    public var errors: Int
    public var warnings: Int
    public var issues: [Issue]
    public var reportHtml: String
    public var reportJson: String
    /// complete, partial, failed, skipped.
    public var vision: String

    public static let kind = "qc_report"

    public static var example: QCVerdict {
        QCVerdict(file: "/job/roughcut.mp4", profile: "social", status: "pass", errors: 0, warnings: 1,
                  issues: [Issue(check: "black", severity: "warning", start: 0, end: 0.4, message: "black at the head")],
                  reportHtml: "/job/qc/qc-report.html", reportJson: "/job/qc/qc-report.json", vision: "skipped")
    }
}
