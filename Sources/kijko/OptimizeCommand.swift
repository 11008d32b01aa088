import ArgumentParser
import Foundation
import KijkoDelivery
import KijkoMedia

/// `kijko optimize`: a master made ready for social platforms — their versions, the copy to post
/// them with, and a contact sheet of the set.
struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Versions, post copy and a contact sheet for the platforms named.",
        discussion: """
            Renders every preset the platforms take (presets/optimizer/platforms.yaml) through the
            Version Generator, drafts each platform's caption, hashtags and next good posting slot,
            and writes DIR/contact-sheet.png (the versions side by side, safe zones drawn) and
            DIR/optimize.json. Without a language model endpoint the copy is a rule-based draft from
            the brief and the file name, marked "provenance": "offline-draft".
            """)

    @Argument(help: "The master file.") var master: String
    @Option(name: .customLong("platform"), help: "A platform: tiktok, instagram, youtube, x, linkedin, facebook (repeatable).")
    var platforms: [String] = []
    @Option(help: "The brief, as text (the copy is drafted from it).") var brief: String?
    @Option(help: "A file holding the brief.") var briefFile: String?
    @Option(help: "The platform rules file (default presets/optimizer/platforms.yaml).") var rules: String?
    @OptionGroup var options: DeliveryOptions
    @Flag(help: "The report as JSON on stdout.") var json = false

    func run() throws {
        try reportingErrors {
            guard !platforms.isEmpty else { throw CommandFailure(message: "name at least one --platform", code: 64) }
            var briefText = brief
            if let briefFile {
                guard let data = FileManager.default.contents(atPath: briefFile) else {
                    throw CommandFailure(message: "\(briefFile): cannot read the brief")
                }
                briefText = String(decoding: data, as: UTF8.self)
            }
            let table = try PlatformRules.load(file: rules ?? PlatformRules.defaultFile())
            let request = PlatformOptimizer.Request(versions: try options.request(master: master, presets: []),
                                                    platforms: platforms, brief: briefText)
            let optimizer = PlatformOptimizer(request, rules: table, loader: options.loader)
            _ = try optimizer.chosenRules()   // an unknown platform fails before any work
            let bar = ProgressBar(total: 100, label: "optimize")
            let report = try optimizer.run(progress: DeliveryOptions.progress(bar))
            bar.finish()
            _ = try options.writeManifest(report.manifest)
            _ = try options.exportCropTimelines(report.manifest)
            let path = (options.out as NSString).appendingPathComponent("optimize.json")
            try AtomicFile.write(try Output.encoder.encode(report), to: path)
            if json { try Output.json(report) } else {
                DeliveryOptions.printSummary(report.manifest)
                for platform in report.platforms {
                    print("\(platform.name): \(platform.post.caption) \(platform.post.hashtags.map { "#" + $0 }.joined(separator: " "))")
                    print("  post at \(platform.post.postAt) (\(platform.post.provenance))")
                }
                if let sheet = report.contactSheet { print("contact sheet: \(sheet)") }
                print("report: \(path)")
            }
            if !DeliveryOptions.allPassed(report.manifest) { throw ExitCode.failure }
        }
    }
}
