import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
@testable import KijkoQC

/// Shots on real pictures: `Tests/corpus/make_shots.py` turns scikit-image's photographs
/// (`.build/real-pictures`) into a 20 s clip of seven shots with camera moves — pans over detail
/// and texture, a zoom, handheld shake with sensor noise and a camera flash, a fast pan over text
/// with motion blur — joined by four hard cuts (one between two shots of the same cup, of one
/// tone), a dissolve onto a dark picture of deep space, and a fade through black; it prints the
/// truth. Every cut must be found at its frame, the dissolve and the fade found as such over their
/// frames, and nothing reported inside the moving shots (the flash included).
@Suite struct RealFootageShotTests {
    @Test func cutsDissolvesAndFadesOnRealPictures() throws {
        try #require(RealShotsClip.available, "scikit-image's photographs (scripts/test fetches them)")
        let clip = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-shots-\(UUID().uuidString.prefix(8)).mp4").path
        let truth = try RealShotsClip.make(at: clip)
        let analysis = try KeyframeExtractor.run(file: clip, folder: nil)
        #expect(analysis.frames == truth.frames)
        let transitions = analysis.transitions
        // Boundaries: each shot's first frame after the first shot.
        let starts = analysis.shots.dropFirst().map(\.startFrame)
        let inTransition = { (n: Int) in transitions.contains { $0.startFrame - 2 <= n && n <= $0.endFrame + 2 } }
        let cuts = starts.filter { !inTransition($0) }
        #expect(cuts == truth.cuts, "cuts \(cuts), truth \(truth.cuts); transitions \(transitions)")
        // The dissolve, as a dissolve, over its frames (its ends within two frames).
        for d in truth.dissolves {
            #expect(transitions.contains { $0.kind == .dissolve && abs($0.startFrame - d[0]) <= 2 && abs($0.endFrame - d[1]) <= 2 },
                    "dissolve \(d): \(transitions)")
        }
        // The fade through black: out to black and in from it, within its frames.
        for f in truth.fades {
            let inside = transitions.filter { $0.startFrame >= f[0] - 2 && $0.endFrame <= f[1] + 2 }
            #expect(inside.contains { $0.kind == .fadeOut } && inside.contains { $0.kind == .fadeIn }, "fade \(f): \(transitions)")
        }
        // Nothing inside the moving shots: no boundary, no transition.
        for calm in truth.calm {
            let range = calm[0]..<calm[1]
            #expect(!starts.contains { range.contains($0) }, "a boundary inside calm \(calm): \(starts)")
            #expect(!transitions.contains { range.overlaps($0.startFrame..<$0.endFrame) }, "a transition inside calm \(calm): \(transitions)")
        }
    }
}
