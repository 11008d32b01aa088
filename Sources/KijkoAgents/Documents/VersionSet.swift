import Foundation

/// The deliverables made from one master (Version Generator or Platform Optimizer).
public struct VersionSet: AgentDocument, Equatable {
    public struct Version: Codable, Sendable, Equatable {
        public var preset: String
        /// `16:9`, `9:16`, `1:1`, `4:5`, or the preset's own.
        public var aspect: String
        public var platform: String
        public var path: String
        public var width: Int
        public var height: Int
        /// Seconds, measured from the written file.
        public var duration: Double
        /// Every check against the preset passed.
        public var pass: Bool
        public var failedChecks: [String]
        /// `video`, `still` (print, out-of-home) or `display` (an animated ad); nil on older records: video.
        public var kind: String?

        /// A video, as QC audits it (stills and display ads are checked against their presets only).
        public var isVideo: Bool { (kind ?? "video") == "video" }
    }

    public var master: String
    public var manifest: String
    public var versions: [Version]
    /// Platform Optimizer's contact sheet, when one was made.
    public var contactSheet: String

    public static let kind = "versions"
    public static var optionalKeys: Set<String> { ["kind"] }

    public static var example: VersionSet {
        VersionSet(master: "/job/roughcut.mp4", manifest: "/job/versions/manifest.json",
                   versions: [Version(preset: "youtube", aspect: "16:9", platform: "youtube", path: "/job/versions/youtube.mp4", width: 1920,
                                      height: 1080, duration: 30, pass: true, failedChecks: [], kind: "video")], contactSheet: "")
    }
}
