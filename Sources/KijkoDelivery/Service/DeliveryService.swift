public import Foundation
public import KijkoCore
import KijkoEditorial
import KijkoMedia
public import KijkoPresets

/// The delivery service, the one way front ends make deliverables from a master: versions (one
/// decode, every preset) or a platform optimisation (versions + post copy + contact sheet), with
/// `manifest.json` merged over an earlier run's and the smart reframe's crop path handed to NLEs
/// as OpenTimelineIO timelines.
public enum DeliveryService {
    /// Versions of a master.
    public struct VersionsRequest: Sendable {
        public var master: String
        public var presets: [PlatformPreset]
        public var outputFolder: String
        /// Overrides every preset's reframing.
        public var reframe: PlatformPreset.Reframe?
        /// Smart reframe's crop path (JSON): read when it exists, else written.
        public var cropPath: String?
        public var lockZoom = false
        /// Seconds at the master's end every cutdown keeps whole.
        public var endCard = 2.0
        /// The section to deliver: seconds, or timecode `HH:MM:SS:FF` at the master's rate.
        public var inPoint: String?
        public var until: String?
        public var encoderThreads: Int?
        public var force = false
        /// A `.cube` LUT grading every deliverable (over presets' own `lut:`).
        public var lutFile: String?

        public init(master: String, presets: [PlatformPreset], outputFolder: String) {
            self.master = master
            self.presets = presets
            self.outputFolder = outputFolder
        }
    }

    /// What a versions run made.
    public struct VersionsResult: Sendable {
        public var manifest: Manifest
        /// `manifest.json`, merged over an earlier run's.
        public var manifestPath: String
        /// The crop path as OpenTimelineIO timelines, one per aspect.
        public var cropTimelines: [String]
        /// Every deliverable passed its checks.
        public var allPassed: Bool { !manifest.deliverables.contains { $0.status == .failed || !$0.pass } }
    }

    /// Renders the versions on a thread of its own; cancelling the task stops between frames and
    /// leaves no deliverable file half-written.
    public static func versions(_ request: VersionsRequest, progress: ProgressHandler? = nil) async throws -> VersionsResult {
        try await BlockingWork.run("kijko.versions") { flag in try performVersions(request, progress: progress, cancel: flag) }
    }

    /// The same, blocking the calling thread (agents).
    public static func performVersions(_ request: VersionsRequest, progress: ProgressHandler? = nil,
                                       cancel: CancellationFlag? = nil) throws -> VersionsResult {
        let manifest = try VersionGenerator(try generatorRequest(request)).run(cancel: cancel, progress: events(progress, stage: "versions"))
        return try finish(manifest, folder: request.outputFolder)
    }

    /// A platform optimisation: the platforms' versions, post copy, contact sheet.
    public struct OptimizeRequest: Sendable {
        public var versions: VersionsRequest
        public var platforms: [String]
        public var brief: String?
        /// The platform rules file; default `presets/optimizer/platforms.yaml`.
        public var rules: String?
        /// Extra platform preset folders, overriding Kijko's by name.
        public var presetFolders: [String] = []
        /// When posting slots are counted from.
        public var now = Date()

        public init(versions: VersionsRequest, platforms: [String], brief: String? = nil, rules: String? = nil) {
            self.versions = versions
            self.platforms = platforms
            self.brief = brief
            self.rules = rules
        }
    }

    public struct OptimizeResult: Sendable {
        public var report: PlatformOptimizer.Report
        /// `optimize.json`.
        public var reportPath: String
        public var versions: VersionsResult
    }

    public static func optimize(_ request: OptimizeRequest, progress: ProgressHandler? = nil) async throws -> OptimizeResult {
        try await BlockingWork.run("kijko.optimize") { flag in try performOptimize(request, progress: progress, cancel: flag) }
    }

