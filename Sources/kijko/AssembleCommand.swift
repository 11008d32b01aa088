import ArgumentParser
import Foundation
import KijkoEditorial
import KijkoMedia

/// `kijko assemble`: render a rough cut from an EDL and a folder of footage.
struct AssembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assemble",
        abstract: "Render a frame-accurate rough cut from an EDL and the footage it names.",
        discussion: """
            Clips are matched to files in --media by source file, reel or clip name (a file's start
            timecode places the EDL's source timecodes). Dissolves and wipes, M2 speed changes and
            freeze frames are rendered; sound follows picture with short crossfades at every cut.
            """)

    @Option(help: "The EDL to render.") var edl: String
    @Option(help: "Folder of source media (repeatable).") var media: [String] = []
    @Option(help: "Output file (.mp4 for the proxy preset, .mov for ProRes).") var out: String = "roughcut.mp4"
    @Option(help: "EDL timecode rate: 24, 25, 23.976, 29.97, 30, 50, 59.94, 60.") var rate = "25"
    @Option(help: "Output size, WIDTHxHEIGHT.") var size = "1920x1080"
    @Option(help: "proxy (H.264 + AAC) or prores (ProRes 422 + 24-bit PCM).") var preset = "proxy"
    @Flag(help: "Missing media and short sources become warnings (black, or a held frame) instead of errors.")
    var lenient = false
    @Flag(help: "JSON summary on stdout.") var json = false

    func run() throws {
        try reportingErrors {
            guard let timecodeRate = TimecodeRate(parsing: rate) else {
                throw CommandFailure(message: "--rate: not a timecode rate: \(rate)", code: 64)
            }
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
            let timeline: Timeline
            do throws(EDLDiagnostic) {
                var (list, warnings) = try EDLReader(rate: timecodeRate, lenient: lenient).read(path: edl)
                timeline = try Timeline(list, file: edl, lenient: lenient, warnings: &warnings)
                for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            } catch {
                throw CommandFailure(message: error.description)
            }
            let settings = RenderSettings(width: dims[0], height: dims[1], preset: renderPreset)
            let renderer = TimelineRenderer(timeline: timeline, library: MediaLibrary(folders: media),
                                            settings: settings, lenient: lenient)
            let bar = ProgressBar(total: max(1, timeline.duration), label: "assemble")
            let report: RenderReport
            do {
                report = try renderer.render(to: out) { done, _ in bar.update(done) }
            } catch let error as RenderError {
                bar.finish()
                throw CommandFailure(message: "\(edl): \(error.description)")
            }
            bar.finish()
            for warning in report.warnings { FileHandle.standardError.write(Data("warning: \(edl): \(warning)\n".utf8)) }
            if json { try Output.json(report) } else {
                print("\(out): \(report.frames) frames (\(String(format: "%.2f", report.seconds)) s), \(report.clips) clips, \(report.transitions) transitions, \(report.gaps) gaps")
            }
        }
    }
}
