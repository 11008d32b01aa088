public import Foundation
import KijkoMedia
import KijkoCore

/// A QC report as one self-contained HTML page: the verdict, the measurements, a strip of the
/// programme with every issue marked where it lies, and the issues with their thumbnails (embedded
/// as data URLs, so the page travels alone). All text is escaped.
public enum HTMLReport {
    /// Each check's colour on the timeline, from the registry.
    static let colours = Dictionary(uniqueKeysWithValues: QCChecks.all.map { ($0.info.id, $0.info.colour) })

    /// - Parameter thumbnails: JPEG bytes per issue index, where one was made.
    public static func page(_ report: QCReport, thumbnails: [Int: Data]) -> String {
        let verdict = report.status.rawValue.uppercased()
        let tone = report.status == .pass ? "#1a7f37" : "#cf222e"
        let total = max(1, report.measurements.frames)
        let rate = report.measurements.frameRate.flatMap { $0.doubleValue > 0 ? $0 : nil } ?? Rational(25, 1)
        let chart = TimelineChart(duration: report.measurements.videoDuration ?? Double(total) / rate.doubleValue, frameRate: rate,
                                  startTimecode: report.timeline?.startTimecode)
        var graphs = "<h3>Faults</h3>" + chart.issues(report, colours: colours)
        if let line = report.timeline {
            graphs += "<h3>Luma</h3>" + chart.luma(line)
            if let colour = chart.chroma(line) { graphs += "<h3>Chroma</h3>" + colour }
            if let sound = chart.loudness(line) { graphs += "<h3>Loudness</h3>" + sound }
        }
        let m = report.measurements
        func row(_ name: String, _ value: String?) -> String {
            "<tr><th>\(escape(name))</th><td>\(escape(value ?? "—"))</td></tr>"
        }
        func number(_ v: Double?, _ unit: String) -> String? { v.map { String(format: "%.1f %@", $0, unit) } }
        let measurements = [
            row("frames", "\(m.frames)"), row("frame rate", m.frameRate.map { $0.description + (m.variableFrameRate == true ? " (variable: times from timestamps)" : "") }),
            row("picture", number(m.videoDuration, "s")), row("sound", number(m.audioDuration, "s")),
            row("integrated loudness", number(m.integratedLoudness, "LUFS")), row("loudness range", number(m.loudnessRange, "LU")),
            row("true peak", number(m.truePeak, "dBTP")),
            row("luma levels", m.lumaLow.map { "\($0)–\(m.lumaHigh ?? 0)" }),
        ].joined()
        var rows = ""
        for (i, issue) in report.issues.enumerated() {
            let picture = thumbnails[i].map { "<img alt=\"frame \(issue.startFrame)\" src=\"data:image/jpeg;base64,\($0.base64EncodedString())\">" } ?? ""
            rows += "<tr id=\"i\(i)\"><td><span class=\"dot\" style=\"background:\(colours[issue.check] ?? "#000")\"></span>"
                + "\(escape(issue.check))</td><td>\(issue.severity.rawValue)</td>"
                + "<td>\(issue.startFrame)–\(issue.endFrame)<br><small>\(chart.timecode(at: issue.start))–\(chart.timecode(at: issue.end))<br>"
                + "\(String(format: "%.2f–%.2f s", issue.start, issue.end))</small></td>"
                + "<td>\(escape(issue.message))\(issue.fix.map { "<br><small class=\"fix\">Fix: \(escape($0))</small>" } ?? "")</td><td>\(issue.measured.map { String(format: "%.3g", $0) } ?? "")</td>"
                + "<td>\(issue.threshold.map { String(format: "%.3g", $0) } ?? "")</td><td>\(picture)</td></tr>"
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"7\">No issues.</td></tr>" }
        let vision = report.vision.map(visionSection) ?? ""
        // The legend: every check in the registry, its colour, what it finds and what it found here.
        let legend = QCChecks.all.map(\.info).map { check in
            let found = report.issues.filter { $0.check == check.id }
            let errors = found.filter { $0.severity == .error }.count
            let asked = check.id == "spec" ? report.spec != nil : check.id == "vision" ? report.vision != nil : true
            let verdict = !asked ? "not asked" : found.isEmpty ? "clean" : errors > 0 ? "\(errors) error\(errors == 1 ? "" : "s")" : "\(found.count) warning\(found.count == 1 ? "" : "s")"
            return "<tr><td><span class=\"dot\" style=\"background:\(check.colour)\"></span>\(escape(check.id))</td>"
                + "<td>\(escape(check.summary))</td><td><small>\(escape(check.measures.rawValue)); \(escape(check.profileKey))</small></td>"
                + "<td>\(verdict)</td></tr>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>QC \(escape(verdict)) — \(escape(report.file))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328}
            .verdict{display:inline-block;padding:4px 14px;border-radius:6px;color:#fff;font-weight:700;background:\(tone)}
            table{border-collapse:collapse;margin:12px 0}th,td{padding:4px 10px;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
            .chart{width:100%;max-width:1100px;display:block;margin:4px 0 12px}h3{margin:14px 0 2px;font-size:14px}
            .dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px}
            img{width:240px;border-radius:3px}small{color:#656d76}
            </style></head><body>
            <h1><span class="verdict">\(escape(verdict))</span> \(escape(URL(fileURLWithPath: report.file).lastPathComponent))</h1>
            <p>\(escape(report.file)) — profile <b>\(escape(report.profile))</b>\(report.note.map { " — <b>\(escape($0))</b>" } ?? "")</p>
            <h2>Programme</h2>
            <p><small>Time axis in timecode from \(escape(chart.timecode(at: 0))); each fault links to its row below.</small></p>
            \(graphs)
            <h2>Measurements</h2><table>\(measurements)</table>
            <h2>Issues (\(report.issues.count))</h2>
            <table><tr><th>check</th><th>severity</th><th>frames</th><th>what</th><th>measured</th><th>limit</th><th>picture</th></tr>\(rows)</table>
            \(vision)
            <h2>Checks</h2>
            <table><tr><th>check</th><th>finds</th><th>reads; profile</th><th>here</th></tr>\(legend)</table>
            </body></html>

            """
    }

    /// The vision review: whether it ran, on what, at what cost, and per frame what the model said.
    static func visionSection(_ review: VisionReview) -> String {
        var text = "<h2>Vision review: \(escape(review.status.rawValue))</h2><p>"
        if let model = review.model { text += "Model <b>\(escape(model))</b> at \(escape(review.endpoint ?? "")). " }
        if review.status != .skipped {
            let u = review.usage
            text += "\(u.calls) call\(u.calls == 1 ? "" : "s"), \(u.promptTokens) + \(u.completionTokens) tokens, cost "
                + (u.cost.map { String(format: "$%.4f", $0) } ?? "unknown") + ". "
        }
        if let reason = review.reason { text += escape(reason) }
        text += "</p>"
        guard !review.frames.isEmpty else { return text }
        text += "<table><tr><th>frame</th><th>why</th><th>the model saw</th></tr>"
        for frame in review.frames {
            let said = frame.error.map { "<i>not reviewed: \(escape($0))</i>" }
                ?? (frame.findings.isEmpty ? "no problem" : frame.findings.map {
                    "<b>\(escape($0.type.rawValue)), \(escape($0.severity.rawValue))</b>: \(escape($0.description))"
                }.joined(separator: "<br>"))
            text += "<tr><td>\(frame.frame)<br><small>\(String(format: "%.2f s", frame.time))</small></td>"
                + "<td>\(escape(frame.reason))</td><td>\(said)</td></tr>"
        }
        return text + "</table>"
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
