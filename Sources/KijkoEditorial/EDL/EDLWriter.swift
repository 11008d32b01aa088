import Foundation
import KijkoMedia

/// Writes an ``EDL`` as CMX 3600 text in the column layout Avid writes, so that reading it back
/// gives the same events: transitions as their two lines, `M2` lines, locators, colour decisions
/// and kept comments.
public enum EDLWriter {
    public static func write(_ edl: EDL) -> String {
        var lines: [String] = []
        if let title = edl.title { lines.append("TITLE: \(oneLine(title))") }
        var drop = edl.rate.dropFrame
        lines.append(fcm(drop))
        for comment in edl.headerComments { lines.append("* \(oneLine(comment))") }
        let wide = edl.events.contains { $0.number > 999 }
        for event in edl.events {
            lines.append("")
            if event.dropFrame != drop {
                drop = event.dropFrame
                lines.append(fcm(drop))
            }
            let rate = edl.rate.with(dropFrame: event.dropFrame)
            let record = edl.rate
            if let from = event.from {
                lines.append(editLine(event.number, wide: wide, from, transition: "C", frames: nil, source: rate, record: record))
            }
            lines.append(editLine(event.number, wide: wide, event.edit, transition: event.transition.code,
                                  frames: event.transition == .cut ? nil : event.transitionFrames, source: rate, record: record))
            if let speed = event.speed {
                let reel = oneWord(speed.reel).padding(toLength: max(8, speed.reel.count), withPad: " ", startingAt: 0)
                lines.append("M2   \(reel)       \(String(format: "%05.1f", speed.speed))                \(Timecode.string(speed.sourceIn, rate: rate))")
            }
            if let name = event.clipName { lines.append("* FROM CLIP NAME:  \(oneLine(name))") }
            if let name = event.toClipName { lines.append("* TO CLIP NAME:  \(oneLine(name))") }
            if let file = event.sourceFile { lines.append("* SOURCE FILE: \(oneLine(file))") }
            if let cdl = event.colorDecision {
                lines.append("* ASC_SOP (\(triple(cdl.slope)))(\(triple(cdl.offset)))(\(triple(cdl.power)))")
                lines.append("* ASC_SAT \(number(cdl.saturation))")
            }
            for marker in event.markers {
                let tail = [marker.color, marker.text].filter { !$0.isEmpty }.map(oneLine).joined(separator: " ")
                lines.append("* LOC: \(Timecode.string(marker.recordFrame, rate: record)) \(tail)")
            }
            if event.freezeFrame { lines.append("* * FREEZE FRAME") }
            for comment in event.comments { lines.append("* \(oneLine(comment))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text as one line of an EDL: line breaks and other control characters become spaces, so a
    /// title or a shot's description can never start a new event or comment of its own.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
    }

    /// A reel as one column: spaces and control characters become underscores.
    static func oneWord(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.isWhitespace || $0.properties.generalCategory == .control ? "_" : $0 }))
    }

    static func fcm(_ drop: Bool) -> String { drop ? "FCM: DROP FRAME" : "FCM: NON-DROP FRAME" }

    static func editLine(_ number: Int, wide: Bool, _ side: EDLSource, transition: String, frames: Int?,
                         source: TimecodeRate, record: TimecodeRate) -> String {
        let num = String(format: wide ? "%06d" : "%03d", number)
        let reel = oneWord(side.reel).padding(toLength: max(8, side.reel.count), withPad: " ", startingAt: 0)
        let track = side.track.padding(toLength: max(5, side.track.count), withPad: " ", startingAt: 0)
        let code = transition.padding(toLength: 4, withPad: " ", startingAt: 0)
        let length = frames.map { String(format: "%03d", $0) } ?? "   "
        let tcs = [side.sourceIn, side.sourceOut].map { Timecode.string($0, rate: source) }
            + [side.recordIn, side.recordOut].map { Timecode.string($0, rate: record) }
        return "\(num)  \(reel) \(track) \(code) \(length) \(tcs.joined(separator: " "))"
    }

    static func triple(_ values: [Double]) -> String { values.map(number).joined(separator: " ") }

    /// Shortest text that reads back as the same Double.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)"
    }
}
