import Foundation
public import KijkoCore
public import KijkoMedia

/// The assembly service, the one way front ends (the CLI, agents, a server) make a rough cut: an
/// EDL or a shot list and the footage → a plan (EDL, edit notes) → a frame-accurate render.
///
///     let result = try await AssemblyService.run(.init(source: .shots("shots.json"), media: ["footage"], output: "cut.mp4"))
public enum AssemblyService {
    /// What to assemble.
    public struct Request: Sendable {
        public enum Source: Sendable {
            /// A CMX 3600 EDL (or an OpenTimelineIO `.otio` timeline) to render.
            case edl(String)
            /// A shot list (JSON) to plan and render.
            case shots(String)
            /// A shot list in memory (an agent's, with takes filled in from the footage log).
            case list(ShotList)
        }

        public var source: Source
        /// Folders of source media.
        public var media: [String]
        /// The rendered file; edit notes go beside it as `.notes.json` and `.notes.md`.
        public var output: String
        /// The EDL to write when planning from a shot list.
        public var edlOutput: String?
        /// Timecode rate text (`25`, `29.97df`…); default the shot list's, else 25.
        public var rate: String?
        public var settings: RenderSettings
        /// Missing media and short sources become warnings (black, a held frame) instead of errors.
        public var lenient: Bool
        /// With a shot list: write the EDL and edit notes, render nothing.
        public var planOnly: Bool
        /// A clip's own file path (an EDL's `* SOURCE FILE:`, a shot's `source`) may lie outside
        /// `media`; otherwise such a path is looked up by its name inside `media` only.
        public var allowOutside = false
        /// ASC CDL files (`.cdl`, `.ccc`, `.cc`) whose corrections grade the clips that name them
        /// (`* ASC_CC_XML ID`) or whose name or reel is a correction's id.
        public var cdlFiles: [String] = []
        /// A `.cube` LUT applied to every clip after its CDL (``RenderSettings/lut``).
        public var lutFile: String?

        public init(source: Source, media: [String], output: String, edlOutput: String? = nil, rate: String? = nil,
                    settings: RenderSettings = RenderSettings(), lenient: Bool = false, planOnly: Bool = false) {
            self.source = source
            self.media = media
            self.output = output
            self.edlOutput = edlOutput
            self.rate = rate
            self.settings = settings
            self.lenient = lenient
            self.planOnly = planOnly
        }
    }

    /// What was made.
    public struct Result: Encodable, Sendable {
        public var render: RenderReport?
        public var edl: String?
        public var notes: [EditNote]?
        public var notesJson: String?
        public var notesMarkdown: String?
        /// The EDL reader's and the renderer's warnings, one line each.
        public var warnings: [String] = []
        /// The planned timeline (not in the JSON).
        public var timeline: Timeline?
        /// Shots matched to media when planned from a shot list (not in the JSON).
        public var matched: [String: String]?

        enum CodingKeys: String, CodingKey { case render, edl, notes, notesJson, notesMarkdown }
    }

    /// Plans and renders on a thread of its own; cancelling the task stops the render between
    /// frames and leaves no file under the output's name.
    public static func run(_ request: Request, progress: ProgressHandler? = nil) async throws -> Result {
        try await BlockingWork.run("kijko.assemble") { flag in try perform(request, progress: progress, cancel: flag) }
    }

