/// Escaping for XML and HTML text and attribute values (`& < > " '`), shared by the timeline
/// exports and the reports.
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// CSV as spreadsheets read it (RFC 4180): fields quoted where they hold a comma, a quote or a
/// line break, quotes doubled.
public enum CSV {
    /// One line of `fields`, without its line break.
    public static func line(_ fields: [String]) -> String {
        fields.map { f in f.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f }
            .joined(separator: ",")
    }
}
