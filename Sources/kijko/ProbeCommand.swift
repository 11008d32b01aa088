import ArgumentParser
import Foundation
import KijkoMedia

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Container and stream properties of a media file.",
        discussion: "Exits 1 with one line on stderr when the file is missing, empty, truncated or not media.")

    @Argument(help: "The media file.") var file: String
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }
    @Flag(help: "Count frames by reading every packet when the container does not say.") var countFrames = false

    func run() throws {
        try reportingErrors {
            let info = try Probe.file(file, countFrames: countFrames)
            if json { try Output.json(info) } else { print(ProbeText.render(info)) }
        }
    }
}

/// The human-readable form of a probe.
enum ProbeText {
    static func render(_ info: MediaInfo) -> String {
        var lines = ["\(info.file)"]
        var head = ["container \(info.container)"]
        if let d = info.duration { head.append("duration \(seconds(d))") }
        if let b = info.bitRate { head.append("\(b / 1000) kb/s") }
        if let s = info.size { head.append("\(s) bytes") }
        if let tc = info.startTimecode { head.append("timecode \(tc)") }
        lines.append("  " + head.joined(separator: ", "))
        for s in info.streams {
            var parts = ["#\(s.index) \(s.type.rawValue): \(s.codec)"]
            if let p = s.profile { parts[0] += " (\(p))" }
            switch s.type {
            case .video:
                if let w = s.width, let h = s.height { parts.append("\(w)x\(h)") }
                if let sar = s.sampleAspectRatio, let dar = s.displayAspectRatio { parts.append("SAR \(sar) DAR \(dar)") }
                if let r = s.frameRate { parts.append("\(r) fps (\(String(format: "%.3f", r.doubleValue)))") }
                if let f = s.frameCount { parts.append("\(f) frames") }
                if let p = s.pixelFormat { parts.append(p + (s.bitDepth.map { " \($0)-bit" } ?? "")) }
                let colour = [s.colorPrimaries, s.colorTransfer, s.colorMatrix, s.colorRange].map { $0 ?? "?" }
                if colour.contains(where: { $0 != "?" }) { parts.append("colour " + colour.joined(separator: "/")) }
                if let fo = s.fieldOrder { parts.append(fo) }
                if let r = s.rotation { parts.append("rotation \(r)°") }
            case .audio:
                if let r = s.sampleRate { parts.append("\(r) Hz") }
                if let l = s.channelLayout { parts.append(l) } else if let c = s.channels { parts.append("\(c) ch") }
                if let f = s.sampleFormat { parts.append(f) }
                if let f = s.frameCount { parts.append("\(f) packets") }
            default:
                break
            }
            if let b = s.bitRate { parts.append("\(b / 1000) kb/s") }
            if let d = s.duration { parts.append(seconds(d)) }
            if let l = s.language, l != "und" { parts.append(l) }
            lines.append("  " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
}
