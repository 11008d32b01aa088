import Foundation

/// BoardBuilder's storyboard: a frame per shot and the sheet of them all.
public struct Storyboard: AgentDocument, Equatable {
    public struct Frame: Codable, Sendable, Equatable {
        public var shot: String
        public var shotType: String
        public var description: String
        /// The frame's picture (PNG).
        public var image: String
        /// `comfyui` or `card` (drawn natively).
        public var source: String
    }

    public var frames: [Frame]
    public var sheet: String

    public static let kind = "storyboard"

    public static var example: Storyboard {
        Storyboard(frames: [Frame(shot: "1A", shotType: "WS", description: "Rider enters frame left", image: "/job/frames/1A.png", source: "card")],
                   sheet: "/job/storyboard.png")
    }
}
