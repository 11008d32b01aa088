import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
import KijkoMedia
@testable import KijkoEditorial

/// Shot matching on real photographs (scikit-image's coffee and astronaut, panned as a camera
/// would): takes shot at another white balance and exposure are brought to the reference, an
/// already matching take keeps the identity, and CIEDE2000 against Sharma, Wu and Dalal's data.
@Suite struct GradeMatchTests {
    /// CIEDE2000 test pairs from Sharma, Wu and Dalal (2005), with their published differences.
    @Test func deltaE2000FollowsThePublishedData() {
        let pairs: [((Double, Double, Double), (Double, Double, Double), Double)] = [
            ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
            ((50, 3.1571, -77.2803), (50, 0, -82.7485), 2.8615),
            ((50, 0, 0), (50, -1, 2), 2.3669),
            ((50, 2.49, -0.001), (50, -2.49, 0.0009), 7.1792),
            ((50, 2.49, -0.001), (50, -2.49, 0.0011), 7.2195),
            ((50, 2.5, 0), (73, 25, -18), 27.1492),
            ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
            ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ]
        for (x, y, want) in pairs {
            let got = CIELab.deltaE2000(CIELab(l: x.0, a: x.1, b: x.2), CIELab(l: y.0, a: y.1, b: y.2))
            #expect(abs(got - want) < 0.0001, "\(x) vs \(y): \(got), published \(want)")
            #expect(abs(CIELab.deltaE2000(CIELab(l: y.0, a: y.1, b: y.2), CIELab(l: x.0, a: x.1, b: x.2)) - want) < 0.0001)
        }
        // White is L* 100, a* b* 0; Rec. 709 green is far from red.
        let white = CIELab(rgb: (1, 1, 1))
        #expect(abs(white.l - 100) < 0.01 && abs(white.a) < 0.01 && abs(white.b) < 0.01)
        #expect(CIELab.deltaE2000(CIELab(rgb: (1, 0, 0)), CIELab(rgb: (0, 1, 0))) > 50)
    }

