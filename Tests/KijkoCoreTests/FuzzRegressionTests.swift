import Foundation
import KijkoTestSupport
import Testing

/// Every input that once crashed Kijko (`Fixtures/fuzz/TARGET`), and the project's own fixtures,
/// run through the fuzz targets in a normal build: each must end normally (`scripts/fuzz` finds
/// new ones; a crash found there is added to the folder and so becomes a test).
@Suite struct FuzzRegressionTests {
    static let targets: [(String, [String])] = [
        ("edl", ["Fixtures/fuzz/edl", "Fixtures/edl"]), ("shots", ["Fixtures/fuzz/shots", "Fixtures/shots"]),
        ("template", ["Fixtures/fuzz/template", "presets/workflows"]), ("qc-profile", ["Fixtures/fuzz/qc-profile", "presets/qc"]),
        ("preset", ["Fixtures/fuzz/preset", "presets/platforms"]), ("animation", ["Fixtures/fuzz/animation"]),
        ("colour", ["Fixtures/fuzz/colour"]),
    ]

    @Test(arguments: targets.map(\.0))
    func knownCrashersEndNormally(_ target: String) throws {
        let binary = (Program.kijko as NSString).deletingLastPathComponent + "/kijko-fuzz"
        let folders = Self.targets.first { $0.0 == target }!.1.map { Program.root.appendingPathComponent($0).path }
        let run = try Program.run(binary, [target] + folders)
        #expect(run.status == 0 && !run.signalled, "\(target): \(run.status) \(run.stderr.suffix(1500))")
        #expect(run.stdout.contains("inputs ran"), "\(run.stdout)")
    }
}
