import Foundation
import Testing
import KijkoTestSupport

/// The dashboard in Chromium (Selenium from `.build/web-venv`, which `scripts/test` installs
/// with Debian's chromium and chromium-driver): `Tests/browser/dashboard_test.py` signs in, starts
/// a job, watches it live, rejects and approves, and checks what a client may not see. Its
/// screenshots land in `.build/screenshots`.
@Suite(.serialized) struct DashboardBrowserTests {
    @Test func aProducerADirectorAndAClientInChromium() throws {
        let python = Program.root.appendingPathComponent(".build/web-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            Issue.record("Selenium or chromium-driver missing: run scripts/test (it installs them)")
            return
        }
        let server = try ServerProcess()
        let made = try Program.run(Program.kijko, ["synth", server.media + "/master.mp4", "--size", "640x360", "--duration", "6", "--pattern", "subject"])
        #expect(made.status == 0, "\(made.stderr)")
        try server.start()
        let shots = Program.root.appendingPathComponent(".build/screenshots").path
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let tokens = String(decoding: try JSONSerialization.data(withJSONObject: server.tokens), as: UTF8.self)
        let result = try Program.run(python, [Program.root.appendingPathComponent("Tests/browser/dashboard_test.py").path,
                                              server.url, tokens, Program.kijko, server.db, shots])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr.suffix(2000))")
    }
}
