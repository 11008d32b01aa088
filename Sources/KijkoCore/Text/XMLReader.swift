public import Foundation

/// A small, strict reader of the XML interchange files use (ASC CDL, and the like): UTF-8 text,
/// elements with attributes, text with the five named entities and character references, CDATA,
/// comments and processing instructions (skipped). A DOCTYPE is refused (no entity expansion).
/// Every problem is a ``FileProblem`` naming the line. Kijko's own, because FoundationXML's parser
/// traps on some malformed inputs (a name that is not UTF-8, a processing instruction without data).
public enum XMLReader {
    /// What the document holds, in order. Names keep their prefix (`cdl:Slope`).
    public enum Event: Equatable, Sendable {
        case start(name: String, attributes: [String: String], line: Int)
        case end(name: String, line: Int)
        case text(String)
    }

    /// Elements nest at most this deep.
    public static let maximumDepth = 256

    /// The events of `data`, checked: names balanced, one root element, nothing cut short.
    public static func events(_ data: Data, file: String) throws(FileProblem) -> [Event] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var line = 1
        for row in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard String(validating: row, as: UTF8.self) != nil else { throw FileProblem(file: file, line: line, message: "not UTF-8 text") }
            line += 1
        }
        var scanner = Scanner(bytes: bytes, file: file)
        return try scanner.run()
    }

    struct Scanner {
        let bytes: [UInt8]
        let file: String
        var at = 0
        var line = 1
        var open: [String] = []
        var roots = 0
        var events: [Event] = []

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        func fail(_ message: String) -> FileProblem { FileProblem(file: file, line: line, message: message) }

        /// Moves past `count` bytes, counting lines.
        mutating func advance(_ count: Int) {
            let end = min(bytes.count, at + count)
            while at < end {
                if bytes[at] == 0x0A { line += 1 }
                at += 1
            }
        }

        func looking(at text: String) -> Bool { bytes[at...].starts(with: Array(text.utf8)) }

        /// Moves past the next `terminator`; - Throws: when there is none.
        mutating func skip(past terminator: String, what: String) throws(FileProblem) -> ArraySlice<UInt8> {
            let pattern = Array(terminator.utf8)
            let start = at
            while at < bytes.count {
                if bytes[at...].starts(with: pattern) {
                    let body = bytes[start..<at]
                    advance(pattern.count)
                    return body
                }
                advance(1)
            }
            throw fail("cut short: \(what) is never closed")
        }

        mutating func run() throws(FileProblem) -> [Event] {
            while at < bytes.count {
                if bytes[at] != UInt8(ascii: "<") {
                    let start = at
                    while at < bytes.count, bytes[at] != UInt8(ascii: "<") { advance(1) }
                    let text = try decode(bytes[start..<at])
                    if open.isEmpty {
                        guard text.allSatisfy(\.isWhitespace) else { throw fail("text outside the root element") }
                    } else {
                        events.append(.text(text))
                    }
                    continue
                }
                if looking(at: "<?") {
                    advance(2)
                    _ = try skip(past: "?>", what: "a processing instruction")
                } else if looking(at: "<!--") {
                    advance(4)
                    _ = try skip(past: "-->", what: "a comment")
                } else if looking(at: "<![CDATA[") {
                    guard !open.isEmpty else { throw fail("CDATA outside the root element") }
                    advance(9)
                    events.append(.text(String(decoding: try skip(past: "]]>", what: "a CDATA section"), as: UTF8.self)))
                } else if looking(at: "<!") {
                    throw fail("a DOCTYPE or declaration: not read here")
                } else if looking(at: "</") {
                    advance(2)
                    let startLine = line
                    let name = try self.name()
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: ">") else { throw fail("</\(name) is not closed by >") }
                    advance(1)
                    guard let top = open.popLast() else { throw fail("</\(name)> closes nothing") }
                    guard top == name else { throw fail("</\(name)> closes <\(top)>") }
                    events.append(.end(name: name, line: startLine))
                } else {
                    try startTag()
                }
            }
            if let top = open.last { throw fail("cut short: <\(top)> is never closed") }
            guard roots == 1 else { throw fail(roots == 0 ? "no element: not XML" : "more than one root element") }
            return events
        }

        mutating func startTag() throws(FileProblem) {
            advance(1)
            let startLine = line
            let name = try self.name()
            var attributes: [String: String] = [:]
            while true {
                skipSpace()
                guard at < bytes.count else { throw fail("cut short: <\(name) is never closed") }
                if bytes[at] == UInt8(ascii: ">") || looking(at: "/>") { break }
                let key = try self.name()
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "=") else { throw fail("attribute \(key) of <\(name)> has no value") }
                advance(1)
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") || bytes[at] == UInt8(ascii: "'") else {
                    throw fail("attribute \(key) of <\(name)>: the value is not quoted")
                }
                let quote = bytes[at]
                advance(1)
                let start = at
                while at < bytes.count, bytes[at] != quote {
                    guard bytes[at] != UInt8(ascii: "<") else { throw fail("attribute \(key) of <\(name)>: < inside the value") }
                    advance(1)
                }
                guard at < bytes.count else { throw fail("cut short: attribute \(key) of <\(name)> is never closed") }
                let value = try decode(bytes[start..<at])
                advance(1)
                guard attributes.updateValue(value, forKey: key) == nil else { throw fail("attribute \(key) of <\(name)> is given twice") }
            }
            if open.isEmpty {
                roots += 1
                guard roots == 1 else { throw fail("more than one root element") }
            }
            events.append(.start(name: name, attributes: attributes, line: startLine))
            if looking(at: "/>") {
                advance(2)
                events.append(.end(name: name, line: line))
            } else {
                advance(1)
                guard open.count < XMLReader.maximumDepth else { throw fail("elements nest deeper than \(XMLReader.maximumDepth)") }
                open.append(name)
            }
        }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { advance(1) }
        }

        /// A name: letters, digits, `_`, `-`, `.`, `:` and any non-ASCII, not starting with a digit, `-` or `.`.
        mutating func name() throws(FileProblem) -> String {
            let start = at
            func allowed(_ b: UInt8, first: Bool) -> Bool {
                if b >= 0x80 || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") { return true }
                if (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") { return true }
                return !first && (b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")))
            }
            while at < bytes.count, allowed(bytes[at], first: at == start) { advance(1) }
            guard at > start else { throw fail(at < bytes.count ? "expected a name, found \(Unicode.Scalar(bytes[at]).escaped(asASCII: true))" : "cut short: a name is missing") }
            return String(decoding: bytes[start..<at], as: UTF8.self)
        }

        /// Text with its entities and character references replaced.
        func decode(_ raw: ArraySlice<UInt8>) throws(FileProblem) -> String {
            let text = String(decoding: raw, as: UTF8.self)
            guard text.contains("&") else { return text }
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 40 else {
                    throw fail("a bare & (write &amp;)")
                }
                let entity = rest[rest.index(after: amp)..<semi]
                switch entity {
                case "lt": out += "<"
                case "gt": out += ">"
                case "amp": out += "&"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    let hex = entity.hasPrefix("#x") || entity.hasPrefix("#X")
                    let digits = entity.dropFirst(hex ? 2 : 1)
                    guard entity.hasPrefix("#"), !digits.isEmpty, digits.allSatisfy({ hex ? $0.isHexDigit : $0.isASCII && $0.isNumber }),
                          let code = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(code),
                          code >= 0x20 || [0x09, 0x0A, 0x0D].contains(code) else {
                        throw fail("unknown entity &\(entity);")
                    }
                    out.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semi)...]
            }
            return out + rest
        }
    }
}
