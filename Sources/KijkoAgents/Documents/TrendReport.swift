import Foundation

/// Trend Analyst's report: what is moving on the platforms the brief names.
public struct TrendReport: AgentDocument, Equatable {
    public struct Trend: Codable, Sendable, Equatable {
        public var name: String
        public var description: String
        public var platforms: [String]
        /// 0–1, how fast it is growing.
        public var momentum: Double
        /// 0–1, how well it suits the brief.
        public var fit: Double
    }

    /// `file` (the user's export), `model` or `offline-draft`.
    public var source: String
    public var trends: [Trend]

    public static let kind = "trends"

    public static var example: TrendReport {
        TrendReport(source: "file", trends: [Trend(name: "Day-in-the-life POV", description: "First-person routines.", platforms: ["tiktok"],
                                                   momentum: 0.8, fit: 0.6)])
    }
}
