public import Foundation
public import KijkoMedia

/// Reads CMX 3600 EDLs as Avid, Premiere, Resolve, Nucoda and Baselight write them.
///
///     let (edl, warnings) = try EDLReader(rate: .pal25).read(path: "cut.edl")
///
/// Strict by default: a line it cannot read is an error naming the line and what was expected.
/// With `lenient`, such lines become warnings and the event is skipped.
public struct EDLReader: Sendable {
    /// The counting rate; FCM lines decide drop-frame where the rate has it.
    public var rate: TimecodeRate
    public var lenient: Bool

    public init(rate: TimecodeRate, lenient: Bool = false) {
        self.rate = rate
        self.lenient = lenient
    }

    /// Reads the file at `path`.
    public func read(path: String) throws(EDLDiagnostic) -> (EDL, [EDLDiagnostic]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw EDLDiagnostic(file: path, line: 0, message: isDirectory.boolValue ? "is a directory, not an EDL" : "no such file")
        }
        return try read(data: data, file: path)
    }

    /// Reads EDL text. Non-UTF-8 text (Latin-1 from older systems) is read as Windows-1252 with a
    /// warning naming the first line that is not UTF-8.
    public func read(data: Data, file: String = "<edl>") throws(EDLDiagnostic) -> (EDL, [EDLDiagnostic]) {
        var parser = EDLParser(file: file, rate: rate, lenient: lenient)
        let text: String
        if let utf8 = String(data: data, encoding: .utf8) {
            text = utf8
        } else {
            let line = Self.firstNonUTF8Line(data)
            if !lenient {
                throw EDLDiagnostic(file: file, line: line, message: "not UTF-8 text (use --lenient to read it as Latin-1)")
            }
            parser.warnings.append(EDLDiagnostic(file: file, line: line, message: "not UTF-8 text: read as Latin-1"))
            text = String(data: data, encoding: .windowsCP1252) ?? String(decoding: data, as: UTF8.self)
        }
        return try parser.parse(text)
    }

    static func firstNonUTF8Line(_ data: Data) -> Int {
        var line = 1
        var start = data.startIndex
        for index in data.indices where data[index] == 0x0A {
            if String(data: data[start..<index], encoding: .utf8) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }
}

/// The line-by-line state of one read.
struct EDLParser {
    let file: String
    let rate: TimecodeRate
    let lenient: Bool
    var warnings: [EDLDiagnostic] = []
    private var edl: EDL
    private var current: EDLEvent?
    private var dropFrame: Bool
    private var skipping = false
    private var warnedDropFrame = false

    init(file: String, rate: TimecodeRate, lenient: Bool) {
        self.file = file
        self.rate = rate
        self.lenient = lenient
        dropFrame = rate.dropFrame
        edl = EDL(rate: rate)
    }

    static let eventShape = "NNN REEL TRACK C|D|Wnnn|K [DURATION] SOURCE-IN SOURCE-OUT RECORD-IN RECORD-OUT"

