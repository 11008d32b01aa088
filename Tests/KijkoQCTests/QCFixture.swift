import Foundation
import KijkoMedia
import KijkoTestSupport

/// Synthesised masters for the QC tests (cached under `.build/test-media`) and the profiles.
enum QCFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let profiles = root.appendingPathComponent("presets/qc").path
    static let cache = root.appendingPathComponent(".build/test-media").path

    static func media(_ spec: SynthSpec) throws -> String { try Synthesizer.cached(spec, in: cache) }
}

extension QCFixture {
    /// Runs the built `kijko` with `arguments` (and extra environment): exit status, stdout, stderr.
    static func kijko(_ arguments: [String], environment: [String: String] = [:]) throws -> ProgramResult {
        try Program.run(Program.kijko, arguments, environment: environment)
    }
}
