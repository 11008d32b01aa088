import Foundation

/// The Markdown agents write (headings, paragraphs, lists, tables, emphasis, code) as HTML, every
/// piece of text escaped: a document is shown, never trusted.
enum Markdown {
    static func html(_ source: String) -> String {
        var out = "", paragraph: [String] = [], list: [String] = [], ordered = false, table: [[String]] = [], code: [String]? = nil
        func flush() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"; paragraph = [] }
            if !list.isEmpty {
                let tag = ordered ? "ol" : "ul"
                out += "<\(tag)>" + list.map { "<li>\(inline($0))</li>" }.joined() + "</\(tag)>\n"
                list = []
            }
            if !table.isEmpty {
                let rows = table.filter { !$0.allSatisfy { $0.allSatisfy { "-: ".contains($0) } } }
                out += "<table>" + rows.enumerated().map { (i, cells) -> String in
                    "<tr>" + cells.map { i == 0 ? "<th>\(inline($0))</th>" : "<td>\(inline($0))</td>" }.joined() + "</tr>"
                }.joined() + "</table>\n"
                table = []
            }
        }
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if code != nil {
                if line.hasPrefix("```") { out += "<pre>" + PageText.e(code!.joined(separator: "\n")) + "</pre>\n"; code = nil } else { code!.append(raw) }
                continue
            }
            if line.hasPrefix("```") { flush(); code = []; continue }
            if line.isEmpty { flush(); continue }
            if let level = heading(line) {
                flush()
                out += "<h\(level + 1)>" + inline(String(line.dropFirst(level).drop { $0 == " " })) + "</h\(level + 1)>\n"
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !paragraph.isEmpty || !table.isEmpty || (ordered && !list.isEmpty) { flush() }
                ordered = false
                list.append(String(line.dropFirst(2)))
            } else if let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber), !line[..<dot].isEmpty, line[line.index(after: dot)...].hasPrefix(" ") {
                if !paragraph.isEmpty || !table.isEmpty || (!ordered && !list.isEmpty) { flush() }
                ordered = true
                list.append(String(line[line.index(dot, offsetBy: 2)...]))
            } else if line.hasPrefix("|") {
                if !paragraph.isEmpty || !list.isEmpty { flush() }
                table.append(line.trimmingCharacters(in: CharacterSet(charactersIn: "|")).split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) })
            } else if line.hasPrefix(">") {
                flush()
                out += "<blockquote>" + inline(String(line.dropFirst().drop { $0 == " " })) + "</blockquote>\n"
            } else {
                if !list.isEmpty || !table.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        if let code { out += "<pre>" + PageText.e(code.joined(separator: "\n")) + "</pre>\n" }
        flush()
        return out
    }

    /// `#`… `######` at the start of a line: its level.
    static func heading(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        return (1...6).contains(hashes) && line.dropFirst(hashes).hasPrefix(" ") ? min(hashes, 5) : nil
    }

    /// Escaped text with `**bold**`, `*italic*` and `` `code` ``.
    static func inline(_ text: String) -> String {
        var out = PageText.e(text)
        out = replacePairs(out, "**", "<strong>", "</strong>")
        out = replacePairs(out, "`", "<code>", "</code>")
        return out
    }

    static func replacePairs(_ text: String, _ marker: String, _ open: String, _ close: String) -> String {
        let pieces = text.components(separatedBy: marker)
        guard pieces.count >= 3 else { return text }
        var out = pieces[0]
        for (i, piece) in pieces.dropFirst().enumerated() {
            let closing = i % 2 == 1
            if !closing && i == pieces.count - 2 { out += marker + piece; continue }  // an unpaired marker stays text
            out += (closing ? close : open) + piece
        }
        return out
    }
}
