import Foundation
import KijkoTestSupport
import Testing
@testable import KijkoQC

/// Channel faults on real recorded sound: the speech recordings alsa-utils ships
/// (`/usr/share/sounds/alsa`, "Front left", "Rear right" … spoken, with real pauses of digital
/// silence between words) mixed into 5.1 by ffmpeg, one fault at a time, in mp4/AAC (384 kb/s,
/// each channel coded apart) and mov/PCM. Each fault must be named on its channel by the layout,
/// with the same verdict in both; the pauses of speech must not read as a silent channel.
///
/// | case | truth |
/// |---|---|
/// | clean | FL FR FC BL BR: five different recordings; LFE: the Noise recording low-passed at 120 Hz — no fault |
/// | lfe-silent | LFE digital silence throughout — a warning on channel 4 (LFE), no error |
/// | bl-silent | BL muted from 2.5 s to 5.5 s — an error on channel 5 (BL) there |
/// | br-copy | BR the same signal as FL — channel 6 (BR) a copy of channel 1 (FL) (PCM: exact, an error; AAC: a warning or an error) |
/// | fr-inverted | FR is FL inverted — channel 2 (FR) is channel 1 (FL) inverted |
@Suite(.serialized) struct RealSoundChannelTests {
    static let sounds = "/usr/share/sounds/alsa"
    static let folder: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-realsound-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        /// The filter graph from inputs 1–6 (FL FR FC noise BL BR recordings) to `[a]`.
        var graph: String
        var description: String { name }
    }

    static let join = "join=inputs=6:channel_layout=5.1:map=0.0-FL|1.0-FR|2.0-FC|3.0-LFE|4.0-BL|5.0-BR[a]"
    static let lfe = "[4]lowpass=f=120[lfe];"
    static let cases: [Case] = [
        Case(name: "clean", graph: "\(lfe)[1][2][3][lfe][5][6]\(join)"),
        Case(name: "lfe-silent", graph: "[4]volume=0[lfe];[1][2][3][lfe][5][6]\(join)"),
        Case(name: "bl-silent", graph: "\(lfe)[5]volume=volume=0:enable='between(t,2.5,5.5)'[bl];[1][2][3][lfe][bl][6]\(join)"),
        Case(name: "br-copy", graph: "[1]asplit[fl][br];\(lfe)[fl][2][3][lfe][5][br]\(join)"),
        Case(name: "fr-inverted", graph: "[1]asplit[fl][x];[x]volume=-1[fr];\(lfe)[fl][fr][3][lfe][5][6]\(join)"),
    ]

    /// The case as 8 s of 5.1 under a small picture, in `container` (`mp4` AAC or `mov` PCM).
    static func make(_ test: Case, _ container: String) throws -> String {
        let path = folder + "/\(test.name).\(container)"
        var arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25"]
        for recording in ["Front_Left", "Front_Right", "Front_Center", "Noise", "Rear_Left", "Rear_Right"] {
            arguments += ["-stream_loop", "5", "-i", "\(sounds)/\(recording).wav"]
        }
        arguments += ["-filter_complex", test.graph, "-map", "0:v", "-map", "[a]", "-t", "8", "-c:v", "libx264", "-preset", "ultrafast"]
        arguments += container == "mp4" ? ["-c:a", "aac", "-b:a", "384k"] : ["-c:a", "pcm_s16le"]
        let run = try Program.run("ffmpeg", arguments + [path])
        guard run.status == 0 else { throw QCFixtureError("ffmpeg: \(run.stderr)") }
        return path
    }

    struct QCFixtureError: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }

    @Test(arguments: cases)
    func channelFaultsOnRealSpeechAreNamedByLayout(_ test: Case) throws {
        try #require(FileManager.default.fileExists(atPath: Self.sounds + "/Front_Left.wav"), "alsa-utils' recordings (scripts/test installs them)")
        var verdicts: [String: [String]] = [:]
        for container in ["mp4", "mov"] {
            let file = try Self.make(test, container)
            let report = try QCAuditor(file: file, profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
            let found = report.issues.filter { $0.check == "channels" }
            let errors = found.filter { $0.severity == .error }
            let what = "\(test.name) in \(container): \(found.map { "\($0.severity) \($0.message) \($0.start)–\($0.end)" })"
            switch test.name {
            case "clean":
                #expect(found.isEmpty, "\(what)")
            case "lfe-silent":
                #expect(errors.isEmpty && found.count == 1 && found[0].message.hasPrefix("channel 4 (LFE) is silent"), "\(what)")
                #expect(found.first.map { $0.start < 0.1 && $0.end > 7.8 } == true, "\(what)")
                #expect(found.first?.fix?.contains("leave the LFE empty") == true, "\(what)")
            case "bl-silent":
                #expect(found.count == 1 && errors.count == 1 && found[0].message.hasPrefix("channel 5 (BL) is silent"), "\(what)")
                #expect(found.first.map { abs($0.start - 2.5) < 0.3 && abs($0.end - 5.5) < 0.3 } == true, "\(what)")
            case "br-copy":
                #expect(!found.isEmpty && found.allSatisfy { $0.message.hasPrefix("channel 6 (BR) is") && $0.message.contains("a copy of channel 1 (FL)") }, "\(what)")
                if container == "mov" { #expect(errors.count == 1 && found.count == 1 && found[0].end - found[0].start > 7.5, "\(what)") }
                // Coded apart by AAC, most of the file is still found.
                #expect(found.reduce(0) { $0 + $1.end - $1.start } > 5, "\(what)")
            case "fr-inverted":
                #expect(!found.isEmpty && found.allSatisfy { $0.message.hasPrefix("channel 2 (FR) is") && $0.message.contains("channel 1 (FL)") && $0.message.contains("inverted") }, "\(what)")
                #expect(found.reduce(0) { $0 + $1.end - $1.start } > 5, "\(what)")
            default:
                Issue.record("no truth for \(test.name)")
            }
            verdicts[container] = found.map { String($0.message.prefix(while: { $0 != ")" })) }
        }
        // The same channels named whatever the container and codec.
        #expect(Set(verdicts["mp4"] ?? []) == Set(verdicts["mov"] ?? []), "\(verdicts)")
    }
}

/// How a channel's fault windows become runs: through pauses of the whole mix, but never ending in one.
@Suite struct ChannelFaultRunTests {
    static func codes(_ parts: [(ChannelFault?, Int)]) -> [UInt16] {
        parts.flatMap { fault, count in Array(repeating: fault?.code(other: 1) ?? ChannelFault.none, count: count) }
    }

    @Test func aPauseAfterAFaultIsNotPartOfIt() {
        // A 0.3 s drop then a 2 s pause of the whole mix, then the channel is back: not 2.3 s of silence.
        let dropThenPause = Self.codes([(nil, 10), (.silent, 3), (.idle, 20), (nil, 10)])
        #expect(ChannelsCheck.faultRuns(dropThenPause, kind: .silent, near: nil, minimum: 15).isEmpty)
        #expect(ChannelsCheck.faultRuns(dropThenPause, kind: .silent, near: nil, minimum: 3) == [10..<13])
        // A pause inside a fault still joins its two halves.
        let across = Self.codes([(.silent, 10), (.idle, 5), (.silent, 10), (nil, 4)])
        #expect(ChannelsCheck.faultRuns(across, kind: .silent, near: nil, minimum: 15) == [0..<25])
        // A copy runs through the channel's own quiet windows and its near-copy blocks, and stops at the last.
        let copy = Self.codes([(.copy, 5), (.quiet, 3), (.nearCopy, 5), (.idle, 10), (nil, 2)])
        #expect(ChannelsCheck.faultRuns(copy, kind: .copy, near: .nearCopy, minimum: 10) == [0..<13])
        #expect(ChannelsCheck.faultRuns(copy, kind: .inverted, near: .nearInverted, minimum: 1).isEmpty)
    }

    /// A 3 s mov: a test picture, and two channels of unrelated noise (white, pink) mixed by the
    /// `aeval` expressions `left|right` (`val(0)` the white noise, `val(1)` the pink, `t` seconds), as PCM.
    static func stereoNoise(_ name: String, _ expressions: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-\(name)-\(UUID().uuidString).mov").path
        _ = try Program.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3",
                                       "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:c=white:seed=1:d=3",
                                       "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:c=pink:seed=7:d=3",
                                       "-filter_complex", "[1:a][2:a]amerge=inputs=2,aeval='\(expressions)':c=stereo,aformat=channel_layouts=stereo[a]",
                                       "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-c:a", "pcm_s16le", file])
        return file
    }

    @Test func aShortCopyBeforeAPauseIsNotMadeLongByIt() throws {
        // FR copies FL for 0.3 s (1.0–1.3 s), then the whole mix pauses 0.7 s: under the 0.5 s
        // minimum, so nothing — the pause is not part of the copy.
        let file = try Self.stereoNoise("copy-pause", "if(between(t\\,1.3\\,2)\\,0\\,val(0))|"
                                            + "if(between(t\\,1.3\\,2)\\,0\\,if(between(t\\,1.0\\,1.3)\\,val(0)\\,val(1)))")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let report = try QCAuditor(file: file, profile: try QCProfile.named("streaming", in: QCFixture.profiles)).run()
        #expect(!report.issues.contains { $0.check == "channels" }, "\(report.issues.filter { $0.check == "channels" })")
    }

    @Test func aCopyAcrossTwoHalfSecondsIsFound() throws {
        // FR copies FL for 0.7 s from 1.25 s: across the half-second marks, in no fixed block whole.
        let file = try Self.stereoNoise("copy", "val(0)|if(between(t\\,1.25\\,1.95)\\,val(0)\\,val(1))")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let report = try QCAuditor(file: file, profile: try QCProfile.named("streaming", in: QCFixture.profiles)).run()
        let copies = report.issues.filter { $0.check == "channels" }
        #expect(copies.count == 1, "\(report.issues)")
        let copy = try #require(copies.first)
        #expect(copy.message.hasPrefix("channel 2 (FR) is a copy of channel 1 (FL)") && copy.severity == .error)
        #expect(abs(copy.start - 1.25) <= 0.1 && abs(copy.end - 1.95) <= 0.1, "\(copy.start)–\(copy.end)")
    }
}
