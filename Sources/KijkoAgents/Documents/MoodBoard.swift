import Foundation

/// MoodMaker's mood board: a palette measured from the references, style notes, the board picture.
public struct MoodBoard: AgentDocument, Equatable {
    public struct Swatch: Codable, Sendable, Equatable {
        /// `#rrggbb`.
        public var hex: String
        /// 0–1 of the sampled pixels.
        public var share: Double
        /// L*, a*, b*.
        public var lab: [Double]
    }

    /// `footage` (measured from the job's media) or `brief` (from colour words in the brief).
    public var source: String
    public var palette: [Swatch]
    public var styleNotes: [String]
    public var references: [String]

    public static let kind = "mood_board"

    public static var example: MoodBoard {
        MoodBoard(source: "footage", palette: [Swatch(hex: "#d9a441", share: 0.3, lab: [71, 10, 55])], styleNotes: ["Warm, golden"],
                  references: ["/media/A001.mp4"])
    }
}
