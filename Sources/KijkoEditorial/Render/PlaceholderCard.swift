import Foundation
import KijkoMedia

/// The picture standing in for a missing or VFX shot: a dark card with an amber border and the
/// shot's number, scene, description and length, drawn by libavfilter (`drawtext`).
enum PlaceholderCard {
    static func frame(_ placeholder: Placeholder, width: Int, height: Int, pixelFormat: PixelFormat,
                      rate: Rational) throws -> Frame {
        let (lines, size) = layout([placeholder.title] + placeholder.lines, width: width, height: height)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-card-\(UUID().uuidString).txt")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let border = max(2, height / 90)
        let base = "color=c=0x1d2733:s=\(width)x\(height):r=\(rate),drawbox=x=0:y=0:w=iw:h=ih:color=0xe0a030:t=\(border)"
        let words = "drawtext=textfile=\(file.path):expansion=none:fontcolor=white:fontsize=\(size)"
            + ":line_spacing=\(max(2, size / 4)):x=(w-text_w)/2:y=(h-text_h)/2"
        let graph: FilterGraph
        do {
            graph = try FilterGraph("\(base),\(words),format=\(pixelFormat.name)")
        } catch {
            // No font on this machine: the card without words still marks the shot.
            graph = try FilterGraph("\(base),format=\(pixelFormat.name)")
        }
        let frame = try Frame()
        guard try graph.pull(into: frame) == .frame else { throw RenderError(message: "placeholder card gave no picture") }
        return frame
    }

    /// The card's lines wrapped at word boundaries to fit inside its border, and the font size
    /// (pixels) that lets them all fit: from a sixteenth of the height down to a fortieth; a word
    /// longer than a line is cut, and lines past the card's height end in an ellipsis.
    static func layout(_ paragraphs: [String], width: Int, height: Int) -> (lines: [String], fontSize: Int) {
        // The default sans font's widest capitals are ~0.7 of its size; drawtext's line pitch is
        // ~1.45 of it. Keep 8 % margins.
        func columns(_ size: Int) -> Int { max(8, Int(Double(width) * 0.84 / (Double(size) * 0.7))) }
        func rows(_ size: Int) -> Int { max(1, Int(Double(height) * 0.84 / (Double(size) * 1.45))) }
        func wrap(_ size: Int) -> [String] {
            let columns = columns(size)
            var lines: [String] = []
            for paragraph in paragraphs {
                var line = ""
                for piece in paragraph.split(separator: " ").map(String.init) {
                    var word = piece
                    if word.count > columns {
                        // A word longer than a line: what came before it first, then its pieces.
                        if !line.isEmpty { lines.append(line); line = "" }
                        while word.count > columns { lines.append(String(word.prefix(columns))); word = String(word.dropFirst(columns)) }
                    }
                    if line.isEmpty { line = word } else if line.count + 1 + word.count <= columns { line += " " + word } else {
                        lines.append(line)
                        line = word
                    }
                }
                lines.append(line)
            }
            return lines
        }
        let smallest = max(8, height / 40)
        var size = max(smallest, height / 16)
        while size > smallest && wrap(size).count > rows(size) { size = max(smallest, size - max(1, size / 12)) }
        var lines = wrap(size)
        let room = rows(size)
        if lines.count > room {
            lines = Array(lines.prefix(room))
            lines[room - 1] = String(lines[room - 1].prefix(columns(size) - 2)) + " …"
        }
        return (lines, size)
    }
}
