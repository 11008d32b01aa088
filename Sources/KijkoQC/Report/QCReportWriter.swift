public import Foundation
public import KijkoMedia

/// Writes a file's report into a folder: `qc-report.json`, `qc-report.html` (self-contained) and
/// thumbnails of the issues under `thumbs/` (the middle frame of each run; not for checks that
/// cover the whole programme). Every file is written atomically.
public enum QCReportWriter {
    /// Most thumbnails made per report.
    public static let thumbnailLimit = 40

    /// Returns the report with its thumbnail paths filled in.
    @discardableResult
    public static func write(_ report: QCReport, to folder: String, encoder: JSONEncoder) throws -> QCReport {
        try FileManager.default.createDirectory(atPath: folder + "/thumbs", withIntermediateDirectories: true)
        var report = report
        var pictures: [Int: Data] = [:]
        let thumbnailer = Thumbnailer(file: report.file)
        for (i, issue) in report.issues.enumerated() where pictures.count < thumbnailLimit {
            let wholeProgramme = issue.startFrame == 0 && issue.endFrame >= report.measurements.frames
            guard !wholeProgramme, issue.endFrame > issue.startFrame else { continue }
            let frame = (issue.startFrame + issue.endFrame - 1) / 2
            let path = (folder as NSString).appendingPathComponent("thumbs/\(issue.check)-\(frame).jpg")
            guard (try? thumbnailer.write(frame: frame, to: path)) != nil,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            report.issues[i].thumbnail = path
            pictures[i] = data
        }
        try AtomicFile.write(try encoder.encode(report), to: (folder as NSString).appendingPathComponent("qc-report.json"))
        try AtomicFile.write(Data(HTMLReport.page(report, thumbnails: pictures).utf8),
                             to: (folder as NSString).appendingPathComponent("qc-report.html"))
        return report
    }
}
