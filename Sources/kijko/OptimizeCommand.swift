import ArgumentParser
import Foundation
import KijkoDelivery

/// `kijko optimize`: a master made ready for social platforms — their versions, the copy to post
/// them with, and a contact sheet of the set.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Versions, post copy and a contact sheet for the platforms named.",
        discussion: """
            Renders every preset the platforms take (presets/optimizer/platforms.yaml) through the \
            Version Generator, drafts each platform's caption, hashtags and next good posting slot, \
            and writes DIR/contact-sheet.png (the versions side by side, safe zones drawn) and \
            DIR/optimize.json. Without a language model endpoint the copy is a rule-based draft from \
            the brief and the file name, marked "provenance": "offline-draft".
            """)

    @Argument(help: "The master file.") var master: String
    @Option(name: .customLong("platform"), help: "A platform: tiktok, instagram, youtube, x, linkedin, facebook (repeatable).")
    var platforms: [String] = []
    @Option(help: "The brief, as text (the copy is drafted from it).") var brief: String?
    @Option(help: "A file holding the brief.") var briefFile: String?
    @Option(help: "The platform rules file (default presets/optimizer/platforms.yaml).") var rules: String?
    @OptionGroup var options: DeliveryOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var request: DeliveryService.OptimizeRequest?
        try reportingErrors {
            var briefText = brief
            if let briefFile {
                guard let data = FileManager.default.contents(atPath: briefFile) else {
                    throw CommandFailure(message: "\(briefFile): cannot read the brief")
                }
                briefText = String(decoding: data, as: UTF8.self)
            }
            var made = DeliveryService.OptimizeRequest(versions: try options.request(master: master, presets: []),
                                                       platforms: platforms, brief: briefText, rules: rules)
            made.presetFolders = options.presetsDir
            request = made
        }
        guard let request else { return }
        let global = global
        try await interruptible {
            let bar = global.progress("optimize")
            let result = try await DeliveryService.optimize(request, progress: bar.handler)
            bar.finish()
            let report = result.report
            if global.json { try Output.json(report) } else {
                DeliveryOptions.printSummary(report.manifest)
                for platform in report.platforms {
                    print("\(platform.name): \(platform.post.caption) \(platform.post.hashtags.map { "#" + $0 }.joined(separator: " "))")
                    print("  post at \(platform.post.postAt) (\(platform.post.provenance))")
                }
                if let sheet = report.contactSheet { print("contact sheet: \(sheet)") }
                print("report: \(result.reportPath)")
            }
            if !result.versions.allPassed { throw ExitCode.failure }
        }
    }
}
