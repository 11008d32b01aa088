import Foundation
import KijkoTestSupport
import Testing

/// OpenTimelineIO reads Kijko's `.otio` as the same timeline it reads from the EDL itself, except
/// where its own EDL reader is wrong (stated by the comparison). Needs the reference reader in
/// `.build/otio-venv`, which `scripts/test` installs.
@Suite struct OTIOInteropTests {
    static let root = EDLFixture.root

    @Test func openTimelineIOAgreesWithKijko() throws {
        let python = Self.root.appendingPathComponent(".build/otio-venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "OpenTimelineIO reference reader missing: run scripts/test (it installs .build/otio-venv)")
        let kijko = Self.root.appendingPathComponent(".build/debug/kijko").path
        let specs = EDLFixture.rates.map { name, rate in
            "\(rate.rate.den == 1 ? "\(rate.rate.num)" : rate.rate.description):\(EDLFixture.path(name))"
        }
        let result = try Program.run(python, [Self.root.appendingPathComponent("scripts/otio_compare.py").path, kijko] + specs)
        let text = result.stdout + result.stderr
        #expect(result.status == 0, "\(text)")
        let lines = text.split(separator: "\n")
        #expect(lines.count == EDLFixture.rates.count, "\(text)")
        #expect(lines.allSatisfy { $0.hasPrefix("same") }, "\(text)")
        // Where OpenTimelineIO is wrong, the comparison says so.
        #expect(lines.contains { $0.contains("kijko_edge_cases.edl") && $0.contains("LOC markers") })
        #expect(lines.contains { $0.contains("speed_effects.edl") && $0.contains("freeze frame") })
    }
}
