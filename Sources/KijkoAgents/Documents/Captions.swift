import Foundation

/// Captions for each platform's post.
public struct Captions: AgentDocument, Equatable {
    public struct Post: Codable, Sendable, Equatable {
        public var platform: String
        public var caption: String
        public var hashtags: [String]
        /// Characters in caption plus hashtags.
        public var characters: Int
    }

    public var posts: [Post]

    public static let kind = "captions"

    public static var example: Captions {
        Captions(posts: [Post(platform: "instagram", caption: "#ad Ride light.", hashtags: ["#aurora"], characters: 24)])
    }

    /// Caption limits, characters.
    static let limits = ["instagram": 2200, "tiktok": 2200, "youtube": 5000, "facebook": 63206, "linkedin": 3000, "x": 280, "tv": 0]
}
