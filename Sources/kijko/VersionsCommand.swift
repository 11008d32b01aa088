import ArgumentParser
import Foundation
import KijkoDelivery

/// `kijko versions`: every deliverable from one master, in one decode.
struct VersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "Render platform deliverables (16:9, 9:16, 1:1, 4:5, TV, stills) from one master in one decode.",
        discussion: """
            Writes DIR/<master>_<preset>.<ext> for each preset and DIR/manifest.json (sizes, SHA-256, \
            measurements read back from each file, pass/fail against the preset). Existing outputs are \
            kept unless --force, so a rerun completes what is missing or failed. Exit 0 when every \
            deliverable passes, 1 otherwise.
            """)

    @Argument(help: "The master file.") var master: String?
    @Option(name: .customLong("preset"), help: "A preset name (repeatable); `kijko versions --list` shows them.") var presets: [String] = []
    @OptionGroup var options: DeliveryOptions
    @Flag(help: "List the presets and exit.") var list = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let loader = options.loader
        if list {
            try reportingErrors {
                let all = try loader.all()
                for name in all.keys.sorted() {
                    let p = all[name]!
                    print("\(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(p.width)x\(p.height) \(p.aspect.padding(toLength: 5, withPad: " ", startingAt: 0)) \(p.reframe.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(p.description)\(p.group.map { " — --preset \($0) for all its formats" } ?? "")")
                }
            }
            return
        }
        var request: DeliveryService.VersionsRequest?
        try reportingErrors {
            guard let master else { throw CommandFailure(message: "name the master file (or --list the presets)", code: 64) }
            guard !presets.isEmpty else { throw CommandFailure(message: "name at least one --preset (see --list)", code: 64) }
            request = try options.request(master: master, presets: try loader.named(presets))
        }
        guard let request else { return }
        let global = global
        try await interruptible {
            let bar = global.progress("versions")
            let result = try await DeliveryService.versions(request, progress: bar.handler)
            bar.finish()
            if global.json { try Output.json(result.manifest) } else {
                DeliveryOptions.printSummary(result.manifest)
                print("manifest: \(result.manifestPath)")
                for timeline in result.cropTimelines { print("crop path timeline: \(timeline)") }
            }
            if !result.allPassed { throw ExitCode.failure }
        }
    }
}
