import Foundation

/// The Colourist's grade: the reference picture and why it was chosen, each other source's ASC CDL
/// matching it (ΔE00 before and after, before and after stills), the show look if any, and the
/// graded cut with the EDL and OpenTimelineIO timeline that carry the CDLs to an NLE.
public struct ColourGrade: AgentDocument, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        /// The footage file.
        public var file: String
        /// The cut's shots that use it.
        public var shots: [String]
        /// Its `.cdl` (ASC CDL XML).
        public var cdl: String
        public var slope: [Double]
        public var offset: [Double]
        public var power: [Double]
        public var saturation: Double
        /// Mean CIEDE2000 between its colour spread and the reference's, before and after the CDL.
        public var deltaEBefore: Double
        public var deltaEAfter: Double
        /// Already matched (or nothing improved it): the CDL is the identity.
        public var identity: Bool
        public var beforeStill: String
        public var afterStill: String
    }

    /// The footage file the others are matched to.
    public var reference: String
    /// Why it is the reference: the hero shot the shot list names, or the median of the most-used camera.
    public var referenceReason: String
    public var sources: [Source]
    /// The show look's `.cube`, when the brief asked for a look or a reviewer for a trim.
    public var look: String?
    /// What the look was drawn from, one line each (the mood board's palette, reviewers' trims).
    public var lookNotes: [String]
    /// The graded cut, and the timelines carrying the grade.
    public var video: String
    public var edl: String
    public var otio: String
    /// Reference, before and after of every source, one picture.
    public var contactSheet: String?
    public var frames: Int

    public static let kind = "colour_grade"
    public static var optionalKeys: Set<String> { ["look", "contact_sheet"] }

    public static var example: ColourGrade {
        ColourGrade(reference: "/media/A001.mp4", referenceReason: "hero shot 1A",
                    sources: [Source(file: "/media/A002.mp4", shots: ["2A"], cdl: "/job/grade/A002.cdl", slope: [1.1, 1, 0.9], offset: [0, 0, 0],
                                     power: [1, 1, 1], saturation: 1, deltaEBefore: 8.2, deltaEAfter: 1.1, identity: false,
                                     beforeStill: "/job/grade/stills/A002-before.png", afterStill: "/job/grade/stills/A002-after.png")],
                    look: "/job/look.cube", lookNotes: ["split tone from the mood board's palette"], video: "/job/graded.mp4",
                    edl: "/job/graded.edl", otio: "/job/graded.otio", contactSheet: "/job/grade/contact.png", frames: 250)
    }
}
