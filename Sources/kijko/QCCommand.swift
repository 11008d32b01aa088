import ArgumentParser
import Foundation
import KijkoDelivery
import KijkoLLM
import KijkoMedia
import KijkoQC

/// `kijko qc`: a full-frame audit of finished masters against a QC profile.
struct QCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qc",
        abstract: "Audit masters: black, frozen and out-of-range picture, loudness, true peak, silence, clipping.",
        discussion: """
            Every picture is read in full once and the sound is measured in the same pass, against a
            profile in presets/qc (broadcast-ebu, broadcast-atsc, streaming, social) or a YAML file of
            your own. Writes DIR/qc-report.json and .html with thumbnails (one file; DIR/<name>/ for
            several) and DIR/qc-report.xml (JUnit, every file).
            With --vision, each shot's keyframe and a frame of each failing picture run are shown to a
            vision model (KIJKO_LLM_BASE_URL, KIJKO_VISION_MODEL or KIJKO_LLM_MODEL, KIJKO_LLM_API_KEY);
            without an endpoint the review is skipped and the report says so.
            Exit 0 when every file passes, 1 when one fails, 2 when one could not be audited.
            """)

    @Argument(help: "Files to audit.") var files: [String]
    @Option(help: "QC profile name or YAML file.") var profile = "broadcast-ebu"
    @Option(help: "A delivery preset the files must conform to (size, rate, codecs, duration, size, colour, sound).") var spec: String?
    @Option(help: "Extra delivery preset folder for --spec (repeatable).") var presetsDir: [String] = []
    @Option(help: "Output folder.") var out = "qc"
    @Flag(help: "Review keyframes and failing frames with a vision model.") var vision = false
    @Option(help: "Brand guidelines (text file) for the vision review.") var brand: String?
    @Option(help: "Vision calls in flight at once.") var visionConcurrency = 4
    @Option(help: "Seconds per vision call before it is retried.") var visionTimeout = 120.0
    @Flag(help: "The report(s) as JSON on stdout.") var json = false

    func run() throws {
        var worst: Int32 = 0
        var reports: [QCReport] = []
        try reportingErrors {
            let chosen = try QCProfile.named(profile)
            let preset = try spec.map { try PresetLoader(folders: [PresetLoader.defaultFolder()] + presetsDir).named([$0])[0] }
            let review = try visionRequest()
            for file in files {
                let folder = files.count == 1 ? out : (out as NSString).appendingPathComponent(
                    URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
                let bar = ProgressBar(total: 100, label: "qc \(URL(fileURLWithPath: file).lastPathComponent)")
                let report: QCReport
                do {
                    report = try QCAuditor(file: file, profile: chosen, spec: preset).run { done, total in bar.update(done * 100 / max(1, total)) }
                } catch let error as MediaError {
                    bar.finish()
                    Output.fail(error.description)
                    worst = 2
                    continue
                }
                bar.finish()
                if review != nil, !json { Output.status("vision review of \(URL(fileURLWithPath: file).lastPathComponent)…") }
                let written = try QCReportWriter.write(report, to: folder, encoder: Output.encoder, vision: review)
                reports.append(written)
                switch written.status {
                case .pass: break
                case .fail: worst = max(worst, 1)
                case .unreadable: worst = 2
                }
                if !json {
                    print("\(written.status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(file)  (\(written.profile))")
                    for issue in written.issues {
                        print(String(format: "  %-14@ frames %d–%d (%.2f–%.2f s): %@", issue.check, issue.startFrame, issue.endFrame,
                                     issue.start, issue.end, issue.message))
                    }
                    if let review = written.vision {
                        let cost = review.usage.cost.map { String(format: ", $%.4f", $0) } ?? ""
                        print("  vision: \(review.status.rawValue)" + (review.status == .skipped ? "" : " (\(review.frames.count) frames, \(review.usage.calls) calls\(cost))")
                              + (review.reason.map { ": \($0)" } ?? ""))
                    }
                    print("  report: \((folder as NSString).appendingPathComponent("qc-report.html"))")
                }
            }
            if !json && files.count > 1 {
                // The batch at a glance: one row per file, failures first.
                print("\nsummary (\(reports.count) of \(files.count) audited):")
                for report in reports.sorted(by: { ($0.status == .pass ? 1 : 0, $0.file) < ($1.status == .pass ? 1 : 0, $1.file) }) {
                    let errors = report.issues.filter { $0.severity == .error }
                    let checks = Set(errors.map(\.check)).sorted().joined(separator: ", ")
                    print("  \(report.status.rawValue.uppercased().padding(toLength: 10, withPad: " ", startingAt: 0))"
                          + "\(String(errors.count).padding(toLength: 4, withPad: " ", startingAt: 0)) \(report.file)"
                          + (checks.isEmpty ? "" : "  (\(checks))"))
                }
            }
            // JUnit XML over every file, for CI to gate on.
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try AtomicFile.write(Data(JUnitReport.xml(reports).utf8), to: (out as NSString).appendingPathComponent("qc-report.xml"))
            if json { try files.count == 1 && reports.count == 1 ? Output.json(reports[0]) : Output.json(reports) }
        }
        if worst != 0 { throw ExitCode(worst) }
    }

    /// What `--vision` asks for: a reviewer for the configured endpoint, or the reason it is skipped.
    func visionRequest() throws -> VisionStage.Request? {
        guard vision else { return nil }
        let guidelines = try brand.map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandFailure(message: "\(path): cannot read the brand guidelines", code: 2)
            }
            return text
        }
        guard let endpoint = LLMEndpoint.fromEnvironment() else {
            return .skipped("no vision endpoint: set KIJKO_LLM_BASE_URL (and KIJKO_VISION_MODEL or KIJKO_LLM_MODEL) to review frames")
        }
        let pricesFile = PresetLoader.presets("models.yaml")
        let prices = FileManager.default.fileExists(atPath: pricesFile) ? try ModelPrices.load(path: pricesFile) : ModelPrices()
        let client = ChatClient(endpoint: endpoint, timeout: visionTimeout, prices: prices)
        return .review(VisionReviewer(client: client, brand: guidelines, concurrency: max(1, visionConcurrency)))
    }
}