    /// The same, blocking the calling thread (agents). An unknown platform fails before any work.
    public static func performOptimize(_ request: OptimizeRequest, progress: ProgressHandler? = nil,
                                       cancel: CancellationFlag? = nil) throws -> OptimizeResult {
        guard !request.platforms.isEmpty else { throw ServiceError("name at least one --platform", usage: true) }
        let table = try PlatformRules.load(file: request.rules ?? PlatformRules.defaultFile())
        let optimizer = PlatformOptimizer(PlatformOptimizer.Request(versions: try generatorRequest(request.versions),
                                                                    platforms: request.platforms, brief: request.brief, now: request.now),
                                          rules: table, loader: PresetLoader.standard(extra: request.presetFolders))
        _ = try optimizer.chosenRules()
        let report = try optimizer.run(cancel: cancel, progress: events(progress, stage: "optimize"))
        let versions = try finish(report.manifest, folder: request.versions.outputFolder)
        let path = (request.versions.outputFolder as NSString).appendingPathComponent("optimize.json")
        try AtomicFile.write(try JSONCoding.encoder.encode(report), to: path)
        return OptimizeResult(report: report, reportPath: path, versions: versions)
    }

    // MARK: - Shared steps

    /// The generator's request: the section's bounds read at the master's frame rate.
    static func generatorRequest(_ request: VersionsRequest) throws -> VersionGenerator.Request {
        let rate = try Probe.file(request.master).first(.video)?.frameRate ?? Rational(25, 1)
        var out = VersionGenerator.Request(master: request.master, presets: request.presets, reframe: request.reframe,
                                           outputFolder: request.outputFolder, force: request.force,
                                           start: try seconds(request.inPoint, rate: rate, option: "--in"),
                                           end: try seconds(request.until, rate: rate, option: "--until"),
                                           encoderThreads: request.encoderThreads)
        out.cropPath = request.cropPath
        out.lockZoom = request.lockZoom
        out.endCard = request.endCard
        out.lutFile = request.lutFile
        return out
    }

    /// `text` as seconds: a number, or SMPTE timecode counted at `rate`.
    static func seconds(_ text: String?, rate: Rational, option: String) throws(ServiceError) -> Double? {
        guard let text else { return nil }
        if let value = Double(text) { return value }
        let counting = TimecodeRate(rate: rate, dropFrame: text.contains(";"))
        guard let frames = try? Timecode.frames(text, rate: counting) else {
            throw ServiceError("\(option): expected seconds or HH:MM:SS:FF, got \(text)", usage: true)
        }
        return Double(frames) / rate.doubleValue
    }

    /// The generator's progress as events: overall, then each deliverable's share encoded.
    static func events(_ progress: ProgressHandler?, stage: String) -> ((VersionGenerator.Progress) -> Void)? {
        guard let progress else { return nil }
        return { step in
            let each = step.deliverables.map { "\($0.name) \($0.done * 100 / max(1, $0.total))%" }.joined(separator: " ")
            progress(ProgressEvent(.progress, stage: stage, fraction: Double(step.done) / Double(max(1, step.total)), frames: step.done,
                                   message: "\(step.phase)\(each.isEmpty ? "" : ": " + each)"))
        }
    }

    /// Writes the merged manifest and the crop timelines.
    static func finish(_ manifest: Manifest, folder: String) throws -> VersionsResult {
        let path = try writeManifest(manifest, folder: folder)
        return VersionsResult(manifest: manifest, manifestPath: path, cropTimelines: try exportCropTimelines(manifest))
    }

    /// Writes `FOLDER/manifest.json` (merged over an earlier run's) and returns its path.
    public static func writeManifest(_ manifest: Manifest, folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent("manifest.json")
        let previous = (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { try? JSONCoding.decoder.decode(Manifest.self, from: $0) }
        try AtomicFile.write(try JSONCoding.encoder.encode(manifest.merged(over: previous)), to: path)
        return path
    }

    /// The smart reframe's crop path as timelines an NLE opens: per aspect, one clip per shot of
    /// the master with its crop keyframes (OpenTimelineIO, `metadata.kijko.crop`), written beside
    /// the crop path JSON as `NAME-9x16.otio`. Returns the files written.
    public static func exportCropTimelines(_ manifest: Manifest) throws -> [String] {
        guard let file = manifest.cropPath, let data = FileManager.default.contents(atPath: file) else { return [] }
        let path = try JSONCoding.decoder.decode(CropPath.self, from: data)
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
}
