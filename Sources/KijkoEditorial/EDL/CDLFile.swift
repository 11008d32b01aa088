public import Foundation
public import KijkoCore
public import KijkoMedia

/// ASC CDL XML: a `.cdl` (`ColorDecisionList` of `ColorDecision`s), a `.ccc`
/// (`ColorCorrectionCollection`) or a `.cc` (one `ColorCorrection`), each correction by its `id`
/// with its `SOPNode` (`Slope`, `Offset`, `Power`: three numbers each) and `SatNode`
/// (`Saturation`); a missing node is the identity. An error names the file, the line and what is wrong.
public enum CDLFile {
    public typealias Problem = FileProblem

    /// The corrections in `path`, by id (a correction without one is named after the file).
    public static func read(path: String) throws(Problem) -> [String: ColorDecision] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Problem(file: path, line: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws(Problem) -> [String: ColorDecision] {
        var corrections: [String: ColorDecision] = [:]
        var sawRoot = false
        var current: (id: String, decision: ColorDecision)?
        var text = ""
        func fail(_ line: Int, _ message: String) -> Problem { Problem(file: file, line: line, message: message) }
        for event in try XMLReader.events(data, file: file) {
            switch event {
            case .text(let more):
                text += more
            case .start(let element, let attributes, let line):
                text = ""
                let name = local(element)
                if ["ColorDecisionList", "ColorCorrectionCollection", "ColorCorrection"].contains(name) { sawRoot = true }
                if name == "ColorCorrection" {
                    if current != nil { throw fail(line, "a ColorCorrection inside another") }
                    current = (attributes["id"] ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent, ColorDecision())
                } else if name == "ColorCorrectionRef" {
                    throw fail(line, "ColorCorrectionRef \(attributes["ref"] ?? "?") refers to a correction elsewhere: give the .ccc or .cc that holds it instead")
                } else if ["Slope", "Offset", "Power", "Saturation"].contains(name), current == nil {
                    throw fail(line, "\(name) outside a ColorCorrection")
                }
            case .end(let element, let line):
                let name = local(element)
                let given = text.trimmingCharacters(in: .whitespacesAndNewlines)
                switch name {
                case "Slope", "Offset", "Power":
                    let words = given.split(whereSeparator: \.isWhitespace)
                    let values = words.compactMap { Double($0) }.filter(\.isFinite)
                    guard words.count == 3, values.count == 3 else { throw fail(line, "\(name) needs three numbers, got \(given)") }
                    if name == "Slope" { current?.decision.slope = values }
                    if name == "Offset" { current?.decision.offset = values }
                    if name == "Power" { current?.decision.power = values }
                case "Saturation":
                    guard let value = Double(given), value.isFinite else { throw fail(line, "Saturation needs a number, got \(given)") }
                    current?.decision.saturation = value
                case "ColorCorrection":
                    if let done = current {
                        if corrections[done.id] != nil { throw fail(line, "ColorCorrection id \(done.id) is given twice") }
                        corrections[done.id] = done.decision
                    }
                    current = nil
                default:
                    break
                }
                text = ""
            }
        }
        guard sawRoot else {
            throw Problem(file: file, line: nil, message: "no ColorDecisionList, ColorCorrectionCollection or ColorCorrection: not an ASC CDL file")
        }
        return corrections
    }

    /// A `.cdl` file: a `ColorDecisionList` holding one `ColorDecision` whose `ColorCorrection` is
    /// `cdl` under `id` (ASC CDL XML, read by Resolve, Baselight, Nuke and Kijko).
    public static func document(id: String, _ cdl: CDL, description: String? = nil) -> String {
        func three(_ v: [Double]) -> String { v.map { String(format: "%.6f", $0) }.joined(separator: " ") }
        let note = description.map { "\n        <Description>\(Markup.escape($0))</Description>" } ?? ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <ColorDecisionList xmlns="urn:ASC:CDL:v1.01">
              <ColorDecision>
                <ColorCorrection id="\(Markup.escape(id))">\(note)
                  <SOPNode>
                    <Slope>\(three(cdl.slope))</Slope>
                    <Offset>\(three(cdl.offset))</Offset>
                    <Power>\(three(cdl.power))</Power>
                  </SOPNode>
                  <SatNode>
                    <Saturation>\(String(format: "%.6f", cdl.saturation))</Saturation>
                  </SatNode>
                </ColorCorrection>
              </ColorDecision>
            </ColorDecisionList>

            """
    }

    /// `cdl:Slope` → `Slope`.
    static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
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
