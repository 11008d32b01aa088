import Foundation
public import KijkoCore
import KijkoLLM
import KijkoMedia
import KijkoPresets

/// The QC service, the one way front ends audit files: one or many files against a profile (and
/// optionally a delivery spec), each file's report written as JSON and HTML with thumbnails, a
/// vision review when asked, and one JUnit XML over the batch — a file that could not be audited
/// is in it too, as an error.
public enum QCService {
    public struct Request: Sendable {
        public var files: [String]
        /// A profile name in `presets/qc` or a YAML file.
        public var profile: String = "broadcast-ebu"
        /// A delivery preset the files must conform to.
        public var spec: String?
        /// Extra delivery preset folders for `spec`.
        public var presetFolders: [String] = []
        /// Reports go here (one file), or in a folder per file under it.
        public var outputFolder: String
        public var vision: Vision?
        /// A reviewer made by the caller (an agent's own model client); used instead of `vision`.
        public var reviewer: VisionStage.Request?

        public init(files: [String], outputFolder: String) {
            self.files = files
            self.outputFolder = outputFolder
        }
    }

    /// The vision review: the model from `KIJKO_LLM_BASE_URL` (`KIJKO_VISION_MODEL` or `KIJKO_LLM_MODEL`).
    public struct Vision: Sendable {
        /// Brand guidelines (a text file).
        public var brand: String?
        public var concurrency = 4
        /// Seconds per call before it is retried.
        public var timeout = 120.0

        public init(brand: String? = nil) { self.brand = brand }
    }

    /// One file's outcome: its report, or why it could not be audited.
    public struct FileResult: Sendable {
        public var file: String
        public var folder: String
        public var report: QCReport?
        public var failure: String?
    }

    public struct Result: Sendable {
        public var files: [FileResult]
        /// The JUnit XML over every file.
        public var junit: String
        public var reports: [QCReport] { files.compactMap(\.report) }
        /// 0 every file passed, 1 one failed, 2 one could not be audited.
        public var exitStatus: Int32 {
            files.reduce(0) { worst, file in
                guard let report = file.report else { return 2 }
                switch report.status {
                case .pass: return worst
                case .fail: return max(worst, 1)
                case .unreadable: return 2
                }
            }
        }
    }

    /// Audits every file on a thread of its own; cancelling the task stops between frames.
    public static func run(_ request: Request, progress: ProgressHandler? = nil) async throws -> Result {
        try await BlockingWork.run("kijko.qc") { flag in try perform(request, progress: progress, cancel: flag) }
    }

    /// The same, blocking the calling thread (agents).
    public static func perform(_ request: Request, progress: ProgressHandler? = nil, cancel: CancellationFlag? = nil) throws -> Result {
        let profile = try QCProfile.named(request.profile)
        let spec = try request.spec.map { try PresetLoader.standard(extra: request.presetFolders).named([$0])[0] }
        let review = try request.reviewer ?? visionRequest(request.vision)
        try FileError.makeFolder(request.outputFolder)  // before any decoding: a bad --out is said at once
        var results: [FileResult] = []
        let folders = reportFolders(request.files, under: request.outputFolder)
        for (file, folder) in zip(request.files, folders) {
            let stage = "qc \(URL(fileURLWithPath: file).lastPathComponent)"
            let report: QCReport
            do {
                report = try QCAuditor(file: file, profile: profile, spec: spec).run(cancel: cancel) { done, total in
                    // (Started once a picture is read: a file that cannot be opened is its one error line.)
                    if done == 1 { progress?(ProgressEvent(.started, stage: stage, fraction: 0, message: "\(total) frames")) }
                    progress?(ProgressEvent(.progress, stage: stage, fraction: Double(done) / Double(max(1, total)), frames: done))
                }
            } catch let error as MediaError {
                results.append(FileResult(file: file, folder: folder, report: nil, failure: error.description))
                continue
            }
            if review != nil { progress?(ProgressEvent(.note, stage: stage, message: "vision review of \(URL(fileURLWithPath: file).lastPathComponent)…")) }
            let written = try QCReportWriter.write(report, to: folder, encoder: JSONCoding.encoder, vision: review)
            results.append(FileResult(file: file, folder: folder, report: written, failure: nil))
            progress?(ProgressEvent(.finished, stage: stage, fraction: 1, message: written.status.rawValue))
        }
        let junit = (request.outputFolder as NSString).appendingPathComponent("qc-report.xml")
        try AtomicFile.write(Data(JUnitReport.xml(results.compactMap(\.report),
                                                  unaudited: results.compactMap { r in r.failure.map { (r.file, $0) } }).utf8), to: junit)
        return Result(files: results, junit: junit)
    }

    /// Each file's report folder: the output folder itself for one file, else a folder per file
    /// named by its stem — made distinct (`master`, `master-2`) when two files share a name, so
    /// no report overwrites another.
    public static func reportFolders(_ files: [String], under folder: String) -> [String] {
        guard files.count > 1 else { return files.map { _ in folder } }
        var used: Set<String> = []
        return files.map { file in
            let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var name = stem, n = 1
            while used.contains(name) { n += 1; name = "\(stem)-\(n)" }
            used.insert(name)
            return (folder as NSString).appendingPathComponent(name)
        }
    }

    /// What a vision review needs: a reviewer for the configured endpoint, or the reason it is skipped.
    static func visionRequest(_ vision: Vision?) throws -> VisionStage.Request? {
        guard let vision else { return nil }
        let guidelines = try vision.brand.map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ServiceError("\(path): cannot read the brand guidelines", usage: true)
            }
            return text
        }
        guard let endpoint = LLMEndpoint.fromEnvironment() else {
            return .skipped("no vision endpoint: set KIJKO_LLM_BASE_URL (and KIJKO_VISION_MODEL or KIJKO_LLM_MODEL) to review frames")
        }
        let pricesFile = Presets.path("models.yaml")
        let prices = FileManager.default.fileExists(atPath: pricesFile) ? try ModelPrices.load(path: pricesFile) : ModelPrices()
        let client = ChatClient(endpoint: endpoint, timeout: vision.timeout, prices: prices)
        return .review(VisionReviewer(client: client, brand: guidelines, concurrency: max(1, vision.concurrency)))
    }
}
