import ArgumentParser
import Foundation
import KijkoEditorial
import KijkoMedia
import KijkoCore

/// `kijko edl …`: read, check and convert CMX 3600 edit decision lists.
struct EDLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edl",
        abstract: "Read, check and convert CMX 3600 EDLs and OpenTimelineIO timelines.",
        subcommands: [EDLParseCommand.self, EDLConvertCommand.self])
}

/// Options shared by the EDL commands.
struct EDLInput: ParsableArguments {
    @Argument(help: "The EDL (.edl), or an OpenTimelineIO timeline (.otio).") var input: String
    @Option(help: "Timecode rate: 24, 25, 23.976, 29.97 (drop-frame from the FCM lines), 30, 50, 59.94, 60.")
    var rate = "24"
    @Flag(help: "Skip lines and events that cannot be read, with a warning, instead of failing.") var lenient = false

    /// Reads the EDL and builds its timeline; warnings go to stderr as `warning: FILE:LINE: …`.
    func load() throws -> (EDL, Timeline, [EDLDiagnostic]) {
        guard let timecodeRate = TimecodeRate(parsing: rate) else {
            throw CommandFailure(message: "--rate: not a timecode rate: \(rate)", code: 64)
        }
        if input.lowercased().hasSuffix(".otio") {
            var read: [String] = []
            do throws(OTIOReader.Problem) {
                let timeline = try OTIOReader.read(path: input, warnings: &read)
                for warning in read { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
                return (EDL(timeline: timeline), timeline, [])
            } catch {
                throw CommandFailure(message: error.description)
            }
        }
        do {
            var (edl, warnings) = try EDLReader(rate: timecodeRate, lenient: lenient).read(path: input)
            let timeline = try Timeline(edl, file: input, lenient: lenient, warnings: &warnings)
            for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            return (edl, timeline, warnings)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}

struct EDLParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Print the timeline an EDL describes.")
    @OptionGroup var source: EDLInput
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }

    struct Report: Encodable {
        let edl: EDL
        let timeline: Timeline
        let warnings: [EDLDiagnostic]
    }

    func run() throws {
        try reportingErrors {
            let (edl, timeline, warnings) = try source.load()
            if json { try Output.json(Report(edl: edl, timeline: timeline, warnings: warnings)); return }
            print(TimelineText.render(timeline))
        }
    }
}

struct EDLConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an EDL or .otio to OpenTimelineIO (.otio), Final Cut Pro 7 XML (.xml, for Premiere and Resolve), FCPXML (.fcpxml), or CMX 3600 (.edl).")
    @OptionGroup var source: EDLInput
    @Argument(help: "Output: .otio, .xml, .fcpxml or .edl.") var output: String
    @Option(help: "Folder of source media, to link files in XML exports (repeatable).") var media: [String] = []
    @Option(help: "Sequence frame size for XML exports, WIDTHxHEIGHT.") var size = "1920x1080"
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }

    struct Summary: Encodable {
        let output: String
        let format: String
        let events: Int
        let tracks: [String]
        let warnings: Int
    }

    func run() throws {
        try reportingErrors {
            let (edl, timeline, warnings) = try source.load()
            let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
            let data: Data
            let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard dims.count == 2 else { throw CommandFailure(message: "--size: expected WIDTHxHEIGHT, got \(size)", code: 64) }
            let library = media.isEmpty ? nil : MediaLibrary(folders: media)
            switch ext {
            case "otio": data = try OTIOWriter.data(timeline)
            case "edl": data = Data(EDLWriter.write(edl).utf8)
            case "xml": data = Data(FCP7XMLWriter.write(timeline, width: dims[0], height: dims[1], media: library).utf8)
            case "fcpxml": data = Data(FCPXMLWriter.write(timeline, width: dims[0], height: dims[1], media: library).utf8)
            default:
                throw CommandFailure(message: "\(output): unknown output format .\(ext) (expected .otio, .xml, .fcpxml or .edl)", code: 64)
            }
            try AtomicFile.write(data, to: output)
            let summary = Summary(output: output, format: ext, events: edl.events.count,
                                  tracks: timeline.tracks.map(\.name), warnings: warnings.count)
            if json { try Output.json(summary) } else {
                print("\(output): \(summary.events) events on \(summary.tracks.joined(separator: ", "))")
            }
        }
    }
}

/// The human-readable form of a timeline.
enum TimelineText {
    static func render(_ timeline: Timeline) -> String {
        let rate = timeline.rate
        var lines = ["\(timeline.name.isEmpty ? "(untitled)" : timeline.name) — \(rate), starts \(Timecode.string(timeline.startFrame, rate: rate)), \(timeline.duration) frames"]
        for track in timeline.tracks {
            lines.append("track \(track.name) (\(track.kind.rawValue)), \(track.duration) frames")
            var position = timeline.startFrame
            for item in track.items {
                let at = Timecode.string(position, rate: rate)
                switch item {
                case .clip(let clip):
                    var text = "  \(at)  \(clip.name)  [\(clip.reel ?? "-")] src \(Timecode.string(clip.source.start, rate: rate))+\(clip.source.duration)  \(clip.duration) fr"
                    switch clip.speed {
                    case .freeze?: text += "  freeze"
                    case .rate(let fps)?: text += "  speed \(fps) fps"
                    case nil: break
                    }
                    if !clip.markers.isEmpty { text += "  markers \(clip.markers.count)" }
                    lines.append(text)
                case .gap(let frames): lines.append("  \(at)  gap \(frames) fr")
                case .transition(let t): lines.append("  \(at)  \(t.kind.code) \(t.frames) fr: \(t.name)")
                }
                position += item.duration
            }
        }
        return lines.joined(separator: "\n")
    }
}
