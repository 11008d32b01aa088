import Foundation
import KijkoCore
import KijkoMedia

/// The report's graphs, drawn as inline SVG on one time axis labelled in timecode from the
/// master's start timecode: where each check's faults lie (a lane per check), luma per picture
/// (lowest–highest band, mean line, the legal range dashed), chroma per picture (mean Cb and Cr
/// about neutral, the share outside the legal range) and loudness (momentary and short-term
/// against the target). Printable: strokes and fills, no script.
struct TimelineChart {
    let duration: Double
    let frameRate: Rational
    let startTimecode: String?
    var fps: Double { frameRate.doubleValue }
    /// Drawing width and the left margin for labels, in SVG units.
    let width = 1000.0, left = 70.0

    var plotWidth: Double { width - left - 40 }

    func x(_ seconds: Double) -> Double { left + plotWidth * min(1, max(0, seconds / max(duration, 1e-6))) }

    /// Ticks at a round step in seconds, each labelled with its timecode.
    func ticks() -> [(seconds: Double, label: String)] {
        let steps: [Double] = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
        let step = steps.first { duration / $0 <= 8 } ?? 3600
        return stride(from: 0.0, through: duration + 1e-9, by: step).map { ($0, timecode(at: $0)) }
    }

    /// The timecode at `seconds` from the start, counted from the start timecode at the master's
    /// rate: drop-frame (`;`) when the start timecode is, so 29.97 labels keep to the clock.
    func timecode(at seconds: Double) -> String {
        let start = startTimecode.flatMap { try? Timecode.frames($0, rate: timecodeRate) } ?? 0
        return Timecode.string(start + Int((seconds * fps).rounded()), rate: timecodeRate)
    }

    /// The timecode counting of the master: its frame rate, drop-frame when the start timecode
    /// says so (a `;`, `,` or `.` before the frames).
    var timecodeRate: TimecodeRate {
        TimecodeRate(rate: frameRate, dropFrame: startTimecode.map { $0.contains(";") || $0.contains(",") || $0.contains(".") } ?? false)
    }

    func axis(top: Double, bottom: Double) -> String {
        ticks().map { tick in
            let px = x(tick.seconds)
            return line(px, top, px, bottom, "#d0d7de") + text(px, bottom + 14, tick.label, anchor: "middle", size: 10)
        }.joined()
    }

    /// A lane per check with faults, each fault a bar where it lies (whole-programme faults too).
    func issues(_ report: QCReport, colours: [String: String]) -> String {
        let checks = QCChecks.ids.filter { id in report.issues.contains { $0.check == id } }
        guard !checks.isEmpty else { return svg(height: 44, text(left, 20, "No faults on the timeline.", size: 12) + axis(top: 26, bottom: 28)) }
        let lane = 20.0, top = 6.0
        let bottom = top + lane * Double(checks.count)
        var body = axis(top: top, bottom: bottom)
        for (row, check) in checks.enumerated() {
            let y = top + lane * Double(row)
            body += text(left - 6, y + 14, check, anchor: "end", size: 11)
            body += "<rect x=\"\(f(left))\" y=\"\(f(y + 2))\" width=\"\(f(plotWidth))\" height=\"\(f(lane - 4))\" fill=\"#f6f8fa\"/>"
            for (i, issue) in report.issues.enumerated() where issue.check == check {
                let x0 = x(issue.start), x1 = max(x(issue.end), x0 + 2)
                let opacity = issue.severity == .error ? "0.95" : "0.5"
                body += "<a href=\"#i\(i)\"><rect x=\"\(f(x0))\" y=\"\(f(y + 2))\" width=\"\(f(x1 - x0))\" height=\"\(f(lane - 4))\" "
                    + "fill=\"\(colours[check] ?? "#000")\" fill-opacity=\"\(opacity)\"><title>\(escape(issue.severity.rawValue)): \(escape(issue.message)) "
                    + "(\(timecode(at: issue.start))–\(timecode(at: issue.end)))</title></rect></a>"
            }
        }
        return svg(height: bottom + 22, body)
    }

