public import Foundation
import KijkoMedia
import KijkoCore

/// Writes a file's report into a folder: `qc-report.json`, `qc-report.html` (self-contained) and
/// thumbnails of the issues under `thumbs/` (the middle frame of each run; not for checks that
/// cover the whole programme). With a vision request, the frames reviewed go under `vision/` and
/// the review is merged in first. Every file is written atomically.
public enum QCReportWriter {
    /// Most thumbnails made per report.
    public static let thumbnailLimit = 40

    /// Returns the report as written: thumbnail paths filled in, the vision review merged.
    @discardableResult
    public static func write(_ report: QCReport, to folder: String, encoder: JSONEncoder,
                             vision: VisionStage.Request? = nil) throws -> QCReport {
        try FileError.makeFolder(folder + "/thumbs", what: "report")
        var report = report
        var made = 0
        let thumbnailer = Thumbnailer(file: report.file)
        for (i, issue) in report.issues.enumerated() where made < thumbnailLimit {
            let wholeProgramme = issue.startFrame == 0 && issue.endFrame >= report.measurements.frames
            guard !wholeProgramme, issue.endFrame > issue.startFrame else { continue }
            let frame = (issue.startFrame + issue.endFrame - 1) / 2
            let path = (folder as NSString).appendingPathComponent("thumbs/\(issue.check)-\(frame).jpg")
            guard (try? thumbnailer.write(frame: frame, to: path)) != nil else { continue }
            report.issues[i].thumbnail = path
            made += 1
        }
        if let vision { report = VisionStage.run(vision, on: report, folder: folder) }
        var pictures: [Int: Data] = [:]
        for (i, issue) in report.issues.enumerated() {
            if let path = issue.thumbnail, let data = FileManager.default.contents(atPath: path) { pictures[i] = data }
        }
        try AtomicFile.write(try encoder.encode(report), to: (folder as NSString).appendingPathComponent("qc-report.json"))
        try AtomicFile.write(Data(HTMLReport.page(report, thumbnails: pictures).utf8),
                             to: (folder as NSString).appendingPathComponent("qc-report.html"))
        return report
    }
}