    /// A take of `picture` panned as the reference is (`x` its start), through `look` (ffmpeg filters), as H.264.
    static func take(_ picture: String, x: Int, look: String?, crf: Int = 16, to path: String) throws {
        let chain = ["crop=480:320:x='\(x)+t*20':y=30"] + (look.map { [$0] } ?? []) + ["scale=out_color_matrix=bt709,format=yuv420p"]
        let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", RealShotsClip.picturesFolder + "/\(picture).png",
                                              "-t", "2", "-r", "25", "-vf", chain.joined(separator: ","), "-colorspace", "bt709",
                                              "-color_primaries", "bt709", "-color_trc", "bt709", "-c:v", "libx264", "-crf", "\(crf)", path])
        try #require(made.status == 0, "\(made.stderr)")
    }

    /// Mean CIEDE2000 between two pixel-aligned pictures, pixel by pixel (clipped and black left out).
    static func pixelDeltaE(_ a: [SIMD3<Float>], _ b: [SIMD3<Float>]) -> Double {
        var sum = 0.0, n = 0
        for (p, q) in zip(a, b) where ColourDistribution.counts(p) && ColourDistribution.counts(q) {
            sum += CIELab.deltaE2000(CIELab(rgb: (Double(p.x), Double(p.y), Double(p.z))), CIELab(rgb: (Double(q.x), Double(q.y), Double(q.z))))
            n += 1
        }
        return sum / Double(max(1, n))
    }

    @Test func takesAtAnotherWhiteBalanceAndExposureAreBroughtToTheReference() throws {
        try #require(RealShotsClip.available, "scikit-image's photographs are fetched by scripts/test into .build/real-pictures")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-match-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.take("coffee", x: 20, look: nil, to: folder + "/reference.mp4")
        // Warm and dark (tungsten balance, 0.6 stop under), framed as the reference.
        try Self.take("coffee", x: 20, look: "colortemperature=temperature=3800,exposure=exposure=-0.6", to: folder + "/warm.mp4")
        // Cool and bright, framed further along the pan.
        try Self.take("coffee", x: 70, look: "colortemperature=temperature=9000,exposure=exposure=0.4", to: folder + "/cool.mp4")
        // The same take encoded again, harder: already matching.
        try Self.take("coffee", x: 20, look: nil, crf: 26, to: folder + "/again.mp4")
        let request = GradeMatchService.Request(reference: folder + "/reference.mp4",
                                                shots: [folder + "/warm.mp4", folder + "/cool.mp4", folder + "/again.mp4"], outputFolder: folder + "/grade")
        let result = try GradeMatchService.perform(request)
        #expect(result.shots.map(\.id) == ["warm", "cool", "again"])
        for shot in result.shots.prefix(2) {
            #expect(shot.deltaEBefore > 4 && shot.deltaEAfter <= shot.deltaEBefore / 2, "\(shot.id): ΔE00 \(shot.deltaEBefore) → \(shot.deltaEAfter)")
            #expect(!shot.identity)
        }
        let again = try #require(result.shots.last)
        #expect(again.identity && again.slope == [1, 1, 1] && again.offset == [0, 0, 0] && again.power == [1, 1, 1] && again.saturation == 1,
                "an already matching take drifted: \(again)")
        // Each .cdl is valid ASC CDL XML holding what the JSON says.
        for shot in result.shots {
            let read = try CDLFile.read(path: shot.cdl)
            let decision = try #require(read[shot.id])
            #expect(decision == CDL(slope: shot.slope, offset: shot.offset, power: shot.power, saturation: shot.saturation))
            #expect(FileManager.default.fileExists(atPath: shot.beforeStill) && FileManager.default.fileExists(atPath: shot.afterStill))
        }
        // Measured independently, pixel by pixel: the warm take graded by its .cdl through the
        // render's grader against the reference, at the same moment of the same pan.
        func picture(_ path: String) throws -> Frame {
            let reader = try FrameReader(path: path)
            try reader.seek(toFrame: 25)
            let frame = try Frame()
            try #require(try reader.next(into: frame))
            return frame
        }
        let cdl = try #require(try CDLFile.read(path: folder + "/grade/warm.cdl")["warm"])
        let reference = try ColourSample.rgb(of: try picture(folder + "/reference.mp4"), width: 480, file: "reference")
        let warm = try picture(folder + "/warm.mp4")
        let before = Self.pixelDeltaE(try ColourSample.rgb(of: warm, width: 480, file: "warm"), reference)
        let after = Self.pixelDeltaE(try ColourSample.rgb(of: try ColourGrader(cdl: cdl).grade(warm), width: 480, file: "warm"), reference)
        #expect(after <= before / 2, "pixel by pixel: ΔE00 \(before) → \(after)")
        // The contact sheet: a title and a row per shot of three pictures.
        let sheet = try #require(try Probe.file(result.contactSheet).first(.video))
        #expect(sheet.width == 16 + 3 * (480 + 16) && sheet.height == 56 + 3 * (270 + 30 + 16), "\(sheet)")
    }

    @Test func badRequestsAreOneClearLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-match-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let black = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=64x36:d=0.2", folder + "/black.mp4"])
        try #require(black.status == 0)
        let colour = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=64x36:d=0.2", folder + "/colour.mp4"])
        try #require(colour.status == 0)
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: folder + "/notes.mp4"))
        let cases: [([String], String, String)] = [
            ([folder + "/black.mp4"], folder + "/black.mp4", "every pixel is clipped or near black: nothing to match to"),
            ([folder + "/black.mp4"], folder + "/nowhere.mp4", "nowhere.mp4: no such file"),
            ([folder + "/notes.mp4"], folder + "/colour.mp4", "notes.mp4"),
            ([folder + "/a/x.mp4", folder + "/b/x.mp4"], folder + "/black.mp4", "would both write x.cdl"),
            ([], folder + "/black.mp4", "name at least one shot"),
        ]
        for (shots, reference, wanted) in cases {
            do {
                _ = try GradeMatchService.perform(GradeMatchService.Request(reference: reference, shots: shots, outputFolder: folder + "/out"))
                Issue.record("accepted: \(wanted)")
            } catch let error as ServiceError {
                #expect(error.message.contains(wanted) && !error.message.contains("\n"), "\(error.message) — wanted \(wanted)")
            }
        }
    }

    /// For the Colourist (`skipUnmatchable`): a shot of other content — colour bars against a grey
    /// card — is not "matched" by crushing it to grey; a black shot is not an error; both are listed
    /// with why, and nothing is written for them. The rule on its own numbers too.
    @Test func otherContentIsLeftUngradedNotCrushed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-match-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, source) in [("grey", "color=c=0x3c3c3c:s=160x90:d=0.4"), ("bars", "smptehdbars=s=160x90:d=0.4"), ("black", "color=c=black:s=160x90:d=0.4")] {
            let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-vf", "format=yuv420p", folder + "/\(name).mp4"])
            try #require(made.status == 0, "\(made.stderr)")
        }
        var request = GradeMatchService.Request(reference: folder + "/grey.mp4", shots: [folder + "/bars.mp4", folder + "/black.mp4"], outputFolder: folder + "/out")
        request.skipUnmatchable = true
        let result = try GradeMatchService.perform(request)
        #expect(result.shots.isEmpty, "\(result.shots)")
        #expect(result.skipped.count == 2 && result.skipped[0].contains("bars.mp4") && result.skipped[0].contains("shows something else")
                && result.skipped[1].contains("black.mp4"), "\(result.skipped)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/bars.cdl"))
        #expect(GradeMatchService.beyondABalance(CDL(slope: [1.5, 1.9, 2.4], offset: [0.007, 0.006, 0.006])) == nil)
        #expect(GradeMatchService.beyondABalance(CDL(slope: [0.1, 0.1, 0.1])) == "a slope of 0.10")
        #expect(GradeMatchService.beyondABalance(CDL(offset: [0, 0.35, 0])) == "an offset of 0.35")
        #expect(GradeMatchService.beyondABalance(CDL(saturation: 0.3)) == "a saturation of 0.30")
    }
}
