import Foundation
import KijkoMedia

/// The picture standing in for a missing or VFX shot: a dark card with an amber border and the
/// shot's number, scene, description and length, drawn by libavfilter (`drawtext`).
enum PlaceholderCard {
    static func frame(_ placeholder: Placeholder, width: Int, height: Int, pixelFormat: PixelFormat,
                      rate: Rational) throws -> Frame {
        let text = ([placeholder.title] + placeholder.lines).joined(separator: "\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-card-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let border = max(2, height / 90)
        let base = "color=c=0x1d2733:s=\(width)x\(height):r=\(rate),drawbox=x=0:y=0:w=iw:h=ih:color=0xe0a030:t=\(border)"
        let words = "drawtext=textfile=\(file.path):expansion=none:fontcolor=white:fontsize=\(max(8, height / 16))"
            + ":line_spacing=\(max(2, height / 60)):x=(w-text_w)/2:y=(h-text_h)/2"
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
}