    mutating func parse(_ text: String) throws(EDLDiagnostic) -> (EDL, [EDLDiagnostic]) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (index, raw) in lines.enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if index == 0, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.isEmpty { continue }
            do {
                try handle(line, number: index + 1)
            } catch {
                guard lenient else { throw error }
                warnings.append(error)
                if let first = line.first, first.isASCII, first.isNumber {
                    // A bad edit line: leave its event out (all of it, for a transition's second line).
                    if let event = current, event.number == error.event { current = nil } else { flush() }
                    skipping = true
                }
            }
        }
        flush()
        guard !edl.events.isEmpty else {
            throw EDLDiagnostic(file: file, line: lines.count, message: "no events: the EDL is empty")
        }
        edl.rate = rate.with(dropFrame: edl.rate.dropFrame)
        return (edl, warnings)
    }

    private mutating func handle(_ line: String, number: Int) throws(EDLDiagnostic) {
        let upper = line.uppercased()
        if upper.hasPrefix("TITLE:") {
            edl.title = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        } else if upper.hasPrefix("FCM:") {
            dropFrame = upper.contains("DROP") && !upper.contains("NON")
            if dropFrame && !rate.with(dropFrame: true).dropFrame {
                if !warnedDropFrame {
                    warnings.append(EDLDiagnostic(file: file, line: number,
                                                  message: "FCM: DROP FRAME at \(rate.rate) fps, which has no drop-frame: counting non-drop"))
                    warnedDropFrame = true
                }
                dropFrame = false
            }
            if edl.events.isEmpty && current == nil { edl.rate = rate.with(dropFrame: dropFrame) }
        } else if let first = line.first, first.isASCII, first.isNumber {
            try eventLine(line, number: number)
        } else if upper.hasPrefix("M2 ") || upper.hasPrefix("M2\t") {
            try motionLine(line, number: number)
        } else if line.hasPrefix("*") || Self.bareCommentKeys.contains(where: { upper.hasPrefix($0) }) {
            try comment(line, number: number)
        } else {
            throw EDLDiagnostic(file: file, line: number,
                                message: "cannot read \"\(line.prefix(40))\"\(current.map { " after event \($0.number)" } ?? ""): expected an event (\(Self.eventShape)), M2, a * comment, TITLE: or FCM:")
        }
    }

    /// Comment keywords some systems write without the leading `*`.
    static let bareCommentKeys = ["FROM CLIP NAME", "TO CLIP NAME", "FROM CLIP", "FROM FILE", "SOURCE FILE", "LOC:",
                                  "ASC_SOP", "ASC_SAT", "AUD", "SPLIT", "EFFECTS NAME", "REM"]

    private mutating func flush() {
        if let event = current { edl.events.append(event) }
        current = nil
    }

    /// Frames of a timecode. Record times count as the header's FCM says; source times as the FCM
    /// in force for the event (CMX 3600: an FCM line before an event gives its source's mode).
    /// The most frames a length read from an EDL may hold: a day at 60 frames a second.
    static let maximumFrames = 24 * 3600 * 60

    /// A `;` before the frames always means drop-frame.
    private func frames(_ text: Substring, _ number: Int, event: Int, what: String) throws(EDLDiagnostic) -> Int {
        let mode = what.hasPrefix("record") || what == "LOC" ? edl.rate.dropFrame : dropFrame
        let counting = rate.with(dropFrame: mode || text.contains(";"))
        do {
            return try Timecode.frames(String(text), rate: counting)
        } catch {
            throw EDLDiagnostic(file: file, line: number, event: event, message: "\(what): \(error.description)")
        }
    }

    private mutating func eventLine(_ line: String, number: Int) throws(EDLDiagnostic) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let eventNumber = Int(fields[0]) else {
            throw EDLDiagnostic(file: file, line: number, message: "expected an event number, got \(fields[0])")
        }
        guard fields.count == 8 || fields.count == 9 else {
            throw EDLDiagnostic(file: file, line: number, event: eventNumber,
                                message: "\(fields.count) fields; expected \(Self.eventShape)")
        }
        guard let transition = EDLTransition(code: String(fields[3])) else {
            throw EDLDiagnostic(file: file, line: number, event: eventNumber,
                                message: "unknown edit type \(fields[3]); expected C, D, Wnnn, K, KB or KO")
        }
        var duration = 0
        if fields.count == 9 {
            guard transition != .cut, let d = Int(fields[4]), d >= 0 else {
                throw EDLDiagnostic(file: file, line: number, event: eventNumber,
                                    message: "expected a transition length in frames after \(fields[3]), got \(fields[4].prefix(40))")
            }
            // Longer than a day of frames is no transition a timeline can hold (and would overflow
            // the arithmetic of every writer and the renderer).
            guard d <= Self.maximumFrames else {
                throw EDLDiagnostic(file: file, line: number, event: eventNumber,
                                    message: "a transition of \(d) frames is longer than a day (at most \(Self.maximumFrames))")
            }
            duration = d
        } else if transition != .cut {
            throw EDLDiagnostic(file: file, line: number, event: eventNumber,
                                message: "\(fields[3]) needs a length in frames: \(Self.eventShape)")
        }
        let tc = fields.suffix(4)
        let names = ["source in", "source out", "record in", "record out"]
        var values: [Int] = []
        for (text, what) in zip(tc, names) { values.append(try frames(text, number, event: eventNumber, what: what)) }
        let edit = EDLSource(reel: String(fields[1]), track: String(fields[2]).uppercased(), sourceIn: values[0],
                             sourceOut: values[1], recordIn: values[2], recordOut: values[3])
        guard edit.sourceOut >= edit.sourceIn else {
            throw EDLDiagnostic(file: file, line: number, event: eventNumber, message: "source out is before source in")
        }
        guard edit.recordOut >= edit.recordIn else {
            throw EDLDiagnostic(file: file, line: number, event: eventNumber, message: "record out is before record in")
        }

        // The second line of a transition: the first (a cut) was its outgoing side.
        if var event = current, event.number == eventNumber, event.transition == .cut, event.from == nil, transition != .cut {
            event.from = event.edit
            event.edit = edit
            event.transition = transition
            event.transitionFrames = duration
            event.line = number
            current = event
            return
        }
        flush()
        skipping = false
        if let last = edl.events.last, eventNumber < last.number {
            warnings.append(EDLDiagnostic(file: file, line: number, event: eventNumber,
                                          message: "event numbers go backwards (after \(last.number))"))
        }
        current = EDLEvent(number: eventNumber, edit: edit, transition: transition, transitionFrames: duration,
                           dropFrame: dropFrame || fields[fields.count - 4].contains(";"), line: number)
    }

    private mutating func motionLine(_ line: String, number: Int) throws(EDLDiagnostic) {
        guard var event = current else {
            if skipping { return }
            throw EDLDiagnostic(file: file, line: number, message: "M2 before any event")
        }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 4, let speed = Double(fields[2]) else {
            throw EDLDiagnostic(file: file, line: number, event: event.number,
                                message: "expected M2 REEL SPEED(fps) SOURCE-IN")
        }
        // CMX 3600 writes the speed as frames a second, −999.9 to 999.9; nan, inf and 1e308 are no speed.
        guard speed.isFinite, abs(speed) <= 999.9 else {
            throw EDLDiagnostic(file: file, line: number, event: event.number,
                                message: "M2 speed \(fields[2].prefix(40)) is outside −999.9…999.9 frames a second")
        }
        let start = try frames(fields[3], number, event: event.number, what: "M2 source in")
        event.speed = EDLSpeed(reel: String(fields[1]), speed: speed, sourceIn: start)
        current = event
    }

    private mutating func comment(_ line: String, number: Int) throws(EDLDiagnostic) {
        var body = Substring(line)
        while body.first == "*" { body = body.dropFirst().drop(while: { $0 == " " || $0 == "\t" }) }
        let text = String(body).trimmingCharacters(in: .whitespaces)
        guard current != nil else {
            if !skipping && edl.events.isEmpty, !text.isEmpty { edl.headerComments.append(text) }
            return
        }
        var event = current!
        defer { current = event }
        let upper = text.uppercased()
        func value(after key: String) -> String? {
            guard upper.hasPrefix(key) else { return nil }
            var rest = text.dropFirst(key.count)
            if rest.first == ":" { rest = rest.dropFirst() }
            else if let first = rest.first, first != " " && first != "\t" { return nil }
            return rest.trimmingCharacters(in: .whitespaces)
        }
        if let v = value(after: "FROM CLIP NAME") {
            event.clipName = v
        } else if let v = value(after: "TO CLIP NAME") {
            event.toClipName = v
        } else if let v = value(after: "SOURCE FILE") ?? value(after: "FROM CLIP") ?? value(after: "FROM FILE") {
            event.sourceFile = v
        } else if let v = value(after: "LOC") {
            event.markers.append(try locator(v, number: number, event: event.number))
        } else if let v = value(after: "ASC_SOP") {
            var cdl = event.colorDecision ?? ColorDecision()
            let numbers = v.split(whereSeparator: { "() ,\t".contains($0) }).map { Double($0) }
            guard numbers.count == 9, numbers.allSatisfy({ $0 != nil }) else {
                throw EDLDiagnostic(file: file, line: number, event: event.number,
                                    message: "ASC_SOP needs (slope×3)(offset×3)(power×3), got \(v)")
            }
            let n = numbers.map { $0! }
            cdl.slope = Array(n[0..<3])
            cdl.offset = Array(n[3..<6])
            cdl.power = Array(n[6..<9])
            event.colorDecision = cdl
        } else if let v = value(after: "ASC_SAT") {
            guard let sat = Double(v) else {
                throw EDLDiagnostic(file: file, line: number, event: event.number, message: "ASC_SAT needs a number, got \(v)")
            }
            var cdl = event.colorDecision ?? ColorDecision()
            cdl.saturation = sat
            event.colorDecision = cdl
        } else if upper == "FREEZE FRAME" {
            event.freezeFrame = true
        } else if !text.isEmpty {
            event.comments.append(text)
        }
    }

    private func locator(_ text: String, number: Int, event: Int) throws(EDLDiagnostic) -> EDLMarker {
        let parts = text.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = parts.first else {
            throw EDLDiagnostic(file: file, line: number, event: event, message: "LOC needs a timecode")
        }
        let frame = try frames(first, number, event: event, what: "LOC")
        let color = parts.count > 1 ? String(parts[1]) : ""
        let label = parts.count > 2 ? String(parts[2]).trimmingCharacters(in: .whitespaces) : ""
        return EDLMarker(recordFrame: frame, color: color, text: label)
    }
}
