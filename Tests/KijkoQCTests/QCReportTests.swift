import KijkoPresets
import KijkoTestSupport
import Foundation
import Testing
import KijkoMedia
import KijkoCore
@testable import KijkoQC
import KijkoPresets

/// The report files a QC run leaves: JSON, a self-contained HTML page with pictures, JUnit XML.
@Suite struct QCReportTests {
    @Test func reportsCarryTheIssuesThumbnailsAndVerdict() throws {
        let spec = SynthSpec(width: 320, height: 180, frames: 100, defects: [Defect(.black, frames: 20..<40), Defect(.freeze, frames: 50..<80)])
        let file = try QCFixture.media(spec)
        let report = try QCAuditor(file: file, profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-qcr-\(UUID().uuidString.prefix(8))").path
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let written = try QCReportWriter.write(report, to: folder, encoder: encoder)
        // A thumbnail of each run's middle frame: the black one is black, the frozen one shows its frame.
        let black = try #require(written.issues.first { $0.check == "black" }?.thumbnail)
        let frozen = try #require(written.issues.first { $0.check == "freeze" }?.thumbnail)
        #expect(black.hasSuffix("black-29.jpg") && frozen.hasSuffix("freeze-64.jpg"))
        let reader = try FrameReader(path: black)
        let picture = try Frame()
        #expect(try reader.next(into: picture) && picture.width == 320)
        let html = try String(contentsOfFile: folder + "/qc-report.html", encoding: .utf8)
        #expect(html.contains(">FAIL</span>") && html.contains("data:image/jpeg;base64,"))
        #expect(html.components(separatedBy: "<img ").count - 1 == 2, "one picture per run")
        // Every issue on the faults chart, linked to its row.
        #expect(html.components(separatedBy: "<a href=\"#i").count - 1 == written.issues.count, "every issue on the chart")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/qc-report.json"))) as? [String: Any]
        #expect(json?["status"] as? String == "fail")
    }

    @Test func junitFailsExactlyTheChecksThatFound() {
        func issue(_ check: String) -> QCReport.Issue {
            QCReport.Issue(check: check, severity: .error, startFrame: 1, endFrame: 2, start: 0.04, end: 0.08,
                           measured: 1, threshold: 0.5, message: "bad <&> \"things\"", thumbnail: nil)
        }
        let measurements = QCReport.Measurements(frames: 10)
        let failing = QCReport(file: "a&b.mp4", profile: "broadcast-ebu", spec: nil, status: .fail, measurements: measurements,
                               issues: [issue("black"), issue("silence")], note: nil)
        let passing = QCReport(file: "c.mp4", profile: "broadcast-ebu", spec: nil, status: .pass, measurements: measurements, issues: [], note: nil)
        let xml = JUnitReport.xml([failing, passing])
        #expect(xml.contains("<testsuites name=\"kijko qc\" tests=\"\(2 * JUnitReport.checks.count)\" failures=\"2\" errors=\"0\">"))
        #expect(xml.contains("<testsuite name=\"a&amp;b.mp4\" tests=\"\(JUnitReport.checks.count)\" failures=\"2\">"))
        #expect(xml.contains("<failure type=\"black\" message=\"bad &lt;&amp;&gt; &quot;things&quot;\">"))
        #expect(!xml.contains("<&>"))
        let page = HTMLReport.page(failing, thumbnails: [:])
        #expect(page.contains("bad &lt;&amp;&gt; &quot;things&quot;") && !page.contains("bad <&>"))
    }
}

/// The report a QC operator reads at a glance: graphs on a time axis in timecode from the
/// master's start timecode — a lane per check with its faults, luma per picture against the legal
/// range, loudness against the target — and each fault's timecode; the JSON carries the series.
@Suite struct ReportGraphTests {
    @Test func graphsRunOnTheMastersTimecode() throws {
        let spec = SynthSpec(width: 320, height: 180, frames: 250, defects: [Defect(.black, frames: 50..<62), Defect(.silence, frames: 150..<175)],
                             startTimecode: "10:00:00:00")
        let file = try QCFixture.media(spec)
        let report = try QCAuditor(file: file, profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
        let line = try #require(report.timeline)
        #expect(line.startTimecode == "10:00:00:00" && line.lumaMean.count == 250 && line.framesPerPoint == 1)
        // The black run reads black in the series; the rest does not.
        #expect(line.lumaHigh[55] <= 20 && line.lumaMean[55] < 20 && line.lumaMean[100] > 40, "\(line.lumaMean[55]) \(line.lumaMean[100])")
        #expect(line.lumaLegal == [14, 241] && line.loudnessTarget == -23)
        let loud = try #require(line.shortTerm)
        #expect(loud.count >= 90 && loud.count <= 101 && (line.momentary?.count ?? 0) == loud.count)
        // Momentary loudness falls in the silence (6.0–7.0 s) and sits near the tone's level elsewhere.
        let every = try #require(line.secondsPerLoudnessPoint)
        #expect((line.momentary?[Int(6.8 / every) - 1] ?? 0) < -50 && abs((line.momentary?[Int(4.0 / every) - 1] ?? 0) - -23) < 3)
        let page = HTMLReport.page(report, thumbnails: [:])
        #expect(page.components(separatedBy: "<svg class=\"chart\"").count - 1 == 4, "faults, luma, chroma, loudness")
        #expect(page.contains(">10:00:02:00<") && page.contains("10:00:02:00–10:00:02:12"), "the black run's timecode")
        #expect(page.contains("legal 14–241") && page.contains("target -23"))
        let encoded: Data = try JSONCoding.encoder.encode(report)
        let json = String(decoding: encoded, as: UTF8.self)
        #expect(json.contains("\"timeline\"") && json.contains("\"luma_mean\"") && json.contains("\"short_term\""))
    }
}

/// Drop-frame masters: the report's timecode keeps to the clock as the master's own timecode does.
@Suite struct ReportTimecodeTests {
    @Test func dropFrameMastersAreLabelledInDropFrame() {
        let chart = TimelineChart(duration: 700, frameRate: Rational(30000, 1001), startTimecode: "01:00:00;00")
        // Ten minutes of 29.97 is 17,982 frames: 01:10:00;00, where non-drop counting would read 01:09:59;12.
        #expect(chart.timecode(at: 600) == "01:10:00;00")
        #expect(chart.timecode(at: 60.06) == "01:01:00;02", "frames 0 and 1 of minute 1 are skipped")
        let pal = TimelineChart(duration: 10, frameRate: Rational(25, 1), startTimecode: "10:00:00:00")
        #expect(pal.timecode(at: 2) == "10:00:02:00" && pal.timecode(at: 0.04) == "10:00:00:01")
        let none = TimelineChart(duration: 10, frameRate: Rational(30000, 1001), startTimecode: nil)
        #expect(none.timecode(at: 600) == "00:09:59:12", "no start timecode: non-drop from zero")
    }
}

/// The chroma graph: mean Cb and Cr per picture about neutral, and the share of chroma outside the
/// legal range where a master strays — on a real encode made by ffmpeg (Cr forced to 250 for a second).
@Suite struct ChromaGraphTests {
    @Test func illegalChromaIsDrawnWhereItLies() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-chroma-\(UUID().uuidString).mp4").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = try Program.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=5",
                                       "-vf", "format=yuv420p,geq=lum='p(X,Y)':cb='cb(X,Y)':cr='if(between(T,2,2.96),250,cr(X,Y))'",
                                       "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p", file])
        let report = try QCAuditor(file: file, profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
        let line = try #require(report.timeline)
        let outside = try #require(line.chromaOutside), cr = try #require(line.crMean), cb = try #require(line.cbMean)
        #expect(outside.count == 125 && line.chromaTolerated != nil)
        // Frames 50–74 have every Cr at 250 (outside 16–240): half the chroma samples; none before or after.
        #expect(outside[50...74].allSatisfy { $0 > 0.45 } && outside[..<50].allSatisfy { $0 == 0 } && outside[75...].allSatisfy { $0 == 0 })
        #expect(abs(cr[60] - 250) < 1 && abs(cr[20] - 128) < 8 && abs(cb[60] - cb[20]) < 2, "\(cr[60]) \(cr[20])")
        #expect(report.issues.contains { $0.check == "chroma_range" && $0.startFrame == 50 && $0.endFrame == 75 })
        let page = HTMLReport.page(report, thumbnails: [:])
        #expect(page.contains("<h3>Chroma</h3>") && page.contains("mean Cr") && page.contains("outside the legal range"))
    }
}

