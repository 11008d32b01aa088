import Foundation

/// Composes one still picture with libavfilter: a coloured canvas, pictures (frames of video or
/// image files, fitted into boxes), filled or outlined boxes and text, in the order added; then
/// writes it as PNG or JPEG (atomically). Text goes through `drawtext` from a temporary file, so no
/// escaping is needed; with no font on the machine the picture is made without its text.
public struct StillComposer {
    public enum Element {
        /// A frame of `path` at `seconds` (the first for images and shorter clips), fitted inside the box, centred.
        case picture(path: String, seconds: Double, x: Int, y: Int, width: Int, height: Int)
        /// `thickness` nil fills the box. Colours as libavfilter names them: `white`, `0x1d2733`, `red@0.5`.
        case box(x: Int, y: Int, width: Int, height: Int, colour: String, thickness: Int?)
        /// Lines break at `\n`; `size` in pixels.
        case text(String, x: Int, y: Int, size: Int, colour: String)
    }

    public let width: Int
    public let height: Int
    public var background: String
    public private(set) var elements: [Element] = []

    public init(width: Int, height: Int, background: String = "0x14181f") {
        self.width = width - width % 2
        self.height = height - height % 2
        self.background = background
    }

    public mutating func add(_ element: Element) { elements.append(element) }

    /// Breaks `text` into lines of at most `characters` (words kept whole), at most `lines` lines.
    public static func wrap(_ text: String, characters: Int, lines: Int = 4) -> String {
        var result: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty { line = String(word) } else if line.count + word.count + 1 <= characters { line += " " + word } else {
                result.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { result.append(line) }
        if result.count > lines { result = Array(result.prefix(lines)); result[lines - 1] += "…" }
        return result.joined(separator: "\n")
    }

    /// Writes the picture to `path`: PNG, or JPEG for `.jpg`/`.jpeg`.
    public func write(to path: String) throws {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-still-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try render(to: path, textFolder: temporary, withText: true)
        } catch {
            // No font: the picture without its words.
            try render(to: path, textFolder: temporary, withText: false)
        }
    }

    private func render(to path: String, textFolder: URL, withText: Bool) throws {
        var inputs: [String: FilterInputFormat] = [:]
        var frames: [(String, Frame)] = []
        var chains = ["color=c=\(background):s=\(width)x\(height):r=1:d=1,format=rgb24[c0]"]
        var canvas = 0
        var drawing: [String] = []
        func flushDrawing() {
            guard !drawing.isEmpty else { return }
            chains.append("[c\(canvas)]" + drawing.joined(separator: ",") + "[c\(canvas + 1)]")
            canvas += 1
            drawing = []
        }
        for (i, element) in elements.enumerated() {
            switch element {
            case let .picture(file, seconds, x, y, w, h):
                flushDrawing()
                let reader = try FrameReader(path: file)
                // (A still image, or a clip shorter than `seconds`, gives its first picture.)
                let length = seconds > 0 ? ((try? Probe.file(file))?.first(.video)?.duration ?? 0) : 0
                if seconds > 0, length > seconds { try reader.seek(toPTS: reader.startPTS + Int64(seconds / reader.timeBase.doubleValue)) }
                let frame = try Frame()
                guard try reader.next(into: frame) else { throw MediaError(file: file, stage: .decode, reason: "no picture to compose") }
                frame.pts = 0
                inputs["in\(i)"] = reader.frameFormat
                frames.append(("in\(i)", frame))
                let bw = max(2, w - w % 2), bh = max(2, h - h % 2)
                chains.append("[in\(i)]scale=\(bw):\(bh):force_original_aspect_ratio=decrease,setsar=1,format=rgb24,"
                              + "pad=\(bw):\(bh):(ow-iw)/2:(oh-ih)/2:color=\(background)[p\(i)]")
                chains.append("[c\(canvas)][p\(i)]overlay=x=\(x):y=\(y):eof_action=repeat[c\(canvas + 1)]")
                canvas += 1
            case let .box(x, y, w, h, colour, thickness):
                drawing.append("drawbox=x=\(x):y=\(y):w=\(w):h=\(h):color=\(colour):t=\(thickness.map(String.init) ?? "fill")")
            case let .text(text, x, y, size, colour):
                guard withText, !text.isEmpty else { continue }
                let file = textFolder.appendingPathComponent("\(i).txt")
                try Data(text.utf8).write(to: file)
                drawing.append("drawtext=textfile=\(file.path):expansion=none:fontcolor=\(colour):fontsize=\(size):line_spacing=\(max(2, size / 4)):x=\(x):y=\(y)")
            }
        }
        flushDrawing()
        let jpeg = ["jpg", "jpeg"].contains((path as NSString).pathExtension.lowercased())
        chains.append("[c\(canvas)]format=\(jpeg ? "yuvj420p" : "rgb24")[out]")
        let graph = try FilterGraph(chains.joined(separator: ";"), inputs: inputs)
        for (name, frame) in frames {
            try graph.push(frame, into: name)
            try graph.push(nil, into: name)
        }
        let still = try Frame()
        guard try graph.pull(into: still) == .frame, let format = graph.outputFormat() else {
            throw MediaError(file: path, stage: .filter, reason: "the composition gave no picture")
        }
        try ImageFile.write(still, format: format, settings: EncoderSettings(codec: jpeg ? "mjpeg" : "png"), to: path)
    }
}
