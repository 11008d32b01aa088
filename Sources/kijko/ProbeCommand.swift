import ArgumentParser
import Foundation
import KijkoMedia

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Container and stream properties of a media file.",
        discussion: """
            Exits 1 with one line on stderr when the file is missing, empty, truncated or not media. \
            Damage found by --count-frames is reported, not an error (kijko qc judges a file).
            """)

    @Argument(help: "The media file.") var file: String
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }
    @Flag(help: "Decode every audio and video frame: frames decoded, damaged packets and frames with damage concealed (as ffprobe -count_frames).")
    var countFrames = false
    @Flag(help: "Count every packet without decoding (as ffprobe -count_packets; fast).") var countPackets = false

    func run() throws {
        try reportingErrors {
            let info = try Probe.file(file, counting: countFrames ? .frames : countPackets ? .packets : .none)
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
            if let decoded = s.decodedFrames { parts.append("\(decoded) decoded") }
            else if let packets = s.packetCount, s.type != .audio { parts.append("\(packets) packets read") }
            if let bad = s.damagedPackets, bad > 0 { parts.append("DAMAGED: \(bad) packet\(bad == 1 ? "" : "s") rejected by the decoder") }
            if let bad = s.damagedFrames, bad > 0 { parts.append("DAMAGED: \(bad) frame\(bad == 1 ? "" : "s") decoded with damage concealed") }
            if let decoded = s.decodedFrames, decoded == 0, (s.packetCount ?? 0) > 0 || (s.frameCount ?? 0) > 0 {
                parts.append("DAMAGED: not one frame decoded (\(s.packetCount ?? 0) packets read)")
            }
            if s.type == .video || s.type == .audio, let end = s.endTime, let whole = info.duration,
               (info.startTime ?? 0) + whole - end > ProbeText.shortfall {
                parts.append(String(format: "SHORT: ends at %.3f s of the file's %.3f s", end - (info.startTime ?? 0), whole))
            }
            if let errors = s.decoderErrors, errors > 0 { parts.append("DAMAGED: the decoder logged \(errors) error\(errors == 1 ? "" : "s")") }
            if let b = s.bitRate { parts.append("\(b / 1000) kb/s") }
            if let d = s.duration { parts.append(seconds(d)) }
            if let l = s.language, l != "und" { parts.append(l) }
            lines.append("  " + parts.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }

    /// Seconds a stream may end before the file's duration without being called short (audio
    /// priming and a last frame's length stay well inside it).
    static let shortfall = 0.5
}
