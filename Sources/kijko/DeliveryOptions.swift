import ArgumentParser
import Foundation
import KijkoDelivery
import KijkoPresets

/// The options `kijko versions` and `kijko optimize` share, and how a run's manifest is shown.
struct DeliveryOptions: ParsableArguments {
    @Option(help: "Override every preset's reframing: fit, fill, blur, smart.") var reframe: String?
    @Option(help: "Smart reframe's crop path (JSON): read when the file exists (an edited path), else written.") var cropPath: String?
    @Flag(help: "Smart reframe pans only, never zooms in.") var lockZoom = false
    @Option(help: "Seconds at the master's end every cutdown keeps whole (packshot, logo).") var endCard = 2.0
    @Option(help: "Output folder.") var out = "versions"
    @Option(help: "Extra preset folder (repeatable); its presets override Kijko's by name.") var presetsDir: [String] = []
    @Option(name: .customLong("in"), help: "Start of the section to deliver: seconds or HH:MM:SS:FF.") var inPoint: String?
    @Option(help: "End of the section (exclusive): seconds or HH:MM:SS:FF.") var until: String?
    @Option(help: "Video encoder threads per deliverable (default: the cores shared among the deliverables).") var threads: Int?
    @Option(help: "A .cube LUT grading every deliverable (over presets' own lut:), before the reframe, in the master's colour space.")
    var lut: String?
    @Flag(help: "Overwrite existing outputs.") var force = false

    var loader: PresetLoader { PresetLoader.standard(extra: presetsDir) }

    /// The delivery service's request for `master` and `presets`.
    func request(master: String, presets: [PlatformPreset]) throws -> DeliveryService.VersionsRequest {
        var request = DeliveryService.VersionsRequest(master: master, presets: presets, outputFolder: out)
        if let reframe {
            guard let mode = PlatformPreset.Reframe(rawValue: reframe) else {
                throw CommandFailure(message: "--reframe: expected fit, fill, blur or smart, got \(reframe)", code: 64)
            }
            request.reframe = mode
        }
        request.cropPath = cropPath
        request.lockZoom = lockZoom
        request.endCard = endCard
        request.inPoint = inPoint
        request.until = until
        request.encoderThreads = threads
        request.force = force
        request.lutFile = lut
        return request
    }

    /// One line per deliverable: verdict, preset, path, and the failed checks under it.
    static func printSummary(_ manifest: Manifest) {
        for entry in manifest.deliverables {
            let verdict = entry.status == .failed ? "FAILED" : (entry.pass ? "pass" : "CHECK")
            var line = "\(verdict.padding(toLength: 6, withPad: " ", startingAt: 0)) \(entry.preset.padding(toLength: 24, withPad: " ", startingAt: 0)) \(entry.path)"
            if entry.status == .kept { line += " (kept)" }
            if let error = entry.error { line += ": \(error)" }
            for check in entry.checks where !check.pass { line += "\n       \(check.name): \(check.detail)" }
            print(line)
        }
    }
}
