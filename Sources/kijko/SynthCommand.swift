import ArgumentParser
import Foundation
import KijkoMedia

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write deterministic test media with the frame number stamped into every frame.",
        discussion: """
            Defects are planted with --defect KIND@FIRST-END (END exclusive), e.g. black@50-75, \
            freeze@100-130, flash@10-20, illegal_levels@0-25, silence@25-50, clipping@60-62, \
            loudness@0-250:+6 (gain in dB), silent_channel@0-50, identical_channels@0-50, \
            inverted_channels@0-50 (the last channel dropped, copied from the first, or inverted), \
            red_flash@10-40 (saturated red against grey), pillarbox@0-100 (4:3 between bars), \
            blocky@50-75 (8x8 blocks flattened), combing@50-75 (odd lines shifted), \
            fade_out@60-80 and fade_in@100-115 (to and from black).

            Dissolves between shots: --dissolves 110-130 (a new shot's colours blended in).
            """)

    @Argument(help: "Output file (.mp4, .mov or .mkv).") var output: String
    @Option(help: "Picture size, WIDTHxHEIGHT.") var size = "1280x720"
    @Option(help: "Frame rate: 25, 30000/1001, 29.97, 23.976 …") var rate = "25"
    @Option(help: "Length in frames.") var frames: Int?
    @Option(help: "Length in seconds (rounded to whole frames).") var duration: Double?
    @Option(help: "Source pattern: \(SynthSpec.Pattern.allCases.map(\.rawValue).joined(separator: ", ")).")
    var pattern = SynthSpec.Pattern.testsrc2.rawValue
    @Option(help: "Video codec: h264, hevc, prores.") var videoCodec = "h264"
    @Option(help: "Audio codec: aac, pcm, none.") var audio = "aac"
    @Option(help: "Audio channels.") var channels = 2
    @Option(help: "Audio sample rate, Hz.") var sampleRate = 48000
    @Option(parsing: .unconditional, help: "Tone level, dBFS peak per channel (−23 gives −23 LUFS in stereo).")
    var toneLevel = -23.0
    @Option(help: "Comma-separated frames where a new shot starts.") var cuts: String?
    @Option(help: "Comma-separated dissolves FIRST-END (END exclusive): a new shot blended in over those frames.") var dissolves: String?
    @Option(help: "A defect KIND@FIRST-END[:GAIN_DB]; repeatable.") var defect: [String] = []
    @Option(help: "Start timecode, HH:MM:SS:FF.") var timecode: String?
    @Option(parsing: .unconditional, help: "Display-matrix rotation, degrees counter-clockwise (-90: portrait phone clip).")
    var rotation: Int?
    @Flag(help: "Leave the frame number out of the picture.") var noStamp = false
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }

    func run() throws {
        try reportingErrors {
            let spec = try makeSpec()
            let bar = global.progress("synth")
            try Synthesizer.write(spec, to: output, progress: { bar.update($0, of: spec.frames) })
            bar.finish()
            let info = try Probe.file(output)
            if json { try Output.json(info) } else { print(ProbeText.render(info)) }
        }
    }

    func makeSpec() throws -> SynthSpec {
        let dims = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2 else { throw CommandFailure(message: "--size: expected WIDTHxHEIGHT, got \(size)", code: 64) }
        guard let frameRate = Rational(parsing: rate), frameRate.num > 0 else {
            throw CommandFailure(message: "--rate: not a frame rate: \(rate)", code: 64)
        }
        let count: Int
        if let frames { count = frames } else if let duration {
            count = Int((duration * frameRate.doubleValue).rounded())
        } else { count = Int((5 * frameRate.doubleValue).rounded()) }
        guard let pattern = SynthSpec.Pattern(rawValue: pattern) else {
            throw CommandFailure(message: "--pattern: unknown pattern \(self.pattern)", code: 64)
        }
        guard let vcodec = SynthSpec.VideoCodec(rawValue: videoCodec) else {
            throw CommandFailure(message: "--video-codec: expected h264, hevc or prores, got \(videoCodec)", code: 64)
        }
        let acodec: SynthSpec.AudioCodec?
        if audio == "none" { acodec = nil } else if let a = SynthSpec.AudioCodec(rawValue: audio) { acodec = a } else {
            throw CommandFailure(message: "--audio: expected aac, pcm or none, got \(audio)", code: 64)
        }
        var spec = SynthSpec(width: dims[0], height: dims[1], frameRate: frameRate, frames: count, pattern: pattern,
                             videoCodec: vcodec, audioCodec: acodec, sampleRate: sampleRate, channels: channels,
                             toneLevel: toneLevel, stamp: !noStamp, startTimecode: timecode, rotation: rotation)
        if let cuts {
            spec.cuts = try cuts.split(separator: ",").map {
                guard let n = Int($0.trimmingCharacters(in: .whitespaces)) else {
                    throw CommandFailure(message: "--cuts: not a frame number: \($0)", code: 64)
                }
                return n
            }
        }
        if let dissolves {
            spec.dissolves = try dissolves.split(separator: ",").map { item in
                let ends = item.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard ends.count == 2, ends[0] < ends[1] else {
                    throw CommandFailure(message: "--dissolves: expected FIRST-END, got \(item)", code: 64)
                }
                return ends[0]..<ends[1]
            }
        }
        spec.defects = try defect.map(Self.parseDefect)
        return spec
    }

    /// `black@50-75`, `loudness@0-250:+6`.
    static func parseDefect(_ text: String) throws -> Defect {
        let bad = CommandFailure(message: "--defect: expected KIND@FIRST-END[:GAIN_DB], got \(text)", code: 64)
        let parts = text.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { throw bad }
        guard let kind = Defect.Kind(rawValue: String(parts[0])) else {
            throw CommandFailure(message: "--defect: unknown kind \(parts[0]) (one of \(Defect.Kind.allCases.map(\.rawValue).joined(separator: ", ")))", code: 64)
        }
        let rangeAndGain = parts[1].split(separator: ":", maxSplits: 1)
        let bounds = rangeAndGain[0].split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] < bounds[1] else { throw bad }
        var gain: Double?
        if rangeAndGain.count == 2 {
            guard let g = Double(rangeAndGain[1]) else { throw bad }
            gain = g
        }
        return Defect(kind, frames: bounds[0]..<bounds[1], gain: gain)
    }
}