    /// Seconds from the start of the pictures' point `i` (each covers `framesPerPoint` frames).
    func seconds(ofPoint i: Int, _ t: QCReport.Timeline) -> Double { Double(i * t.framesPerPoint) / max(fps, 1e-6) }

    /// Luma per picture: the band from the lowest to the highest level, the mean, the legal range.
    func luma(_ t: QCReport.Timeline) -> String {
        let top = 8.0, height = 120.0, bottom = top + height
        func y(_ level: Double) -> Double { bottom - height * level / 255 }
        let n = t.lumaMean.count
        let seconds = { (i: Int) in self.seconds(ofPoint: i, t) }
        var band = (0..<n).map { "\(f(x(seconds($0)))),\(f(y(Double(t.lumaHigh[$0]))))" }
        band += (0..<n).reversed().map { "\(f(x(seconds($0)))),\(f(y(Double(t.lumaLow[$0]))))" }
        let mean = (0..<n).map { "\(f(x(seconds($0)))),\(f(y(t.lumaMean[$0])))" }.joined(separator: " ")
        var body = axis(top: top, bottom: bottom)
        for level in [0, 64, 128, 192, 255] { body += text(left - 6, y(Double(level)) + 4, "\(level)", anchor: "end", size: 10) }
        body += "<polygon points=\"\(band.joined(separator: " "))\" fill=\"#9ecae1\" fill-opacity=\"0.6\"/>"
        body += "<polyline points=\"\(mean)\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"1.5\"/>"
        if let legal = t.lumaLegal, legal.count == 2 {
            for level in legal { body += line(left, y(Double(level)), left + plotWidth, y(Double(level)), "#cf222e", dash: true) }
        }
        let key = "<tspan fill=\"#6baed6\">■</tspan> lowest–highest  <tspan fill=\"#08519c\">━</tspan> mean"
            + (t.lumaLegal.map { "  <tspan fill=\"#cf222e\">┅</tspan> legal \($0.map(String.init).joined(separator: "–"))" } ?? "")
        return svg(height: bottom + 40, body + "<text x=\"\(f(left))\" y=\"\(f(bottom + 34))\" font-size=\"11\">\(key) (8-bit levels)</text>")
    }

    /// Chroma per picture: mean Cb and Cr on 16–240 about neutral 128 (a cast leaves it), and
    /// under it, when the profile checks chroma, the share of chroma pixels outside the legal range
    /// against the share it tolerates.
    func chroma(_ t: QCReport.Timeline) -> String? {
        guard let cb = t.cbMean, let cr = t.crMean, !cb.isEmpty, cb.count == cr.count else { return nil }
        let top = 8.0, height = 100.0, bottom = top + height
        func y(_ level: Double) -> Double { bottom - height * (min(240, max(16, level)) - 16) / 224 }
        let seconds = { (i: Int) in self.seconds(ofPoint: i, t) }
        func points(_ values: [Double]) -> String {
            values.enumerated().map { "\(f(x(seconds($0.offset)))),\(f(y($0.element)))" }.joined(separator: " ")
        }
        var body = ""
        for level in [16, 72, 128, 184, 240] { body += text(left - 6, y(Double(level)) + 4, "\(level)", anchor: "end", size: 10) }
        body += line(left, y(128), left + plotWidth, y(128), "#8c959f", dash: true)
        body += "<polyline points=\"\(points(cb))\" fill=\"none\" stroke=\"#2171b5\" stroke-width=\"1.5\"/>"
        body += "<polyline points=\"\(points(cr))\" fill=\"none\" stroke=\"#cb181d\" stroke-width=\"1.5\"/>"
        var end = bottom
        var key = "<tspan fill=\"#2171b5\">━</tspan> mean Cb  <tspan fill=\"#cb181d\">━</tspan> mean Cr  <tspan fill=\"#8c959f\">┅</tspan> neutral (8-bit levels)"
        if let outside = t.chromaOutside, outside.count == cb.count {
            // The strip: bars as high as the share outside, on a scale to twice the tolerated share.
            let stripTop = bottom + 10, strip = 30.0
            end = stripTop + strip
            let tolerated = t.chromaTolerated
            let scale = max(outside.max() ?? 0, 2 * (tolerated ?? 0), 0.001)
            let step = plotWidth / Double(max(1, outside.count))
            body += "<rect x=\"\(f(left))\" y=\"\(f(stripTop))\" width=\"\(f(plotWidth))\" height=\"\(f(strip))\" fill=\"#f6f8fa\"/>"
            body += text(left - 6, stripTop + 19, "outside", anchor: "end", size: 10)
            for (i, share) in outside.enumerated() where share > 0 {
                let h = strip * share / scale
                body += "<rect x=\"\(f(x(seconds(i))))\" y=\"\(f(end - h))\" width=\"\(f(max(step, 1)))\" height=\"\(f(h))\" fill=\"#cb181d\" fill-opacity=\"0.7\"/>"
            }
            if let tolerated {
                let ty = end - strip * tolerated / scale
                body += line(left, ty, left + plotWidth, ty, "#1a7f37", dash: true)
            }
            key += "  <tspan fill=\"#cb181d\">▮</tspan> outside the legal range (to \(String(format: "%.2g", scale * 100)) %)"
                + (tolerated.map { "  <tspan fill=\"#1a7f37\">┅</tspan> tolerated \(String(format: "%.2g", $0 * 100)) %" } ?? "")
        }
        body = axis(top: top, bottom: end) + body
        return svg(height: end + 40, body + "<text x=\"\(f(left))\" y=\"\(f(end + 34))\" font-size=\"11\">\(key)</text>")
    }

