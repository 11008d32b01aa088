import ArgumentParser
import Foundation
import KijkoEditorial
import KijkoMedia

/// `kijko assemble`: render a rough cut from an EDL, or from a shot list, and the footage.
struct AssembleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assemble",
        abstract: "Render a frame-accurate rough cut from an EDL, or from a shot list, and the footage.",
        discussion: """
            From an EDL: kijko assemble --edl CUT.edl --media DIR [--out roughcut.mp4]
            (or an OpenTimelineIO timeline, --edl CUT.otio: its clips' CDL metadata grades them)

            From a shot list: kijko assemble --shots SHOTS.json --media DIR [--out roughcut.mp4] [--edl OUT.edl] \
            (here --edl names the EDL to write; edit notes go beside --out as .notes.json and .notes.md).

            Clips are matched to files by source file, reel, clip name or shot number; a file's start \
            timecode places source timecodes. Dissolves and wipes, M2 speed changes and freeze frames \
            are rendered; sound follows picture with short crossfades at every cut.
            """)

    @Option(help: "A shot list (JSON; schema in the README).") var shots: String?
    @Option(help: "The EDL (or OpenTimelineIO .otio timeline) to render; with --shots, the EDL to write.") var edl: String?
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
    @Flag(help: "Let clips name files outside --media (an EDL's SOURCE FILE, a shot's source); otherwise only their names are looked up in --media.")
    var allowOutside = false
    @Option(help: "An ASC CDL file (.cdl, .ccc, .cc; repeatable): its corrections grade the clips that name them (* ASC_CC_XML ID) or whose name or reel is an id.")
    var cdl: [String] = []
    @Flag(help: "Render without the ASC CDL grades the EDL or --cdl files give.") var ignoreCdl = false
    @Option(help: "A .cube LUT (3D, 1D, or Resolve's shaper and cube) applied to every clip after its CDL, in the source's colour space.")
    var lut: String?
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let request = try makeRequest()
        let global = global, out = out
        try await interruptible {
            let result = try await global.progress("assemble").around { try await AssemblyService.run(request, progress: $0) }
            for warning in result.warnings { Output.warn(warning) }
            if global.json { try Output.json(result); return }
            if let r = result.render {
                print("\(out): \(r.frames) frames (\(String(format: "%.2f", r.seconds)) s), \(Output.count(r.clips, "clip")), "
                      + "\(Output.count(r.transitions, "transition")), \(Output.count(r.gaps, "gap"))"
                      + (r.graded.isEmpty ? "" : "; ASC CDL applied to \(r.graded.count == 1 ? "event" : "events") \(r.graded.joined(separator: ", "))"))
            }
            Self.printNotes(result)
        }
    }

    /// The service's request from the arguments; a malformed argument exits 64.
    func makeRequest() throws -> AssemblyService.Request {
        func usage(_ message: String) -> Error {
            Output.fail(message)
            return ExitCode(64)
        }
        let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, dims.allSatisfy({ $0 >= 16 && $0 % 2 == 0 }) else { throw usage("--size: expected even WIDTHxHEIGHT, got \(size)") }
        guard let renderPreset = RenderSettings.Preset(rawValue: preset) else { throw usage("--preset: expected proxy or prores, got \(preset)") }
        guard !media.isEmpty else { throw usage("--media: name the folder of source media") }
        var burn: BurnInOptions = []
        if let burnIn {
            guard let parsed = BurnInOptions(list: burnIn) else { throw usage("--burn-in: expected timecode, clip, shot or all, got \(burnIn)") }
            burn = parsed
        }
        let source: AssemblyService.Request.Source
        if let shots { source = .shots(shots) } else if let edl { source = .edl(edl) } else { throw usage("give --edl CUT.edl or --shots SHOTS.json") }
        var request = AssemblyService.Request(source: source, media: media, output: out, edlOutput: shots == nil ? nil : edl, rate: rate,
                                       settings: RenderSettings(width: dims[0], height: dims[1], preset: renderPreset, burnIn: burn),
                                       lenient: lenient, planOnly: planOnly)
        request.settings.applyCDL = !ignoreCdl
        request.cdlFiles = cdl
        request.lutFile = lut
        request.allowOutside = allowOutside
        return request
    }

    static func printNotes(_ result: AssemblyService.Result) {
        guard let notes = result.notes else { return }
        for note in notes { print("note: shot \(note.shot): \(note.kind.rawValue): \(note.message)") }
        if let edl = result.edl { print("EDL: \(edl)") }
        if let md = result.notesMarkdown { print("edit notes: \(md), \(result.notesJson ?? "")") }
    }
}
