import Foundation
import KijkoEditorial
import KijkoMedia
import KijkoPipeline
import KijkoPresets
import KijkoQC

/// What each fuzz target does with one input: parse it as a user's file would be parsed, and
/// when it parses, go on as the product would (write the EDL back and read it again, export the
/// timeline, decode the first seconds). An error is a fine answer; a crash or a hang is not.
enum FuzzTargets {
    static let names = ["edl", "shots", "template", "qc-profile", "preset", "media", "animation", "colour", "otio"]

    static func run(_ name: String, _ data: Data) {
        switch name {
        case "edl": edl(data)
        case "shots": shots(data)
        case "template": _ = try? WorkflowTemplate.load(path: file(data, "yaml"), agents: ["vrd", "scriptsmith", "qc_sentinel"])
        case "qc-profile": _ = try? QCProfile.load(path: file(data, "yaml"))
        case "preset": _ = try? PresetLoader.load(path: file(data, "yaml"))
        case "media": media(data)
        case "animation": _ = AnimationInfo.parse(data)   // a display ad's GIF or WebP blocks
        case "colour": colour(data)
        case "otio": otio(data)
        default: break
        }
    }

    /// A `.cube` LUT (graded onto a small picture when it reads) and ASC CDL XML.
    static func colour(_ data: Data) {
        _ = try? CDLFile.parse(data, file: "fuzz.ccc")
        guard let lut = try? CubeLUT.parse(data, file: "fuzz.cube"),
              let graph = try? FilterGraph("color=c=0x7a5c40:s=16x4,format=gbrp10le"), let frame = try? Frame(),
              (try? graph.pull(into: frame)) == .frame else { return }
        _ = try? ColourGrader(lut: lut).grade(frame)
    }

    /// An OpenTimelineIO file read, and the timeline written out again in every format.
    static func otio(_ data: Data) {
        var warnings: [String] = []
        guard let timeline = try? OTIOReader.timeline(data, file: "fuzz.otio", warnings: &warnings) else { return }
        _ = try? OTIOWriter.data(timeline)
        _ = FCP7XMLWriter.write(timeline)
        _ = FCPXMLWriter.write(timeline)
        _ = EDLWriter.write(EDL(timeline: timeline))
    }

    static func edl(_ data: Data) {
        for lenient in [false, true] {
            guard let (edl, _) = try? EDLReader(rate: .pal25, lenient: lenient).read(data: data, file: "fuzz.edl") else { continue }
            let text = EDLWriter.write(edl)
            _ = try? EDLReader(rate: .pal25, lenient: lenient).read(data: Data(text.utf8), file: "again.edl")
            var warnings: [EDLDiagnostic] = []
            guard let timeline = try? Timeline(edl, file: "fuzz.edl", lenient: lenient, warnings: &warnings) else { continue }
            _ = try? OTIOWriter.data(timeline)
            _ = FCP7XMLWriter.write(timeline)
            _ = FCPXMLWriter.write(timeline)
            _ = EDLWriter.write(EDL(timeline: timeline))
        }
    }

    static func shots(_ data: Data) {
        guard let list = try? ShotList.read(path: file(data, "json")) else { return }
        let library = MediaLibrary(folders: [scratch])
        _ = try? AssemblyService.plan(list, library: library, rate: nil, output: scratch + "/out.mp4", edlOutput: nil)
    }

    /// Opens the input as a media file, probes it and decodes up to 50 pictures and 50 sound frames.
    static func media(_ data: Data) {
        let path = file(data, "mp4")
        guard (try? Probe.file(path, counting: .frames)) != nil else { return }
        for type in [MediaType.video, .audio] {
            guard let reader = try? FrameReader(path: path, type: type), let frame = try? Frame() else { continue }
            reader.skipsDamagedPackets = true
            var count = 0
            while count < 50, (try? reader.next(into: frame)) == true { count += 1 }
        }
    }

    /// A folder of this process's own for inputs that must be files.
    static let scratch: String = {
        let path = NSTemporaryDirectory() + "kijko-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func file(_ data: Data, _ ext: String) -> String {
        let path = scratch + "/input.\(ext)"
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }
}