    /// Loudness every 100 ms (thinned): momentary and short-term, LUFS, against the target.
    func loudness(_ t: QCReport.Timeline) -> String? {
        guard let momentary = t.momentary, let shortTerm = t.shortTerm, let every = t.secondsPerLoudnessPoint, !momentary.isEmpty else { return nil }
        let top = 8.0, height = 120.0, bottom = top + height, floor = -60.0
        func y(_ lufs: Double) -> Double { bottom - height * (max(floor, min(0, lufs)) - floor) / -floor }
        func points(_ values: [Double]) -> String {
            values.enumerated().map { "\(f(x(Double($0.offset + 1) * every))),\(f(y($0.element)))" }.joined(separator: " ")
        }
        var body = axis(top: top, bottom: bottom)
        for level in [0, -20, -40, -60] { body += text(left - 6, y(Double(level)) + 4, "\(level)", anchor: "end", size: 10) }
        body += "<polyline points=\"\(points(momentary))\" fill=\"none\" stroke=\"#c6dbef\" stroke-width=\"1\"/>"
        body += "<polyline points=\"\(points(shortTerm))\" fill=\"none\" stroke=\"#e6550d\" stroke-width=\"1.6\"/>"
        if let target = t.loudnessTarget { body += line(left, y(target), left + plotWidth, y(target), "#1a7f37", dash: true) }
        let key = "<tspan fill=\"#9ecae1\">━</tspan> momentary (400 ms)  <tspan fill=\"#e6550d\">━</tspan> short-term (3 s)"
            + (t.loudnessTarget.map { "  <tspan fill=\"#1a7f37\">┅</tspan> target \(String(format: "%.0f", $0))" } ?? "")
        return svg(height: bottom + 40, body + "<text x=\"\(f(left))\" y=\"\(f(bottom + 34))\" font-size=\"11\">\(key) (LUFS)</text>")
    }

    // MARK: - SVG pieces

    func svg(height: Double, _ body: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\">\(body)</svg>"
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ colour: String, dash: Bool = false) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(colour)\"\(dash ? " stroke-dasharray=\"5 4\"" : "")/>"
    }

    func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", size: Int = 11) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"#57606a\">\(escape(content))</text>"
    }

    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    func escape(_ text: String) -> String { Markup.escape(text) }
}
