import Foundation
import KijkoTestSupport
import Testing

/// A social job started without its master fails at the versions, says how to go on, and goes
/// on when `kijko resume` is given the master: no dead end.
@Suite struct ResumeWithInputsTests {
    @Test func aJobMissingItsMasterResumesWithIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-resume-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/jobs.sqlite"
        let first = try Program.run(Program.kijko, ["run", "social", "--brief", "Launch clips for Aurora on TikTok.", "--db", db, "--json", "--quiet"])
        #expect(first.status == 1)
        let failed = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        let job = try #require(failed?["job"] as? String)
        #expect((failed?["message"] as? String)?.contains("kijko resume JOB --master FILE") == true, "\(first.stdout)")
        let missing = try Program.run(Program.kijko, ["resume", job, "--master", folder + "/nope.mp4", "--db", db])
        #expect(missing.status != 0 && missing.stderr.contains("nope.mp4: no such file"), "\(missing.stderr)")
        let resumed = try Program.run(Program.kijko, ["resume", String(job.prefix(8)), "--master", try AgentsFixture.master(), "--db", db, "--json", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any]
        #expect(result?["outcome"] as? String == "waiting", "\(resumed.stdout)")
    }
}
