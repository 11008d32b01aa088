import Foundation

/// The social workflow's posting schedule: each platform's version, caption and time.
public struct PostingSchedule: AgentDocument, Equatable {
    public struct Post: Codable, Sendable, Equatable {
        public var platform: String
        public var file: String
        public var caption: String
        /// ISO 8601, UTC.
        public var publishAt: String
    }

    public var posts: [Post]

    public static let kind = "posting_schedule"

    public static var example: PostingSchedule {
        PostingSchedule(posts: [Post(platform: "instagram", file: "/job/platform/instagram-reels.mp4", caption: "#ad Ride light.", publishAt: "2026-01-20T18:00:00Z")])
    }
}
