import KijkoMedia
import KijkoCore

/// A small builder for XML text: elements, attributes and escaped character data.
struct XMLText {
    private(set) var lines: [String] = []
    private var depth = 0

    static func escape(_ text: String) -> String { Markup.escape(text) }

    static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    mutating func raw(_ line: String) { lines.append(line) }

    mutating func open(_ name: String, _ attrs: [(String, String)] = []) {
        lines.append(String(repeating: "  ", count: depth) + "<\(name)\(Self.attributes(attrs))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        lines.append(String(repeating: "  ", count: depth) + "</\(name)>")
    }

    mutating func leaf(_ name: String, _ value: String, _ attrs: [(String, String)] = []) {
        lines.append(String(repeating: "  ", count: depth) + "<\(name)\(Self.attributes(attrs))>\(Self.escape(value))</\(name)>")
    }

    mutating func empty(_ name: String, _ attrs: [(String, String)] = []) {
        lines.append(String(repeating: "  ", count: depth) + "<\(name)\(Self.attributes(attrs))/>")
    }

    mutating func element(_ name: String, _ attrs: [(String, String)] = [], _ body: (inout XMLText) -> Void) {
        open(name, attrs)
        body(&self)
        close(name)
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
