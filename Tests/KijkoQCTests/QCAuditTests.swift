import Foundation
import Testing
import KijkoMedia
@testable import KijkoQC

/// QC Sentinel, first checks: defects planted at known frames must be found there (within a
/// frame), clean masters must pass with no issue, and the loudness must agree with ffmpeg's.
@Suite struct QCAuditTests {
    static func profile(_ name: String) throws -> QCProfile { try QCProfile.named(name, in: QCFixture.profiles) }

    @Test func shippedProfilesLoad() throws {
        for name in ["broadcast-ebu", "broadcast-atsc", "streaming", "social"] {
            let profile = try Self.profile(name)
            #expect(profile.name == name && profile.black != nil && profile.freeze != nil && profile.loudness != nil)
        }
        #expect(try Self.profile("broadcast-ebu").loudness == QCProfile.Loudness(target: -23, tolerance: 1))
        #expect(try Self.profile("broadcast-atsc").truePeakMax == -2)
        #expect(try Self.profile("streaming").loudness?.target == -14)
        #expect(try Self.profile("broadcast-ebu").lumaRange == QCProfile.Range(low: 14, high: 241, pictureShare: 0.01))
    }

    @Test func aBadProfileNamesFileLineAndKey() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-qc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/mine.yaml"
        try Data("name: mine\nvideo:\n  luma_range:\n    low: 240\n    high: 16\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect { _ = try QCProfile.load(path: file) } throws: { "\($0)".contains("mine.yaml:4: video.luma_range.high: expected 0 ≤ low < high") }
        #expect { _ = try QCProfile.named("nope", in: QCFixture.profiles) } throws: { "\($0)".contains("no QC profile named nope (have: broadcast-atsc") }
    }

    static let rates = [Rational(25, 1), Rational(30000, 1001)]

    @Test(arguments: rates)
    func plantedDefectsAreFoundAtTheirFrames(rate: Rational) throws {
        let spec = SynthSpec(width: 640, height: 360, frameRate: rate, frames: 250, cuts: [80], defects: [
            Defect(.black, frames: 100..<112), Defect(.freeze, frames: 150..<180), Defect(.illegalLevels, frames: 200..<210),
            Defect(.silence, frames: 25..<50), Defect(.clipping, frames: 60..<62),
        ])
        let report = try QCAuditor(file: try QCFixture.media(spec), profile: try Self.profile("broadcast-ebu")).run()
        #expect(report.status == .fail && report.measurements.frames == 250)
        let expected: [(String, Range<Int>)] = [("black", 100..<112), ("freeze", 150..<180), ("luma_range", 200..<210),
                                                ("silence", 25..<50), ("audio_clipping", 60..<62)]
        for (check, frames) in expected {
            let found = report.issues.filter { $0.check == check }
            #expect(found.count == 1, "\(check): \(found)")
            if let issue = found.first {
                #expect(abs(issue.startFrame - frames.lowerBound) <= 1 && abs(issue.endFrame - frames.upperBound) <= 1,
                        "\(check) at \(issue.startFrame)..<\(issue.endFrame), planted \(frames)")
            }
        }
        // The clipped burst also lifts the true peak over the ceiling; nothing else is reported.
        let others = Set(report.issues.map(\.check)).subtracting(expected.map(\.0))
        #expect(others.isSubset(of: ["true_peak", "loudness"]), "\(others)")
        #expect(report.issues.contains { $0.check == "true_peak" })
    }

    @Test func flashingIsFoundAndThreeFlashesASecondAreAllowed() throws {
        let profile = try Self.profile("broadcast-ebu")
        // Twelve alternating white/black frames: six flashes inside half a second.
        let strobe = SynthSpec(width: 320, height: 180, frames: 150, cuts: [20], defects: [Defect(.flash, frames: 60..<72)])
        let report = try QCAuditor(file: try QCFixture.media(strobe), profile: profile).run()
        let found = report.issues.filter { $0.check == "flash" }
        #expect(found.count == 1 && found.first.map { abs($0.startFrame - 60) <= 1 && abs($0.endFrame - 72) <= 1 } == true, "\(found)")
        // Five frames: three flashes (six transitions), which the rule allows.
        let short = SynthSpec(width: 320, height: 180, frames: 150, defects: [Defect(.flash, frames: 60..<65)])
        #expect(!(try QCAuditor(file: try QCFixture.media(short), profile: profile).run()).issues.contains { $0.check == "flash" })
    }

    @Test func channelFaultsAreFound() throws {
        let spec = SynthSpec(width: 320, height: 180, frames: 250, defects: [
            Defect(.silentChannel, frames: 25..<75), Defect(.identicalChannels, frames: 100..<150), Defect(.invertedChannels, frames: 175..<225),
        ])
        let report = try QCAuditor(file: try QCFixture.media(spec), profile: try Self.profile("broadcast-ebu")).run()
        let faults = report.issues.filter { $0.check == "channels" }
        #expect(faults.count == 3, "\(report.issues)")
        for (issue, (planted, words)) in zip(faults, [(25..<75, "silent"), (100..<150, "a copy of channel 1"), (175..<225, "inverted")]) {
            #expect(abs(issue.startFrame - planted.lowerBound) <= 1 && abs(issue.endFrame - planted.upperBound) <= 1,
                    "\(issue.startFrame)..<\(issue.endFrame) for \(planted)")
            #expect(issue.message.contains("channel 2") && issue.message.contains(words))
        }
    }

    @Test(arguments: rates)
    func aCleanMasterPasses(rate: Rational) throws {
        let spec = SynthSpec(width: 640, height: 360, frameRate: rate, frames: 150, cuts: [50, 100])
        let report = try QCAuditor(file: try QCFixture.media(spec), profile: try Self.profile("broadcast-ebu")).run()
        #expect(report.status == .pass && report.issues.isEmpty, "\(report.issues)")
        #expect(report.measurements.frames == 150 && abs((report.measurements.integratedLoudness ?? 0) - -23) < 0.5)
    }

    @Test func loudnessAgreesWithFFmpeg() throws {
        let spec = SynthSpec(width: 320, height: 180, frames: 250, toneLevel: -20, defects: [Defect(.loudness, frames: 100..<150, gain: 6)])
        let file = try QCFixture.media(spec)
        let report = try QCAuditor(file: file, profile: try Self.profile("broadcast-ebu")).run()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-hide_banner", "-nostats", "-i", file, "-map", "0:a", "-af", "ebur128=peak=true", "-f", "null", "-"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let summary = try #require(text.components(separatedBy: "Summary:").last)
        func value(_ label: String) -> Double? {
            summary.split(separator: "\n").first { $0.contains(label) }.flatMap { line in
                line.split(separator: " ").compactMap { Double($0) }.first
            }
        }
        let integrated = try #require(value("I:")), range = try #require(value("LRA:")), peak = try #require(value("Peak:"))
        #expect(abs((report.measurements.integratedLoudness ?? 0) - integrated) <= 0.1)
        #expect(abs((report.measurements.loudnessRange ?? 0) - range) <= 0.1)
        #expect(abs((report.measurements.truePeak ?? 0) - peak) <= 0.1)
    }
}

