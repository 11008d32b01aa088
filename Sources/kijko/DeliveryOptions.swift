import ArgumentParser
import Foundation
import KijkoDelivery
import KijkoEditorial
import KijkoMedia

/// The options `kijko versions` and `kijko optimize` share, and how a run's manifest is written
/// and shown.
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
    @Flag(help: "Overwrite existing outputs.") var force = false

    var loader: PresetLoader { PresetLoader(folders: [PresetLoader.defaultFolder()] + presetsDir) }

    /// The Version Generator's request for `master` and `presets`.
    func request(master: String, presets: [PlatformPreset]) throws -> VersionGenerator.Request {
        var override: PlatformPreset.Reframe?
        if let reframe {
            guard let mode = PlatformPreset.Reframe(rawValue: reframe) else {
                throw CommandFailure(message: "--reframe: expected fit, fill, blur or smart, got \(reframe)", code: 64)
            }
            override = mode
        }
        let rate = try Probe.file(master).first(.video)?.frameRate ?? Rational(25, 1)
        var request = VersionGenerator.Request(master: master, presets: presets, reframe: override, outputFolder: out,
                                               force: force, start: try seconds(inPoint, rate: rate, option: "--in"),
                                               end: try seconds(until, rate: rate, option: "--until"), encoderThreads: threads)
        request.cropPath = cropPath
        request.lockZoom = lockZoom
        request.endCard = endCard
        return request
    }

    func seconds(_ text: String?, rate: Rational, option: String) throws -> Double? {
        guard let text else { return nil }
        if let value = Double(text) { return value }
        let counting = TimecodeRate(rate: rate, dropFrame: text.contains(";"))
        guard let frames = try? Timecode.frames(text, rate: counting) else {
            throw CommandFailure(message: "\(option): expected seconds or HH:MM:SS:FF, got \(text)", code: 64)
        }
        return Double(frames) / rate.doubleValue
    }

    /// A progress bar fed by the generator: overall, then each deliverable's share encoded.
    static func progress(_ bar: ProgressBar) -> (VersionGenerator.Progress) -> Void {
        { step in
            let each = step.deliverables.map { "\($0.name) \($0.done * 100 / max(1, $0.total))%" }.joined(separator: " ")
            bar.update(step.done * 100 / max(1, step.total), detail: "\(step.phase)\(each.isEmpty ? "" : ": " + each)")
        }
    }

    /// Writes `DIR/manifest.json` (merged over an earlier run's) and returns its path.
    func writeManifest(_ manifest: Manifest) throws -> String {
        let path = (out as NSString).appendingPathComponent("manifest.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let previous = (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { try? decoder.decode(Manifest.self, from: $0) }
        try AtomicFile.write(try Output.encoder.encode(manifest.merged(over: previous)), to: path)
        return path
    }

    /// The smart reframe's crop path as timelines an NLE opens: per aspect, one clip per shot of
    /// the master with its crop keyframes (OpenTimelineIO, `metadata.kijko.crop`), written beside
    /// the crop path JSON as `NAME-9x16.otio`. Returns the files written.
    func exportCropTimelines(_ manifest: Manifest) throws -> [String] {
        guard let file = manifest.cropPath, let data = FileManager.default.contents(atPath: file) else { return [] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let path = try decoder.decode(CropPath.self, from: data)
        var written: [String] = []
        for track in path.tracks {
            let clips = track.shots.enumerated().map { index, shot -> TrackItem in
                .clip(Clip(name: "shot \(index + 1)", sourceFile: path.master,
                           source: FrameRange(start: shot.startFrame, duration: shot.endFrame - shot.startFrame),
                           event: index + 1,
                           crop: shot.keyframes.map { CropKeyframe(frame: $0.frame - shot.startFrame, x: $0.x, y: $0.y,
                                                                     width: $0.width, height: $0.height) }))
            }
            let name = URL(fileURLWithPath: path.master).deletingPathExtension().lastPathComponent
            let timeline = Timeline(name: "\(name) \(track.aspect)", rate: TimecodeRate(rate: path.frameRate, dropFrame: false),
                                    tracks: [Track(name: "V1", kind: .video, items: clips)])
            let out = (file as NSString).deletingPathExtension + "-" + track.aspect.replacingOccurrences(of: ":", with: "x") + ".otio"
            try AtomicFile.write(try OTIOWriter.data(timeline), to: out)
            written.append(out)
        }
        return written
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

    static func allPassed(_ manifest: Manifest) -> Bool {
        !manifest.deliverables.contains { $0.status == .failed || !$0.pass }
    }
}