    /// The same, blocking the calling thread (for agents, which run on threads of their own).
    public static func perform(_ request: Request, progress: ProgressHandler? = nil, cancel: CancellationFlag? = nil) throws -> Result {
        for folder in request.media {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ServiceError("\(folder): not a folder")
            }
        }
        var settings = request.settings
        if let file = request.lutFile {
            do { settings.lut = try CubeLUT.read(path: file) } catch { throw ServiceError(error.description) }
        }
        let library = MediaLibrary(folders: request.media, allowsOutside: request.allowOutside)
        var result = Result()
        let label: String
        if case .edl(let path) = request.source {
            result.timeline = try timeline(edl: path, rate: request.rate, lenient: request.lenient, warnings: &result.warnings)
            label = path
        } else {
            let list: ShotList
            (list, label) = try shotList(request.source)
            result = try plan(list, library: library, rate: request.rate, output: request.output, edlOutput: request.edlOutput)
            if request.planOnly { return result }
        }
        guard var timeline = result.timeline else { return result }
        if settings.applyCDL {
            var corrections: [String: (file: String, decision: ColorDecision)] = [:]
            do {
                for file in request.cdlFiles {
                    for (id, decision) in try CDLFile.read(path: file) {
                        if let other = corrections[id] { throw CDLFile.Problem(file: file, line: nil, message: "correction \(id) is in \(other.file) too") }
                        corrections[id] = (file, decision)
                    }
                }
                timeline = try timeline.graded(by: corrections.mapValues(\.decision), files: request.cdlFiles, edl: label)
            } catch let problem as CDLFile.Problem {
                throw ServiceError(problem.description)
            }
        }
        let renderer = TimelineRenderer(timeline: timeline, library: library, settings: settings, lenient: request.lenient)
        // One render at a time into the output's folder (made if missing); a killed render's partial file goes first.
        let lock = try FolderLock((URL(fileURLWithPath: request.output).standardizedFileURL.path as NSString).deletingLastPathComponent, what: "output")
        defer { withExtendedLifetime(lock) {} }
        Muxer.removeStalePartials(for: request.output)
        do {
            let report = try renderer.render(to: request.output, cancel: cancel) { done, total in
                // (Started once the first frame is out: a timeline that cannot be planned is one error line, nothing else.)
                if done == 1 { progress?(ProgressEvent(.started, stage: "render", fraction: 0, frames: 0, message: "\(total) frames")) }
                progress?(ProgressEvent(.progress, stage: "render", fraction: Double(done) / Double(max(1, total)), frames: done))
            }
            result.render = report
            result.warnings += report.warnings.map { "\(label): \($0)" }
        } catch let error as RenderError {
            throw ServiceError("\(label): \(error.description)")
        }
        progress?(ProgressEvent(.finished, stage: "render", fraction: 1, frames: result.render?.frames))
        return result
    }

    /// The shot list a request names, and what messages call it.
    static func shotList(_ source: Request.Source) throws -> (ShotList, String) {
        switch source {
        case .shots(let path):
            do { return (try ShotList.read(path: path), path) } catch { throw ServiceError(error.description) }
        case .list(let list):
            return (list, list.title ?? "shot list")
        case .edl(let path):
            throw ServiceError("\(path): an EDL, not a shot list", usage: true)
        }
    }

    /// A shot list planned against the footage: the timeline, the EDL (when `edlOutput` is given)
    /// and edit notes beside `output` (`.notes.json`, `.notes.md`), each written atomically.
    public static func plan(_ list: ShotList, library: MediaLibrary, rate: String?, output: String, edlOutput: String?) throws -> Result {
        let assembled = try ShotListAssembler(list: list, library: library, rate: try timecodeRate(rate ?? list.frameRate)).assemble()
        var result = Result(notes: assembled.notes)
        result.timeline = assembled.timeline
        result.matched = assembled.matched
        if let edlOutput {
            try AtomicFile.write(Data(EDLWriter.write(EDL(timeline: assembled.timeline)).utf8), to: edlOutput)
            result.edl = edlOutput
        }
        let stem = (output as NSString).deletingPathExtension
        let notesJson = stem + ".notes.json", notesMarkdown = stem + ".notes.md"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(assembled.notes), to: notesJson)
        let markdown = EditNotesMarkdown.render(title: list.title ?? "Rough cut", notes: assembled.notes,
                                                timeline: assembled.timeline, matched: assembled.matched)
        try AtomicFile.write(Data(markdown.utf8), to: notesMarkdown)
        result.notesJson = notesJson
        result.notesMarkdown = notesMarkdown
        return result
    }

    /// The timeline an EDL describes (or an OpenTimelineIO file, by its `.otio` extension; its own
    /// rate then, not `rate`); the reader's warnings are appended to `warnings`.
    public static func timeline(edl path: String, rate: String?, lenient: Bool, warnings: inout [String]) throws -> Timeline {
        if path.lowercased().hasSuffix(".otio") {
            do throws(OTIOReader.Problem) { return try OTIOReader.read(path: path, warnings: &warnings) } catch { throw ServiceError(error.description) }
        }
        let timecode = try timecodeRate(rate)
        do throws(EDLDiagnostic) {
            var (list, read) = try EDLReader(rate: timecode, lenient: lenient).read(path: path)
            let timeline = try Timeline(list, file: path, lenient: lenient, warnings: &read)
            warnings += read.map(\.description)
            return timeline
        } catch {
            throw ServiceError(error.description)
        }
    }

    /// `text` as a timecode rate (25 when nil).
    public static func timecodeRate(_ text: String?) throws(ServiceError) -> TimecodeRate {
        guard let parsed = TimecodeRate(parsing: text ?? "25") else { throw ServiceError("--rate: not a timecode rate: \(text ?? "")", usage: true) }
        return parsed
    }
}
