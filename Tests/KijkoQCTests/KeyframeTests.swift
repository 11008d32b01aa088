import Foundation
import Testing
import KijkoMedia
@testable import KijkoQC

/// Shots and keyframes: cuts found exactly where they were planted, a strobe (short or longer than
/// the look-back) never taken for a cut, and a keyframe that is sharp and inside its shot.
@Suite struct KeyframeTests {
    @Test func shotsAreFoundExactlyAndStrobesAreNotCuts() throws {
        let cuts = [40, 90, 130, 200, 260, 300, 350]
        let spec = SynthSpec(width: 640, height: 360, frames: 400, cuts: cuts,
                             defects: [Defect(.flash, frames: 150..<152), Defect(.flash, frames: 210..<224)])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-kf-\(UUID().uuidString.prefix(8))").path
        let result = try KeyframeExtractor.run(file: try QCFixture.media(spec), folder: folder)
        #expect(result.shots.map(\.startFrame) == [0] + cuts, "\(result.shots.map(\.startFrame))")
        #expect(result.shots.last?.endFrame == 400)
        for shot in result.shots {
            #expect((shot.startFrame..<shot.endFrame).contains(shot.keyframe))
            let key: Int = shot.keyframe
            let onFlash: Bool = (150..<152).contains(key) || (210..<224).contains(key)
            #expect(!onFlash, "shot \(shot.number) keyframe \(key) is a flash frame")
            let path = try #require(shot.keyframePath)
            let reader = try FrameReader(path: path)
            let picture = try Frame()
            #expect(try reader.next(into: picture) && picture.width == 320)
        }
        #expect(result.contactSheet.map { FileManager.default.fileExists(atPath: $0) } == true)
    }

    /// Cuts and gradual transitions in one master: the cuts exact, each dissolve's blended frames
    /// found to within a frame, the shots parting at its middle, no keyframe inside a blend.
    @Test(arguments: [Rational(25, 1), Rational(30000, 1001)])
    func dissolvesAreFoundWithTheirFrames(rate: Rational) throws {
        var spec = SynthSpec(width: 640, height: 360, frameRate: rate, frames: 300, cuts: [60, 200])
        spec.dissolves = [110..<130, 240..<252]
        let result = try KeyframeExtractor.run(file: try QCFixture.media(spec), folder: nil)
        let found = result.transitions
        #expect(found.count == 2, "\(found)")
        for (t, planted) in zip(found, spec.dissolves!) {
            #expect(t.kind == .dissolve)
            #expect(abs(t.startFrame - planted.lowerBound) <= 1 && abs(t.endFrame - planted.upperBound) <= 1,
                    "found \(t.startFrame)..<\(t.endFrame), planted \(planted)")
        }
        let starts = result.shots.map(\.startFrame)
        #expect(starts.count == 5 && starts[0] == 0 && starts[1] == 60 && starts[3] == 200, "\(starts)")
        if starts.count == 5 {
            #expect(abs(starts[2] - 120) <= 1 && abs(starts[4] - 246) <= 1, "\(starts)")
            #expect(result.shots[2].transitionIn?.kind == .dissolve && result.shots[1].transitionIn == nil)
        }
        for shot in result.shots {
            let key = shot.keyframe
            #expect(!spec.dissolves!.contains { $0.contains(key) }, "shot \(shot.number) keyframe \(key) is mid-dissolve")
        }
    }

    /// A fade to black, black, and a fade up from it: both fades found with their frames and kinds.
    @Test func fadesAreFoundAndNamed() throws {
        let spec = SynthSpec(width: 640, height: 360, frames: 200, defects: [
            Defect(.fadeOut, frames: 60..<80), Defect(.black, frames: 80..<100), Defect(.fadeIn, frames: 100..<115),
        ])
        let result = try KeyframeExtractor.run(file: try QCFixture.media(spec), folder: nil)
        let kinds = result.transitions.map(\.kind)
        #expect(kinds == [.fadeOut, .fadeIn], "\(result.transitions)")
        if result.transitions.count == 2 {
            let out = result.transitions[0], into = result.transitions[1]
            #expect(abs(out.startFrame - 60) <= 1 && abs(out.endFrame - 80) <= 1, "\(out)")
            #expect(abs(into.startFrame - 100) <= 1 && abs(into.endFrame - 115) <= 1, "\(into)")
        }
    }

    @Test func aCleanMasterHasNoTransitions() throws {
        for pattern in [SynthSpec.Pattern.testsrc2, .testsrc, .mandelbrot, .subject] {
            var spec = SynthSpec(width: 640, height: 360, frames: 150, cuts: [50, 100])
            spec.pattern = pattern
            let result = try KeyframeExtractor.run(file: try QCFixture.media(spec), folder: nil)
            #expect(result.transitions.isEmpty, "\(pattern): \(result.transitions)")
            #expect(result.shots.map(\.startFrame) == [0, 50, 100], "\(pattern)")
        }
    }

    @Test func keyframesCommandListsShotsAsJSON() throws {
        let file = try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 100, cuts: [50]))
        let run = try QCFixture.kijko(["keyframes", file, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let shots = json?["shots"] as? [[String: Any]]
        #expect(shots?.compactMap { $0["start_frame"] as? Int } == [0, 50])
        let bad = try QCFixture.kijko(["keyframes", "/nonexistent.mp4"])
        #expect(bad.status != 0 && bad.stderr.contains("/nonexistent.mp4"))
    }
}
