import KijkoPresets
import Foundation
import Testing
import KijkoMedia
@testable import KijkoDelivery

/// Cutdowns: a 20 s master with planted cuts to a 15 s spot — the opening shot and the end card
/// kept, whole shots in order, the exact length, sound cut with the picture without clicks.
@Suite struct CutdownTests {
    static let cuts = [60, 130, 200, 260, 330, 400]
    static let master = SynthSpec(width: 640, height: 360, frames: 500, cuts: cuts, toneLevel: -20)

    static func spot(_ seconds: Int, in folder: String) throws -> PlatformPreset {
        try VersionTests.customPreset("spot\(seconds)", in: folder, extra: """
            duration:
              min: \(seconds)
              max: \(seconds)
              target: \(seconds)
            audio:
              codec: aac
              sample_rate: 48000
              channels: 2
            loudness:
              integrated: -23
              true_peak: -1
            """)
    }

    @Test func analysisFindsThePlantedCutsAndNotAFlash() throws {
        var spec = Self.master
        spec.defects = [Defect(.flash, frames: 100..<102), Defect(.flash, frames: 300..<301)]
        let (path, _) = try DeliveryFixture.master(spec)
        let analysis = try MasterAnalyser(master: path).run()
        #expect(analysis.shots.map(\.lowerBound) == [0] + Self.cuts, "\(analysis.shots)")
        #expect(analysis.frameCount == 500)
    }

    @Test func fifteenAndSixSecondSpots() throws {
        let (path, folder) = try DeliveryFixture.master(Self.master)
        let presets = [try Self.spot(15, in: folder), try Self.spot(6, in: folder)]
        let manifest = try VersionGenerator(.init(master: path, presets: presets, outputFolder: folder + "/out")).run()
        let boundaries = Set([0, 500] + Self.cuts)
        for (entry, seconds) in zip(manifest.deliverables, [15, 6]) {
            #expect(entry.status == .done && entry.pass, "\(entry.preset): \(entry.checks.filter { !$0.pass }) \(entry.error ?? "")")
            let cutdown = try #require(entry.cutdown)
            let segments = cutdown.segments.map { $0[0]..<$0[1] }
            #expect(segments.reduce(0) { $0 + $1.count } == seconds * 25)
            #expect(segments.first?.lowerBound == 0 && segments.first.map { $0.upperBound >= 60 } == true, "opening shot kept")
            #expect(segments.last?.upperBound == 500 && segments.last.map { $0.lowerBound <= 450 } == true, "end card kept")
            #expect(zip(segments, segments.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "in order")
            // Every edit is at a shot boundary, but for the closing shot starting later and at
            // most one head piece of at least a second.
            let pieces = segments.dropLast().filter { !boundaries.contains($0.upperBound) }
            #expect(pieces.count <= 1 && pieces.allSatisfy { $0.count >= 25 && boundaries.contains($0.lowerBound) }, "\(segments)")
            // The picture is exactly those frames, in that order.
            let expected = segments.flatMap { Array($0) }.map { Optional($0) }
            #expect(try DeliveryFixture.stamps(entry.path) == expected)
            // Sound: the spot's length, and no click at any edit (the tone never jumps).
            let info = try Probe.file(entry.path)
            #expect(abs((info.first(.audio)?.duration ?? 0) - Double(seconds)) < 0.03)
            let reader = try AudioSampleReader(path: entry.path)
            let samples = try reader.read(count: seconds * 48_000)[0]
            var largestStep: Float = 0
            for i in 1..<samples.count { largestStep = max(largestStep, abs(samples[i] - samples[i - 1])) }
            #expect(largestStep < 0.05, "largest sample step \(largestStep)")
        }
    }

    @Test func anEndCardLongerThanTheProgrammeIsNamed() throws {
        let (path, folder) = try DeliveryFixture.master(Self.master)
        var request = VersionGenerator.Request(master: path, presets: [try Self.spot(15, in: folder), try VersionTests.customPreset("plain", in: folder)],
                                               outputFolder: folder + "/out")
        request.endCard = 25
        let manifest = try VersionGenerator(request).run()
        #expect(manifest.deliverables[0].status == .failed)
        #expect(manifest.deliverables[0].error == "programme runs 20.00 s, shorter than the 25.00 s end card")
        #expect(manifest.deliverables[1].status == .done, "the other deliverable is untouched")
    }
}
