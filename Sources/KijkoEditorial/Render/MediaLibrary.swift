import Foundation
public import KijkoMedia

/// The media files a timeline's clips refer to, found in folders by reel, file or clip name.
public final class MediaLibrary {
    /// A source file and what rendering needs to know about it.
    public struct Source: Sendable {
        public let path: String
        public let info: MediaInfo
        /// Frame rate of the picture (25/1 when the file has none).
        public let rate: Rational
        /// Frames of picture in the file.
        public let frames: Int
        /// The file's start timecode as a frame count at `timecodeRate` (0 when it has none).
        public let startFrame: Int
        public let timecodeRate: TimecodeRate

        /// The file frame (fractional) shown at timeline source frame `frame`, a timecode frame
        /// count at `timelineRate`. Timecodes are compared as labels (HH:MM:SS plus frames of
        /// their own counting), as an EDL means them: with the same counting rate the counts
        /// subtract exactly; otherwise one label second is `nominal` frames of the file.
        public func fileFrame(atSourceFrame frame: Double, timelineRate: TimecodeRate) -> Double {
            if timelineRate.nominal == timecodeRate.nominal {
                return frame - Double(startFrame)
            }
            return (frame / Double(timelineRate.nominal) - Double(startFrame) / Double(timecodeRate.nominal))
                * Double(timecodeRate.nominal)
        }

        /// The timeline source frame (timecode count at `timelineRate`) of file frame `index`:
        /// the inverse of ``fileFrame(atSourceFrame:timelineRate:)``.
        public func sourceFrame(atFileFrame index: Int, timelineRate: TimecodeRate) -> Int {
            if timelineRate.nominal == timecodeRate.nominal { return startFrame + index }
            return Int(((Double(index) + Double(startFrame)) / Double(timecodeRate.nominal) * Double(timelineRate.nominal)).rounded())
        }
    }

    public let folders: [String]
    /// A clip's own file path is used as it is even outside the folders (`--allow-outside`);
    /// otherwise only a path inside one of them is, and any other is looked up by its name.
    public let allowsOutside: Bool
    private let roots: [String]
    private var byKey: [String: String] = [:]
    private var probed: [String: Source] = [:]

    static let mediaExtensions: Set<String> = ["mov", "mp4", "m4v", "mxf", "mkv", "avi", "mts", "m2ts", "webm", "wav", "aif", "aiff", "mpg", "mpeg"]

    /// Indexes the media files directly inside `folders` (not recursive).
    public init(folders: [String], allowsOutside: Bool = false) {
        self.folders = folders
        self.allowsOutside = allowsOutside
        roots = folders.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
        for folder in folders {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in entries.sorted() {
                let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
                guard Self.mediaExtensions.contains(url.pathExtension.lowercased()) else { continue }
                let key = Self.key(url.deletingPathExtension().lastPathComponent)
                if byKey[key] == nil { byKey[key] = url.path }
            }
        }
    }

    /// Whether `path` (symbolic links resolved) lies inside one of the folders.
    func isInside(_ path: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return roots.contains { resolved.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// Case-folded, trailing dots and spaces removed (EDL reels are often cut at 8 characters: `Z677_4C.`).
    static func key(_ name: String) -> String {
        var text = name.uppercased()
        while let last = text.last, last == "." || last == " " { text.removeLast() }
        return text
    }

    /// The file for a clip: its source file, then its reel, then its name; nil when none matches.
    public func path(for clip: Clip) -> String? {
        var candidates: [String] = []
        if let file = clip.sourceFile {
            if FileManager.default.fileExists(atPath: file), allowsOutside || isInside(file) { return file }
            let base = URL(fileURLWithPath: file.replacingOccurrences(of: "\\", with: "/")).deletingPathExtension().lastPathComponent
            candidates.append(base)
        }
        if let reel = clip.reel { candidates.append(reel) }
        candidates.append(clip.name)
        for candidate in candidates {
            if let hit = byKey[Self.key(candidate)] { return hit }
        }
        // A reel truncated to 8 characters: the one file whose name starts with it.
        if let reel = clip.reel, reel.count >= 6 {
            let prefix = Self.key(reel)
            let hits = byKey.filter { $0.key.hasPrefix(prefix) }
            if hits.count == 1 { return hits.first!.value }
        }
        return nil
    }

    /// The file for a shot: its source file name, its reel, then a file whose name holds the
    /// shot number as a word (`12A.mov`, `shot_12A_take3.mov`, `SC04_SH12A.mxf`).
    public func path(forShot shot: String, source: String?, reel: String?) -> String? {
        if let source {
            if FileManager.default.fileExists(atPath: source) { return source }
            let base = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
            if let hit = byKey[Self.key(base)] { return hit }
        }
        if let reel, let hit = byKey[Self.key(reel)] { return hit }
        let wanted = Self.key(shot)
        let tokens = [wanted, "SHOT" + wanted, "SH" + wanted, "SHOT_" + wanted]
        for (key, path) in byKey.sorted(by: { $0.key < $1.key }) {
            let words = key.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            if words.contains(where: { tokens.contains($0) }) { return path }
            if key.hasSuffix("_SHOT_" + wanted) || key.hasSuffix("-SHOT-" + wanted) { return path }
        }
        return nil
    }

    /// Probes `path` once.
    public func source(_ path: String) throws(MediaError) -> Source {
        if let known = probed[path] { return known }
        let info = try Probe.file(path)
        let video = info.first(.video)
        let rate = video?.frameRate ?? Rational(25, 1)
        let frames = video?.frameCount ?? Int(((info.duration ?? 0) * rate.doubleValue).rounded())
        var start = 0
        let tcRate = TimecodeRate(rate: rate, dropFrame: info.startTimecode?.contains(";") ?? false)
        if let tc = info.startTimecode, let count = try? Timecode.frames(tc, rate: tcRate) { start = count }
        let source = Source(path: path, info: info, rate: rate, frames: frames, startFrame: start, timecodeRate: tcRate)
        probed[path] = source
        return source
    }
}
