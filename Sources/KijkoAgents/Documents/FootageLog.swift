import Foundation

/// The production step's footage log: the clips the job was given and which take covers each shot.
public struct FootageLog: AgentDocument, Equatable {
    public struct Clip: Codable, Sendable, Equatable {
        public var file: String
        public var path: String
        /// Seconds.
        public var duration: Double
        public var width: Int
        public var height: Int
    
        public init(file: String, path: String, duration: Double, width: Int, height: Int) {
            self.file = file
            self.path = path
            self.duration = duration
            self.width = width
            self.height = height
        }
    }

    public struct Take: Codable, Sendable, Equatable {
        public var shot: String
        /// The clip's file name.
        public var source: String
        /// Seconds into the clip.
        public var inPoint: Double
        public var outPoint: Double
    

        public init(shot: String, source: String, inPoint: Double, outPoint: Double) {

            self.shot = shot

            self.source = source

            self.inPoint = inPoint

            self.outPoint = outPoint

        }

    }

    /// The production method the budget chose (`ai`, `hybrid`, `traditional`), or `none`.
    public var method: String
    /// Absolute, empty when the job has none.
    public var mediaFolder: String
    public var clips: [Clip]
    public var takes: [Take]
    /// Shots no clip covers (the rough cut shows black there, and the edit notes say so).
    public var uncovered: [String]

    public static let kind = "footage"

    public static var example: FootageLog {
        FootageLog(method: "hybrid", mediaFolder: "/media", clips: [Clip(file: "A001.mp4", path: "/media/A001.mp4", duration: 8, width: 1920, height: 1080)],
                   takes: [Take(shot: "1A", source: "A001.mp4", inPoint: 0, outPoint: 4)], uncovered: [])
    }

    public init(method: String, mediaFolder: String, clips: [Clip], takes: [Take], uncovered: [String]) {
        self.method = method
        self.mediaFolder = mediaFolder
        self.clips = clips
        self.takes = takes
        self.uncovered = uncovered
    }
}
