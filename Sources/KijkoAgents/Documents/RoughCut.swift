import Foundation

/// The Assembler's rough cut: the render, its EDL and edit notes, measured back.
public struct RoughCut: AgentDocument, Equatable {
    public var video: String
    public var edl: String
    public var editNotes: String
    public var shots: Int
    public var frameRate: String
    /// Frames rendered.
    public var frames: Int
    /// Seconds rendered, and what the shot list adds up to.
    public var seconds: Double
    public var plannedSeconds: Double
    /// Edit notes, one line each (missing media, short takes, VFX placeholders).
    public var editNoteLines: [String]

    public static let kind = "rough_cut"

    public static var example: RoughCut {
        RoughCut(video: "/job/roughcut.mp4", edl: "/job/roughcut.edl", editNotes: "/job/roughcut.notes.md", shots: 9, frameRate: "25",
                 frames: 750, seconds: 30, plannedSeconds: 30, editNoteLines: ["shot 3A: missing media"])
    }
}
