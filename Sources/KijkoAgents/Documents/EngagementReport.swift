import Foundation

/// Engagement Monitor's summary of platform analytics exports, per version and platform.
public struct EngagementReport: AgentDocument, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public var version: String
        public var platform: String
        public var posts: Int
        public var views: Double
        /// Total seconds watched.
        public var watchSeconds: Double
        public var likes: Double
        public var shares: Double
        public var comments: Double
        /// (likes + shares + comments) / views.
        public var engagementRate: Double
        /// watchSeconds / views.
        public var averageWatchSeconds: Double
    }

    public var files: [String]
    public var rows: [Row]
    public var recommendations: [String]

    public static let kind = "engagement"

    public static var example: EngagementReport {
        EngagementReport(files: ["/media/analytics.csv"],
                         rows: [Row(version: "9x16", platform: "tiktok", posts: 2, views: 1000, watchSeconds: 9000, likes: 80, shares: 10, comments: 10,
                                    engagementRate: 0.1, averageWatchSeconds: 9)],
                         recommendations: ["Put more into 9:16 on TikTok"])
    }
}
