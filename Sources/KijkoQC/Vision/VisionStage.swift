import Foundation
import KijkoMedia

/// The vision step of a QC run: which frames to show the model (each shot's keyframe, then the
/// middle frame of each failing picture run), written as JPEGs under `DIR/vision/`, reviewed, and
/// the findings merged into the report as `vision` issues (high severity fails the file; medium
/// and low are warnings). An unavailable model never fails the audit: the report says what happened.
public enum VisionStage {
    /// What `--vision` asked for.
    public enum Request: Sendable {
        case review(VisionReviewer)
        /// No endpoint: the reason is written into the report.
        case skipped(String)
    }

    /// Most frames sent per file.
    public static let frameLimit = 48
    /// Width of the pictures sent, pixels: large enough to read supers.
    public static let pictureWidth = 768
    static let pictureChecks: Set<String> = ["black", "freeze", "flash", "luma_range", "chroma_range", "letterbox", "blockiness",
                                             "interlace", "decode"]

    /// Runs the review for `report` and returns the report with it merged in.
    public static func run(_ request: Request, on report: QCReport, folder: String) -> QCReport {
        var report = report
        switch request {
        case .skipped(let reason):
            report.vision = .skipped(reason)
        case .review(let reviewer):
            do {
                let subjects = try self.subjects(for: report, folder: folder)
                report.vision = reviewer.review(subjects)
            } catch {
                report.vision = .skipped("frames for the review could not be made: \(error)")
            }
        }
        let fps = report.measurements.frameRate?.doubleValue ?? 25
        for frame in report.vision?.frames ?? [] {
            for finding in frame.findings {
                report.issues.append(QCReport.Issue(
                    check: "vision", severity: finding.severity == .high ? .error : .warning,
                    startFrame: frame.frame, endFrame: frame.frame + 1, start: Double(frame.frame) / fps, end: Double(frame.frame + 1) / fps,
                    measured: nil, threshold: nil, message: "\(finding.type.rawValue), \(finding.severity.rawValue): \(finding.description)",
                    thumbnail: frame.image, fix: VisionCheck.fix))
            }
        }
        report.issues.sort { ($0.startFrame, $0.check) < ($1.startFrame, $1.check) }
        report.settleStatus()
        return report
    }

    /// Keyframes first, then one frame per failing picture run, up to `frameLimit`, written as JPEGs.
    static func subjects(for report: QCReport, folder: String) throws -> [VisionReviewer.Subject] {
        let fps = report.measurements.frameRate?.doubleValue ?? 25
        var wanted: [(frame: Int, reason: String)] = []
        let shots = try KeyframeExtractor.run(file: report.file, folder: nil).shots
        for shot in shots { wanted.append((shot.keyframe, "keyframe of shot \(shot.number)")) }
        for issue in report.issues where issue.severity == .error && pictureChecks.contains(issue.check) && issue.endFrame > issue.startFrame {
            let why = "\(issue.check) at frames \(issue.startFrame)–\(issue.endFrame)"
            // A frame already chosen inside the run shows it: say so on that frame rather than send another.
            if let inside = wanted.firstIndex(where: { (issue.startFrame..<issue.endFrame).contains($0.frame) }) {
                wanted[inside].reason += "; " + why
            } else {
                wanted.append(((issue.startFrame + issue.endFrame - 1) / 2, why))
            }
        }
        var seen = Set<Int>()
        wanted = wanted.filter { $0.frame < max(1, report.measurements.frames) && seen.insert($0.frame).inserted }
        let dir = (folder as NSString).appendingPathComponent("vision")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let thumbnailer = Thumbnailer(file: report.file, width: pictureWidth)
        var subjects: [VisionReviewer.Subject] = []
        for item in wanted.prefix(frameLimit) {
            let path = (dir as NSString).appendingPathComponent(String(format: "frame-%06d.jpg", item.frame))
            try thumbnailer.write(frame: item.frame, to: path)
            subjects.append(.init(frame: item.frame, time: Double(item.frame) / fps, image: path, reason: item.reason))
        }
        return subjects
    }
}
