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
    @Option(help: "Override every preset's reframing: fit, fill, blur, smart.") var reframe: String?
    @Option(help: "Smart reframe's crop path (JSON): read when the file exists (an edited path), else written.") var cropPath: String?
    @Flag(help: "Smart reframe pans only, never zooms in.") var lockZoom = false
    @Option(help: "Seconds at the master's end every cutdown keeps whole (packshot, logo).") var endCard = 2.0
    @Option(help: "Output folder.") var out = "versions"
    @Option(help: "Extra preset folder (repeatable); its presets override Kijko's by name.") var presetsDir: [String] = []
    @Option(name: .customLong("in"), help: "Start of the section to deliver: seconds or HH:MM:SS:FF.") var inPoint: String?
    @Option(help: "End of the section (exclusive): seconds or HH:MM:SS:FF.") var until: String?
    @Option(help: "Video encoder threads per deliverable (default: the cores shared among the deliverables).") var threads: Int?
    @Flag(help: "Overwrite existing outputs.") var force = false
    @Flag(help: "List the presets and exit.") var list = false
    @Flag(help: "The manifest as JSON on stdout.") var json = false

    func run() throws {
        try reportingErrors {
            let loader = PresetLoader(folders: [PresetLoader.defaultFolder()] + presetsDir)
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
            var override: PlatformPreset.Reframe?
            if let reframe {
                guard let mode = PlatformPreset.Reframe(rawValue: reframe) else {
                    throw CommandFailure(message: "--reframe: expected fit, fill, blur or smart, got \(reframe)", code: 64)
                }
                override = mode
            }
            let chosen = try loader.named(presets)
            let rate = try Probe.file(master).first(.video)?.frameRate ?? Rational(25, 1)
            var request = VersionGenerator.Request(master: master, presets: chosen, reframe: override, outputFolder: out,
                                                   force: force, start: try seconds(inPoint, rate: rate, option: "--in"),
                                                   end: try seconds(until, rate: rate, option: "--until"), encoderThreads: threads)
            request.cropPath = cropPath
            request.lockZoom = lockZoom
            request.endCard = endCard
            let bar = ProgressBar(total: 100, label: "versions")
            let manifest = try VersionGenerator(request).run { step in
                // Overall, then each deliverable's share encoded: "tiktok 41% square 40% …".
                let each = step.deliverables.map { "\($0.name) \($0.done * 100 / max(1, $0.total))%" }.joined(separator: " ")
                bar.update(step.done * 100 / max(1, step.total), detail: "\(step.phase)\(each.isEmpty ? "" : ": " + each)")
            }
            bar.finish()
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let manifestPath = (out as NSString).appendingPathComponent("manifest.json")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let previous = (try? Data(contentsOf: URL(fileURLWithPath: manifestPath))).flatMap { try? decoder.decode(Manifest.self, from: $0) }
            try AtomicFile.write(try encoder.encode(manifest.merged(over: previous)), to: manifestPath)
            if json { try Output.json(manifest) } else {
                for entry in manifest.deliverables {
                    let verdict = entry.status == .failed ? "FAILED" : (entry.pass ? "pass" : "CHECK")
                    var line = "\(verdict.padding(toLength: 6, withPad: " ", startingAt: 0)) \(entry.preset.padding(toLength: 24, withPad: " ", startingAt: 0)) \(entry.path)"
                    if entry.status == .kept { line += " (kept)" }
                    if let error = entry.error { line += ": \(error)" }
                    for check in entry.checks where !check.pass { line += "\n       \(check.name): \(check.detail)" }
                    print(line)
                }
                print("manifest: \((out as NSString).appendingPathComponent("manifest.json"))")
            }
            if manifest.deliverables.contains(where: { $0.status == .failed || !$0.pass }) { throw ExitCode.failure }
        }
    }

    func seconds(_ text: String?, rate: Rational, option: String) throws -> Double? {
        guard let text else { return nil }
        if let value = Double(text) { return value }
        let counting = TimecodeRate(rate: rate, dropFrame: text.contains(";"))
        guard let frames = try? Timecode.frames(text, rate: counting) else { throw CommandFailure(message: "\(option): expected seconds or HH:MM:SS:FF, got \(text)", code: 64) }
        return Double(frames) / rate.doubleValue
    }
}

