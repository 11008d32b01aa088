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
