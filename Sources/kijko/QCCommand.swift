import ArgumentParser
import Foundation
import KijkoQC

/// `kijko qc`: a full-frame audit of finished masters against a QC profile.
struct QCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qc",
        abstract: "Audit masters: black, frozen and out-of-range picture, loudness, true peak, silence, clipping.",
        discussion: """
            Every picture is read in full once and the sound is measured in the same pass, against a \
            profile in presets/qc (broadcast-ebu, broadcast-atsc, streaming, social) or a YAML file of \
            your own. Writes DIR/qc-report.json and .html with thumbnails (one file; DIR/<name>/ for \
            several) and DIR/qc-report.xml (JUnit, every file, those that could not be audited too).

            With --vision, each shot's keyframe and a frame of each failing picture run are shown to a \
            vision model (KIJKO_LLM_BASE_URL, KIJKO_VISION_MODEL or KIJKO_LLM_MODEL, KIJKO_LLM_API_KEY); \
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
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var request = QCService.Request(files: files, outputFolder: out)
        request.profile = profile
        request.spec = spec
        request.presetFolders = presetsDir
        if vision {
            var review = QCService.Vision(brand: brand)
            review.concurrency = visionConcurrency
            review.timeout = visionTimeout
            request.vision = review
        }
        let global = global, files = files, frozen = request
        let outcome = Outcome()
        try await interruptible {
            let bar = global.progress("qc")
            let result = try await QCService.run(frozen, progress: bar.handler)
            bar.finish()
            for file in result.files { if let failure = file.failure { Output.fail(failure) } }
            outcome.status = result.exitStatus
            if global.json {
                let reports = result.reports
                try files.count == 1 && reports.count == 1 ? Output.json(reports[0]) : Output.json(reports)
                return
            }
            for file in result.files {
                guard let written = file.report else { continue }
                print("\(written.status.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(file.file)  (\(written.profile))")
                for issue in written.issues {
                    print(String(format: "  %-14@ frames %d–%d (%.2f–%.2f s): %@", issue.check, issue.startFrame, issue.endFrame,
                                 issue.start, issue.end, issue.message))
                }
                if let review = written.vision {
                    let cost = review.usage.cost.map { String(format: ", $%.4f", $0) } ?? ""
                    print("  vision: \(review.status.rawValue)"
                          + (review.status == .skipped ? "" : " (\(Output.count(review.frames.count, "frame")), \(Output.count(review.usage.calls, "call"))\(cost))")
                          + (review.reason.map { ": \($0)" } ?? ""))
                }
                print("  report: \((file.folder as NSString).appendingPathComponent("qc-report.html"))")
            }
            if files.count > 1 {
                // The batch at a glance: one row per file, failures first.
                let reports = result.reports
                print("\nsummary (\(reports.count) of \(files.count) audited):")
                for report in reports.sorted(by: { ($0.status == .pass ? 1 : 0, $0.file) < ($1.status == .pass ? 1 : 0, $1.file) }) {
                    let errors = report.issues.filter { $0.severity == .error }
                    let checks = Set(errors.map(\.check)).sorted().joined(separator: ", ")
                    print("  \(report.status.rawValue.uppercased().padding(toLength: 10, withPad: " ", startingAt: 0))"
                          + "\(String(errors.count).padding(toLength: 4, withPad: " ", startingAt: 0)) \(report.file)"
                          + (checks.isEmpty ? "" : "  (\(checks))"))
                }
            }
        }
        if outcome.status != 0 { throw ExitCode(outcome.status) }
    }

    /// The exit status, set inside the service call.
    final class Outcome: @unchecked Sendable { var status: Int32 = 0 }
}
