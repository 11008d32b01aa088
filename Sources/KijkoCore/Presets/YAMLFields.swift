import Foundation
package import Yams

/// Typed, line-aware reading of one YAML mapping: every error names the file, the line and the
/// key path; keys nobody asked for are errors too (a typo must not pass silently).
package struct YAMLFields {
    package let file: String
    package let path: String
    package let node: Node
    private let mapping: Node.Mapping
    /// Values by key text: looked up without resolving tags, which costs a regular expression per
    /// comparison in `Node.Mapping`. A key given twice is an error naming its second line.
    private let values: [String: Node]
    private var asked: Set<String> = []

    package init(_ node: Node, file: String, path: String = "") throws(PresetError) {
        guard let mapping = node.mapping else {
            throw PresetError(file: file, line: Self.line(node), key: path.isEmpty ? nil : path, message: "expected a mapping of keys")
        }
        self.file = file
        self.path = path
        self.node = node
        self.mapping = mapping
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            let text = key.scalar?.string ?? "?"
            guard values[text] == nil else {
                throw PresetError(file: file, line: Self.line(key), key: path.isEmpty ? text : "\(path).\(text)",
                                  message: "given twice (the first at line \(Self.line(values[text]!).map(String.init) ?? "?"))")
            }
            values[text] = value
        }
        self.values = values
    }

    package static func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    /// The root node of the YAML file at `path`; a file that is unreadable, empty or not YAML is
    /// an error naming it (and the line, where the parser says).
    package static func document(_ path: String) throws(PresetError) -> Node {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PresetError(file: path, message: "cannot read the file as UTF-8 text")
        }
        if let (depth, line) = nesting(text), depth > maximumDepth {
            throw PresetError(file: path, line: line, message: "nested \(depth) levels deep (at most \(maximumDepth))")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw PresetError(file: path, message: "empty file") }
            return node
        } catch let error as PresetError {
            throw error
        } catch let error as YamlError {
            throw PresetError(file: path, line: lineOf(error), message: "not valid YAML (\(summary(error)))")
        } catch {
            throw PresetError(file: path, message: "not valid YAML (\(error))")
        }
    }

    /// Deeper nesting than any preset needs is refused before parsing: the parser recurses per level
    /// and a file of a few kilobytes nested thousands deep would overflow the stack.
    package static let maximumDepth = 64

    /// The deepest nesting in `text` (block indentation levels, `- ` items opened on one line, and
    /// open `[` / `{` outside quotes) and the line where it is reached; nil for an empty text.
    static func nesting(_ text: String) -> (Int, Int)? {
        var deepest: (Int, Int)?
        var indents: [Int] = []
        var flow = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let indent = raw.count - line.count
            if flow == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
            }
            var dashes = 0
            var rest = line[...]
            while rest.hasPrefix("- ") || rest == "-" { dashes += 1; rest = rest.dropFirst(2).drop { $0 == " " } }
            var quote: Character?
            var lineFlow = flow
            for ch in rest {
                if let open = quote { if ch == open { quote = nil }; continue }
                switch ch {
                case "\"", "'": quote = ch
                case "[", "{": flow += 1; lineFlow = max(lineFlow, flow)
                case "]", "}": flow = max(0, flow - 1)
                default: continue
                }
            }
            let depth = indents.count + dashes + lineFlow
            if depth > (deepest?.0 ?? -1) { deepest = (depth, index + 1) }
        }
        return deepest
    }

    package static func lineOf(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    package static func summary(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }

    package func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func value(_ key: String) -> Node? {
        asked.insert(key)
        return values[key]
    }

    package func fail(_ key: String, _ node: Node?, _ message: String) -> PresetError {
        PresetError(file: file, line: node.flatMap(Self.line) ?? Self.line(self.node), key: keyPath(key), message: message)
    }

    package mutating func string(_ key: String) throws(PresetError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.scalar?.string, v.scalar != nil else { throw fail(key, v, "expected text") }
        return s
    }

    package mutating func requiredString(_ key: String) throws(PresetError) -> String {
        guard let s = try string(key) else { throw fail(key, nil, "missing") }
        return s
    }

    package mutating func double(_ key: String) throws(PresetError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let text = v.scalar?.string, let d = Double(text) else { throw fail(key, v, "expected a number, got \(v.scalar?.string ?? "a \(Self.kind(v))")") }
        return d
    }

    /// A number within `range` (finite), or nil when absent; out of range is an error naming the range.
    package mutating func double(_ key: String, in range: ClosedRange<Double>) throws(PresetError) -> Double? {
        guard let value = try double(key) else { return nil }
        guard value.isFinite, range.contains(value) else {
            throw fail(key, nil, "expected \(String(format: "%g", range.lowerBound)) to \(String(format: "%g", range.upperBound)), got \(value)")
        }
        return value
    }

    /// A whole number within `range`, or nil when absent.
    package mutating func int(_ key: String, in range: ClosedRange<Int>) throws(PresetError) -> Int? {
        guard let value = try int(key) else { return nil }
        guard range.contains(value) else { throw fail(key, nil, "expected \(range.lowerBound) to \(range.upperBound), got \(value)") }
        return value
    }

    package mutating func requiredDouble(_ key: String) throws(PresetError) -> Double {
        guard let d = try double(key) else { throw fail(key, nil, "missing") }
        return d
    }

    package mutating func int(_ key: String) throws(PresetError) -> Int? {
        guard let v = value(key) else { return nil }
        guard let text = v.scalar?.string, let i = Int(text) else { throw fail(key, v, "expected a whole number, got \(v.scalar?.string ?? "a \(Self.kind(v))")") }
        return i
    }

    package mutating func requiredInt(_ key: String) throws(PresetError) -> Int {
        guard let i = try int(key) else { throw fail(key, nil, "missing") }
        return i
    }

    package mutating func bool(_ key: String) throws(PresetError) -> Bool? {
        guard let v = value(key) else { return nil }
        switch v.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(key, v, "expected true or false")
        }
    }

    /// A list of text values; `check` may refuse one with a message (the error names its line).
    package mutating func strings(_ key: String, check: (String) -> String? = { _ in nil }) throws(PresetError) -> [String]? {
        guard let v = value(key) else { return nil }
        guard let items = v.sequence else { throw fail(key, v, "expected a list") }
        var out: [String] = []
        for item in items {
            guard let text = item.scalar?.string else { throw fail(key, item, "expected text in the list") }
            if let problem = check(text) { throw fail(key, item, problem) }
            out.append(text)
        }
        return out
    }

    /// A mapping of names to mappings, in file order.
    package mutating func entries(_ key: String) throws(PresetError) -> [(name: String, fields: YAMLFields)]? {
        guard let v = value(key) else { return nil }
        guard let mapping = v.mapping else { throw fail(key, v, "expected a mapping of names") }
        var out: [(String, YAMLFields)] = []
        var seen: [String: Node] = [:]
        for (name, node) in mapping {
            let text = name.scalar?.string ?? "?"
            if let first = seen[text] {
                throw PresetError(file: file, line: Self.line(name), key: keyPath(key) + "." + text,
                                  message: "given twice (the first at line \(Self.line(first).map(String.init) ?? "?"))")
            }
            seen[text] = name
            out.append((text, try YAMLFields(node, file: file, path: keyPath(key) + "." + text)))
        }
        return out
    }

    package mutating func fields(_ key: String) throws(PresetError) -> YAMLFields? {
        guard let v = value(key) else { return nil }
        return try YAMLFields(v, file: file, path: keyPath(key))
    }

    package mutating func requiredFields(_ key: String) throws(PresetError) -> YAMLFields {
        guard let f = try fields(key) else { throw fail(key, nil, "missing") }
        return f
    }

    /// Fails on any key that was never asked for.
    package func finish() throws(PresetError) {
        for (key, v) in mapping {
            let name = key.scalar?.string ?? "?"
            if !asked.contains(name) {
                throw PresetError(file: file, line: Self.line(key) ?? Self.line(v), key: keyPath(name), message: "unknown key")
            }
        }
    }

    package static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "mapping"
        case .sequence: "list"
        default: "value"
        }
    }
}