/// `kijko qc` as QC staff and CI use it: the verdict in the exit status, the report on disk.
@Suite struct QCCommandTests {
    @Test func exitStatusIsTheVerdict() throws {
        let clean = try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 50))
        let faulty = try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 75, defects: [Defect(.black, frames: 20..<40)]))
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-qc-\(UUID().uuidString.prefix(8))").path
        let pass = try QCFixture.kijko(["qc", clean, "--out", out + "/a", "--json"])
        #expect(pass.status == 0, "\(pass.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/a/qc-report.json"))) as? [String: Any]
        #expect(report?["status"] as? String == "pass" && (report?["issues"] as? [Any])?.isEmpty == true)
        let fail = try QCFixture.kijko(["qc", faulty, "--out", out + "/b"])
        #expect(fail.status == 1 && fail.stdout.contains("black") && fail.stdout.contains("frames 20–40"), "\(fail.stdout)")
        let text = out + "/notes.mp4"
        try Data("not a film".utf8).write(to: URL(fileURLWithPath: text))
        let unreadable = try QCFixture.kijko(["qc", text, "--out", out + "/c"])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.split(separator: "\n").count == 1 && unreadable.stderr.contains(text), "\(unreadable.stderr)")
        // A batch: a folder per file, one JUnit file over all, a summary with the failures first.
        let batch = try QCFixture.kijko(["qc", clean, faulty, "--out", out + "/e"])
        #expect(batch.status == 1)
        let summary = batch.stdout.components(separatedBy: "summary (2 of 2 audited):").last ?? ""
        #expect(summary.contains("FAIL") && summary.range(of: "FAIL")!.lowerBound < summary.range(of: "PASS")!.lowerBound, "\(batch.stdout)")
        let xml = try String(contentsOfFile: out + "/e/qc-report.xml", encoding: .utf8)
        #expect(xml.components(separatedBy: "<testsuite ").count - 1 == 2)
        for file in [clean, faulty] {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            #expect(FileManager.default.fileExists(atPath: out + "/e/\(name)/qc-report.html"))
        }
        let unknown = try QCFixture.kijko(["qc", clean, "--profile", "broadcst-ebu", "--out", out + "/d"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no QC profile named broadcst-ebu"))
    }
}

/// Files that cannot be read to the end are audited as far as they go and never pass.
@Suite struct QCBadInputTests {
    static func scratch() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-qcbad-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aTruncatedFileFailsWithWhereItEnds() throws {
        // Matroska, whose index is not needed to read it: a copy cut short still opens.
        let folder = try Self.scratch()
        try Synthesizer.write(SynthSpec(width: 320, height: 180, frames: 100), to: folder + "/whole.mkv")
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder + "/whole.mkv"))
        let file = folder + "/cut.mkv"
        try whole.prefix(whole.count * 6 / 10).write(to: URL(fileURLWithPath: file))
        let report = try QCAuditor(file: file, profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
        #expect(report.status == .fail)
        let cut = try #require(report.issues.first { $0.check == "decode" })
        #expect(cut.startFrame == report.measurements.frames && report.measurements.frames < 100 && report.measurements.frames > 20)
    }

    @Test func aCutShortMP4IsUnreadableNeverAPass() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 100))))
        let file = try Self.scratch() + "/cut.mp4"
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: file))
        let run = try QCFixture.kijko(["qc", file, "--out", try Self.scratch()])
        #expect(run.status == 2 && run.stderr.contains(file), "\(run.stderr)")
    }

    @Test func corruptPacketsStopTheAuditWithANote() throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 100))))
        for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 20_000, by: 7) { bytes[i] = bytes[i] &* 31 &+ 7 }
        let file = try Self.scratch() + "/corrupt.mp4"
        try bytes.write(to: URL(fileURLWithPath: file))
        let report = try QCAuditor(file: file, profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
        #expect(report.status != .pass)
        #expect(report.issues.contains { $0.check == "decode" } || report.note != nil, "\(report.issues)")
    }
}
