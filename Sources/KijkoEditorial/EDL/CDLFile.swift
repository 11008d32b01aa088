public import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// ASC CDL XML: a `.cdl` (`ColorDecisionList` of `ColorDecision`s), a `.ccc`
/// (`ColorCorrectionCollection`) or a `.cc` (one `ColorCorrection`), each correction by its `id`
/// with its `SOPNode` (`Slope`, `Offset`, `Power`: three numbers each) and `SatNode`
/// (`Saturation`); a missing node is the identity. An error names the file, the line and what is wrong.
public enum CDLFile {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let line: Int?
        public let message: String

        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// The corrections in `path`, by id (a correction without one is named after the file).
    public static func read(path: String) throws(Problem) -> [String: ColorDecision] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Problem(file: path, line: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws(Problem) -> [String: ColorDecision] {
        let reader = Reader(file: file)
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.shouldResolveExternalEntities = false
        let parsed = parser.parse()
        if let problem = reader.problem { throw problem }
        guard parsed else {
            throw Problem(file: file, line: parser.lineNumber, message: "not XML: \(parser.parserError.map { "\($0.localizedDescription)" } ?? "unreadable")")
        }
        guard reader.depth == 0 else { throw Problem(file: file, line: parser.lineNumber, message: "cut short: an element is never closed") }
        guard reader.sawRoot else {
            throw Problem(file: file, line: nil, message: "no ColorDecisionList, ColorCorrectionCollection or ColorCorrection: not an ASC CDL file")
        }
        return reader.corrections
    }

    final class Reader: NSObject, XMLParserDelegate {
        let file: String
        var corrections: [String: ColorDecision] = [:]
        var problem: Problem?
        var sawRoot = false
        /// Elements open.
        var depth = 0
        private var current: (id: String, line: Int, decision: ColorDecision)?
        private var text = ""

        init(file: String) { self.file = file }

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            text = ""
            depth += 1
            let name = Self.local(element)
            if ["ColorDecisionList", "ColorCorrectionCollection", "ColorCorrection"].contains(name) { sawRoot = true }
            guard problem == nil else { return }
            if name == "ColorCorrection" {
                if current != nil { fail(parser, "a ColorCorrection inside another"); return }
                let id = attributes["id"] ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                current = (id, parser.lineNumber, ColorDecision())
            } else if name == "ColorCorrectionRef" {
                fail(parser, "ColorCorrectionRef \(attributes["ref"] ?? "?") refers to a correction elsewhere: give the .ccc or .cc that holds it instead")
            } else if ["Slope", "Offset", "Power", "Saturation"].contains(name), current == nil {
                fail(parser, "\(name) outside a ColorCorrection")
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            let name = Self.local(element)
            depth -= 1
            guard problem == nil else { return }
            switch name {
            case "Slope", "Offset", "Power":
                let words = text.split(whereSeparator: \.isWhitespace)
                let values = words.compactMap { Double($0) }.filter(\.isFinite)
                guard words.count == 3, values.count == 3 else {
                    fail(parser, "\(name) needs three numbers, got \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
                    return
                }
                if name == "Slope" { current?.decision.slope = values }
                if name == "Offset" { current?.decision.offset = values }
                if name == "Power" { current?.decision.power = values }
            case "Saturation":
                guard let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), value.isFinite else {
                    fail(parser, "Saturation needs a number, got \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
                    return
                }
                current?.decision.saturation = value
            case "ColorCorrection":
                if let current {
                    if corrections[current.id] != nil { fail(parser, "ColorCorrection id \(current.id) is given twice") }
                    corrections[current.id] = current.decision
                }
                current = nil
            default:
                break
            }
            text = ""
        }

        func fail(_ parser: XMLParser, _ message: String) {
            problem = Problem(file: file, line: parser.lineNumber, message: message)
            parser.abortParsing()
        }

        /// `cdl:Slope` → `Slope`.
        static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
    }
}

extension Timeline {
    /// This timeline with the corrections of CDL files applied to the clips that have none of
    /// their own: the one a clip's `* ASC_CC_XML ID` comment names, else the one whose id is the
    /// clip's name or reel. A comment naming an id no file has is an error (a grade asked for and
    /// not found is never skipped in silence).
    /// - Parameter edl: the file the timeline came from, for messages.
    public func graded(by corrections: [String: ColorDecision], files: [String], edl: String) throws(CDLFile.Problem) -> Timeline {
        var timeline = self
        for t in timeline.tracks.indices {
            for i in timeline.tracks[t].items.indices {
                guard case .clip(var clip) = timeline.tracks[t].items[i], clip.colorDecision == nil else { continue }
                // `ASC_CC_XML ID` or `ASC_CC_XML: ID`: the rest of the comment is the id (it may hold colons).
                let named = clip.comments.lazy.compactMap { comment -> String? in
                    let text = comment.trimmingCharacters(in: .whitespaces)
                    guard text.uppercased().hasPrefix("ASC_CC_XML") else { return nil }
                    var rest = text.dropFirst("ASC_CC_XML".count).trimmingCharacters(in: .whitespaces)
                    if rest.hasPrefix(":") { rest = rest.dropFirst().trimmingCharacters(in: .whitespaces) }
                    return rest.isEmpty ? nil : rest
                }.first
                if let named {
                    guard let decision = corrections[named] else {
                        throw CDLFile.Problem(file: edl, line: nil,
                                              message: "event \(clip.event.map { String(format: "%03d", $0) } ?? clip.name) names ASC_CC_XML \(named), which "
                                                + (files.isEmpty ? "needs a CDL file: give --cdl FILE" : "none of \(files.joined(separator: ", ")) has"))
                    }
                    clip.colorDecision = decision
                } else if let decision = corrections[clip.name] ?? clip.reel.flatMap({ corrections[$0] })
                            ?? clip.sourceFile.flatMap({ corrections[URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent] }) {
                    clip.colorDecision = decision
                } else {
                    continue
                }
                timeline.tracks[t].items[i] = .clip(clip)
            }
        }
        return timeline
    }
}
