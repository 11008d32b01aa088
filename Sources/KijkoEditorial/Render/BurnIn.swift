import Foundation
import KijkoMedia

/// What to burn into the picture of a rough cut.
public struct BurnInOptions: OptionSet, Sendable, Codable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Record timecode, bottom left.
    public static let timecode = BurnInOptions(rawValue: 1)
    /// The source clip's name, bottom right.
    public static let clipName = BurnInOptions(rawValue: 2)
    /// The event (or shot) number, top left.
    public static let event = BurnInOptions(rawValue: 4)

    /// Parses `timecode,clip,shot` (also `event`, `all`).
    public init?(list: String) {
        var options: BurnInOptions = []
        for word in list.lowercased().split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch word {
            case "timecode", "tc": options.insert(.timecode)
            case "clip", "name": options.insert(.clipName)
            case "shot", "event": options.insert(.event)
            case "all": options = [.timecode, .clipName, .event]
            default: return nil
            }
        }
        self = options
    }
}

/// Draws burn-ins on output frames: one small `drawtext` graph per clip, its timecode counter
/// starting at the clip's record timecode.
final class BurnIn {
    private let options: BurnInOptions
    private let width: Int, height: Int
    private let pixelFormat: PixelFormat
    private let rate: TimecodeRate
    private var graph: FilterGraph?
    private let out: Frame

    init(options: BurnInOptions, width: Int, height: Int, pixelFormat: PixelFormat, rate: TimecodeRate) throws(MediaError) {
        self.options = options
        self.width = width
        self.height = height
        self.pixelFormat = pixelFormat
        self.rate = rate
        out = try Frame()
    }

    /// Starts a clip whose first frame is at record frame `recordFrame`.
    func begin(recordFrame: Int, clipName: String, event: String) throws {
        let size = max(10, height / 24)
        let box = ":box=1:boxcolor=black@0.6:boxborderw=\(max(2, size / 5)):fontcolor=white:fontsize=\(size)"
        var parts: [String] = []
        var files: [URL] = []
        func textFile(_ text: String) throws -> String {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-burn-\(UUID().uuidString).txt")
            try Data(text.utf8).write(to: url)
            files.append(url)
            return url.path
        }
        defer { for f in files { try? FileManager.default.removeItem(at: f) } }
        if options.contains(.timecode) {
            let tc = Timecode.string(recordFrame, rate: rate).replacingOccurrences(of: ":", with: "\\:").replacingOccurrences(of: ";", with: "\\;")
            parts.append("drawtext=timecode='\(tc)':timecode_rate=\(rate.rate)\(box):x=\(size / 2):y=h-th-\(size / 2)")
        }
        if options.contains(.clipName) {
            parts.append("drawtext=textfile=\(try textFile(clipName)):expansion=none\(box):x=w-tw-\(size / 2):y=h-th-\(size / 2)")
        }
        if options.contains(.event) {
            parts.append("drawtext=textfile=\(try textFile(event)):expansion=none\(box):x=\(size / 2):y=\(size / 2)")
        }
        guard !parts.isEmpty else { graph = nil; return }
        let format = FilterInputFormat.video(width: width, height: height, pixelFormat: pixelFormat,
                                             timeBase: rate.rate.inverted, frameRate: rate.rate)
        graph = try FilterGraph("[in]\(parts.joined(separator: ",")),format=\(pixelFormat.name)[out]", inputs: ["in": format])
    }

    /// Draws on `frame` (returns the drawn frame).
    func draw(_ frame: Frame) throws -> Frame {
        guard let graph else { return frame }
        let pts = frame.pts
        try graph.push(frame)
        guard try graph.pull(into: out) == .frame else { throw RenderError(message: "burn-in gave no picture") }
        let drawn = try Frame()
        drawn.take(from: out)
        drawn.pts = pts
        return drawn
    }
}
