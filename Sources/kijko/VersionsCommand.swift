import ArgumentParser
import Foundation
import KijkoDelivery
import KijkoEditorial
import KijkoMedia

/// `kijko versions`: every deliverable from one master, in one decode.
struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "Render platform deliverables (16:9, 9:16, 1:1, 4:5, TV, stills) from one master in one decode.",
        discussion: """
            Writes DIR/<master>_<preset>.<ext> for each preset and DIR/manifest.json (sizes, SHA-256,
            measurements read back from each file, pass/fail against the preset). Existing outputs are
            kept unless --force, so a rerun completes what is missing or failed. Exit 0 when every
            deliverable passes, 1 otherwise.
            """)

    @Argument(help: "The master file.") var master: String?
    @Option(name: .customLong("preset"), help: "A preset name (repeatable); `kijko versions --list` shows them.") var presets: [String] = []
    @OptionGroup var options: DeliveryOptions
    @Flag(help: "List the presets and exit.") var list = false
    @Flag(help: "The manifest as JSON on stdout.") var json = false

    func run() throws {
        try reportingErrors {
            let loader = options.loader
            if list {
                let all = try loader.all()
                for name in all.keys.sorted() {
                    let p = all[name]!
                    print("\(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(p.width)x\(p.height) \(p.aspect.padding(toLength: 5, withPad: " ", startingAt: 0)) \(p.reframe.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(p.description)")
                }
                return
            }
            guard let master else { throw CommandFailure(message: "name the master file (or --list the presets)", code: 64) }
            guard !presets.isEmpty else { throw CommandFailure(message: "name at least one --preset (see --list)", code: 64) }
            let request = try options.request(master: master, presets: try loader.named(presets))
            let bar = ProgressBar(total: 100, label: "versions")
            let manifest = try VersionGenerator(request).run(progress: DeliveryOptions.progress(bar))
            bar.finish()
            let path = try options.writeManifest(manifest)
            let timelines = try options.exportCropTimelines(manifest)
            if json { try Output.json(manifest) } else {
                DeliveryOptions.printSummary(manifest)
                print("manifest: \(path)")
                for timeline in timelines { print("crop path timeline: \(timeline)") }
            }
            if !DeliveryOptions.allPassed(manifest) { throw ExitCode.failure }
        }
    }
}
