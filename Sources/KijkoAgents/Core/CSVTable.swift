import Foundation

/// A CSV file with a header row (RFC 4180 quoting), as platform analytics and trend tools export.
struct CSVTable {
    var header: [String]
    var rows: [[String]]

    init(data: Data, file: String) throws {
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw AgentError("\(file): not text")
        }
        var records = Self.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard !records.isEmpty else { throw AgentError("\(file): empty CSV") }
        header = records.removeFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let width = header.count
        rows = records.filter { !($0.count == 1 && $0[0].isEmpty) }.map { $0.count >= width ? Array($0.prefix(width)) : $0 + Array(repeating: "", count: width - $0.count) }
    }

    /// The index of the first column named any of `names` (header compared lower-cased, spaces as `_`).
    func column(_ names: String...) -> Int? { column(names) }

    func column(_ names: [String]) -> Int? {
        let normal = header.map { $0.replacingOccurrences(of: " ", with: "_") }
        for name in names { if let i = normal.firstIndex(of: name) { return i } }
        return nil
    }

    func value(_ row: [String], _ names: String...) -> String? {
        column(names).map { row[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var field = "", record: [String] = []
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character?
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\n", "\r\n", "\r": record.append(field); records.append(record); field = ""; record = []
            default: field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
