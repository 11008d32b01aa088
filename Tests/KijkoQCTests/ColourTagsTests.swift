import Foundation
import KijkoTestSupport
import Testing
import KijkoMedia
@testable import KijkoQC

/// QC's colour_tags check: a BT.2020 master with no transfer tag is an error (its PQ, HLG or SDR
/// left to a player's guess); the same master tagged PQ passes it.
@Suite struct ColourTagsTests {
    @Test func aBT2020MasterWithNoTransferTagIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-tags-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, transfer) in [("untagged", nil), ("pq", "smpte2084")] as [(String, String?)] {
            let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1",
                                                  "-vf", "format=yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=none",
                                                  "-color_primaries", "bt2020", "-colorspace", "bt2020nc"]
                                                 + (transfer.map { ["-color_trc", $0] } ?? []) + ["\(folder)/\(name).mp4"])
            try #require(made.status == 0, "\(made.stderr)")
        }
        let profile = try QCProfile.named("social", in: QCFixture.profiles)
        let untagged = try QCAuditor(file: folder + "/untagged.mp4", profile: profile).run()
        let issue = try #require(untagged.issues.first { $0.check == "colour_tags" }, "\(untagged.issues.map(\.check))")
        #expect(issue.severity == .error && issue.message.contains("no transfer tag") && (issue.fix ?? "").contains("smpte2084"), "\(issue)")
        let pq = try QCAuditor(file: folder + "/pq.mp4", profile: profile).run()
        #expect(!pq.issues.contains { $0.check == "colour_tags" }, "\(pq.issues)")
    }
}
