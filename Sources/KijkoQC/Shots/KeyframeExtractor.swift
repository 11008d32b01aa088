import Foundation
public import KijkoMedia
import KijkoCore

/// `kijko keyframes`: the shots of a file (hard cuts found on a small copy of each frame, camera
/// flashes and strobes not taken for cuts; dissolves and fades found by their linear blend, the
/// shots parting at their middle) and, per shot, its sharpest frame away from the shot's edges and
/// outside any transition, written as a JPEG, with a contact sheet of them all.
public enum KeyframeExtractor {
    public struct Shot: Codable, Sendable, Equatable {
        public var number: Int
        /// `[start, end)` in frames, and in seconds.
        public var startFrame: Int
        public var endFrame: Int
        public var start: Double
        public var end: Double
        public var keyframe: Int
        public var keyframePath: String?
        /// The dissolve or fade this shot comes in through, when it does not start on a cut.
        public var transitionIn: ShotTransition?
    }

    public struct Result: Codable, Sendable {
        public var file: String
        public var frameRate: Rational
        public var frames: Int
        public var shots: [Shot]
        /// Every dissolve and fade, in order.
        public var transitions: [ShotTransition]
        public var contactSheet: String?
    }

    /// Finds the shots of `file`; with `folder`, writes `shot-NNN.jpg` keyframes and
    /// `contact-sheet.jpg` there.
    public static func run(file: String, folder: String?, progress: ((Int) -> Void)? = nil) throws -> Result {
        let analysis = try MasterAnalyser(master: file).run(progress: progress)
        let fps = analysis.frameRate.doubleValue
        var shots = analysis.shots.enumerated().map { i, range in
            Shot(number: i + 1, startFrame: range.lowerBound, endFrame: range.upperBound,
                 start: Double(range.lowerBound) / fps, end: Double(range.upperBound) / fps,
                 keyframe: analysis.keyframe(of: range), keyframePath: nil,
                 transitionIn: analysis.transitions.first { $0.frames.contains(range.lowerBound) })
        }
        var sheet: String?
        if let folder {
            try FileError.makeFolder(folder)
            let thumbnailer = Thumbnailer(file: file)
            for i in shots.indices {
                let path = (folder as NSString).appendingPathComponent(String(format: "shot-%03d.jpg", shots[i].number))
                try thumbnailer.write(frame: shots[i].keyframe, to: path)
                shots[i].keyframePath = path
            }
            let path = (folder as NSString).appendingPathComponent("contact-sheet.jpg")
            try writeSheet(shots, to: path)
            sheet = path
        }
        return Result(file: file, frameRate: analysis.frameRate, frames: analysis.frameCount, shots: shots, transitions: analysis.transitions, contactSheet: sheet)
    }

    /// The keyframes in a grid six wide, each labelled with its shot number and start time.
    static func writeSheet(_ shots: [Shot], to path: String) throws {
        let pictures = shots.compactMap(\.keyframePath)
        guard let first = pictures.first else { return }
        let columns = min(6, pictures.count), rows = (pictures.count + columns - 1) / columns
        let probe = try FrameReader(path: first)
        let graph = try FilterGraph("[in]format=yuvj420p,tile=\(columns)x\(rows):padding=6:margin=6:color=0x1e1e1e[out]",
                                    inputs: ["in": probe.frameFormat])
        let frame = try Frame(), label = try Frame()
        for (i, picture) in pictures.enumerated() {
            let reader = try FrameReader(path: picture)
            guard try reader.next(into: frame) else { continue }
            let caption = String(format: "%d  %.2f s", shots[i].number, shots[i].start)
            let text = try FilterGraph("[in]drawtext=text='\(caption)':expansion=none:fontcolor=white:fontsize=18:box=1:boxcolor=black@0.6:boxborderw=4:x=8:y=h-th-8[out]",
                                       inputs: ["in": reader.frameFormat])
            try text.push(frame)
            try text.push(nil)
            guard try text.pull(into: label) == .frame else { continue }
            label.pts = Int64(i)
            try graph.push(label)
        }
        try graph.push(nil)
        let mosaic = try Frame()
        guard try graph.pull(into: mosaic) == .frame, let format = graph.outputFormat() else {
            throw MediaError(file: path, stage: .filter, reason: "the contact sheet gave no picture")
        }
        try ImageFile.write(mosaic, format: format, settings: EncoderSettings(codec: "mjpeg", options: ["qmin": "2", "qmax": "4"]), to: path)
    }
}