/// Pictures the meter could not measure are never a silent pass: a `decode` error says how many
/// and from where, and the JUnit case for `decode` fails.
@Suite struct UnmeasuredPicturesTests {
    @Test func unmeasuredPicturesFailTheAudit() throws {
        let file = try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 50))
        let auditor = QCAuditor(file: file, profile: try QCProfile.named("social", in: QCFixture.profiles))
        let clean = PictureStatistics(blackShare: 0, lumaOutside: 0, chromaOutside: 0, difference: 0.1, lumaLow: 16, lumaHigh: 235)
        let stats = Array(repeating: clean, count: 50)
        let info = try Probe.file(file)
        let measured = auditor.report(stats: stats, sound: nil, rate: Rational(25, 1), info: info, note: nil)
        #expect(!measured.issues.contains { $0.check == "decode" }, "\(measured.issues)")
        let report = auditor.report(stats: stats, sound: nil, rate: Rational(25, 1), info: info, note: nil, unmeasured: (count: 7, first: 12))
        let decode = try #require(report.issues.first { $0.check == "decode" })
        #expect(report.status == .fail && decode.severity == .error && decode.startFrame == 12 && decode.endFrame == 19)
        #expect(decode.message == "7 pictures could not be measured (yuv420p); the audit cannot vouch for them")
        #expect(JUnitReport.xml([report]).contains("<failure type=\"decode\""))
    }
}

/// `--spec`: conformance to a delivery preset, from what the file says of itself.
@Suite struct SpecCheckTests {
    @Test func departuresAreNamed() throws {
        let presets = KijkoPresets.PresetLoader(folders: [QCFixture.root.appendingPathComponent("presets/platforms").path])
        let file = try QCFixture.media(SynthSpec(width: 640, height: 360, frames: 50))
        let info = try Probe.file(file)
        #expect(SpecCheck.departures(info, from: try presets.named(["tiktok"])[0])
                == ["picture 640x360, tiktok wants 1080x1920", "runs 2.00 s, under tiktok's 3 s minimum"])
        let tv = SpecCheck.departures(info, from: try presets.named(["tv-15s"])[0])
        #expect(tv.contains("video codec h264, tv-15s wants prores"))
        #expect(tv.contains("runs 2.00 s, under tv-15s's 15 s minimum"))
        #expect(tv.contains("audio codec aac, tv-15s wants pcm_s24le"))
        let full = try QCFixture.media(SynthSpec(width: 1920, height: 1080, frames: 25))
        let report = try QCAuditor(file: full, profile: try QCProfile.named("streaming", in: QCFixture.profiles),
                                   spec: try presets.named(["youtube"])[0]).run()
        #expect(report.spec == "youtube" && !report.issues.contains { $0.check == "spec" }, "\(report.issues)")
    }
}
