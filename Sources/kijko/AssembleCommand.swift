import ArgumentParser
import Foundation
import KijkoEditorial
import KijkoMedia

/// `kijko assemble`: render a rough cut from an EDL, or from a shot list, and the footage.
struct AssembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assemble",
        abstract: "Render a frame-accurate rough cut from an EDL, or from a shot list, and the footage.",
        discussion: """
            From an EDL: kijko assemble --edl CUT.edl --media DIR [--out roughcut.mp4]
            From a shot list: kijko assemble --shots SHOTS.json --media DIR [--out roughcut.mp4] [--edl OUT.edl]
            (here --edl names the EDL to write; edit notes go beside --out as .notes.json and .notes.md).
            Clips are matched to files by source file, reel, clip name or shot number; a file's start
            timecode places source timecodes. Dissolves and wipes, M2 speed changes and freeze frames
            are rendered; sound follows picture with short crossfades at every cut.
            """)

    @Option(help: "A shot list (JSON; schema in the README).") var shots: String?
    @Option(help: "The EDL to render; with --shots, the EDL to write.") var edl: String?
    @Option(help: "Folder of source media (repeatable).") var media: [String] = []
    @Option(help: "Output file (.mp4 for the proxy preset, .mov for ProRes).") var out: String = "roughcut.mp4"
    @Option(help: "Timecode rate: 24, 25, 23.976, 29.97[df], 30, 50, 59.94[df], 60 (default: the shot list's, else 25).")
    var rate: String?
    @Option(help: "Output size, WIDTHxHEIGHT.") var size = "1920x1080"
    @Option(help: "proxy (H.264 + AAC) or prores (ProRes 422 + 24-bit PCM).") var preset = "proxy"
    @Option(help: "Burn into the picture: timecode, clip, shot (comma-separated), or all.") var burnIn: String?
    @Flag(help: "Missing media and short sources become warnings (black, or a held frame) instead of errors.")
    var lenient = false
    @Flag(help: "With --shots: write the EDL and edit notes, render nothing.") var planOnly = false
    @Flag(help: "JSON summary on stdout.") var json = false

    struct Summary: Encodable {
        var render: RenderReport?
        var edl: String?
        var notes: [EditNote]?
        var notesJson: String?
        var notesMarkdown: String?
    }

    func run() throws {
        try reportingErrors {
            let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard dims.count == 2, dims.allSatisfy({ $0 >= 16 && $0 % 2 == 0 }) else {
                throw CommandFailure(message: "--size: expected even WIDTHxHEIGHT, got \(size)", code: 64)
            }
            guard let renderPreset = RenderSettings.Preset(rawValue: preset) else {
                throw CommandFailure(message: "--preset: expected proxy or prores, got \(preset)", code: 64)
            }
            guard !media.isEmpty else { throw CommandFailure(message: "--media: name the folder of source media", code: 64) }
            for folder in media {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw CommandFailure(message: "\(folder): not a folder")
                }
            }
            let library = MediaLibrary(folders: media)
            var summary = Summary()
            let timeline: Timeline
            let label: String
            if let shots {
                (timeline, summary) = try planFromShots(shots, library: library)
                label = shots
                if planOnly {
                    if json { try Output.json(summary) } else { printNotes(summary) }
                    return
                }
            } else if let edl {
                timeline = try timelineFromEDL(edl)
                label = edl
            } else {
                throw CommandFailure(message: "give --edl CUT.edl or --shots SHOTS.json", code: 64)
            }
            var burn: BurnInOptions = []
            if let burnIn {
                guard let parsed = BurnInOptions(list: burnIn) else {
                    throw CommandFailure(message: "--burn-in: expected timecode, clip, shot or all, got \(burnIn)", code: 64)
                }
                burn = parsed
            }
            let settings = RenderSettings(width: dims[0], height: dims[1], preset: renderPreset, burnIn: burn)
            let renderer = TimelineRenderer(timeline: timeline, library: library, settings: settings, lenient: lenient)
            let bar = ProgressBar(total: max(1, timeline.duration), label: "assemble")
            do {
                summary.render = try renderer.render(to: out) { done, _ in bar.update(done) }
            } catch let error as RenderError {
                bar.finish()
                throw CommandFailure(message: "\(label): \(error.description)")
            }
            bar.finish()
            for warning in summary.render?.warnings ?? [] {
                FileHandle.standardError.write(Data("warning: \(label): \(warning)\n".utf8))
            }
            if json { try Output.json(summary) } else {
                let r = summary.render!
                print("\(out): \(r.frames) frames (\(String(format: "%.2f", r.seconds)) s), \(r.clips) clips, \(r.transitions) transitions, \(r.gaps) gaps")
                printNotes(summary)
            }
        }
    }

    func timecodeRate(default fallback: String?) throws -> TimecodeRate {
        let text = rate ?? fallback ?? "25"
        guard let parsed = TimecodeRate(parsing: text) else {
            throw CommandFailure(message: "--rate: not a timecode rate: \(text)", code: 64)
        }
        return parsed
    }

    func timelineFromEDL(_ path: String) throws -> Timeline {
        let timecode = try timecodeRate(default: nil)
        do throws(EDLDiagnostic) {
            var (list, warnings) = try EDLReader(rate: timecode, lenient: lenient).read(path: path)
            let timeline = try Timeline(list, file: path, lenient: lenient, warnings: &warnings)
            for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            return timeline
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    func planFromShots(_ path: String, library: MediaLibrary) throws -> (Timeline, Summary) {
        let list: ShotList
        do { list = try ShotList.read(path: path) } catch { throw CommandFailure(message: error.description) }
        let result = try ShotListAssembler(list: list, library: library, rate: try timecodeRate(default: list.frameRate)).assemble()
        var summary = Summary(notes: result.notes)
        if let edl {
            try AtomicFile.write(Data(EDLWriter.write(EDL(timeline: result.timeline)).utf8), to: edl)
            summary.edl = edl
        }
        let stem = (out as NSString).deletingPathExtension
        summary.notesJson = stem + ".notes.json"
        summary.notesMarkdown = stem + ".notes.md"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(result.notes), to: summary.notesJson!)
        let markdown = EditNotesMarkdown.render(title: list.title ?? "Rough cut", notes: result.notes,
                                                timeline: result.timeline, matched: result.matched)
        try AtomicFile.write(Data(markdown.utf8), to: summary.notesMarkdown!)
        return (result.timeline, summary)
    }

    func printNotes(_ summary: Summary) {
        guard let notes = summary.notes else { return }
        for note in notes { print("note: shot \(note.shot): \(note.kind.rawValue): \(note.message)") }
        if let edl = summary.edl { print("EDL: \(edl)") }
        if let md = summary.notesMarkdown { print("edit notes: \(md), \(summary.notesJson ?? "")") }
    }
}
