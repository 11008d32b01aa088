import Foundation
import KijkoMedia

/// Synthesised masters for the QC tests (cached under `.build/test-media`) and the profiles.
enum QCFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let profiles = root.appendingPathComponent("presets/qc").path
    static let cache = root.appendingPathComponent(".build/test-media").path

    static func media(_ spec: SynthSpec) throws -> String { try Synthesizer.cached(spec, in: cache) }
}

extension QCFixture {
    /// Runs the built `kijko` with `arguments`: exit status, stdout, stderr.
    static func kijko(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [beside, beside.deletingLastPathComponent(), root.appendingPathComponent(".build/debug")]
        let binary = candidates.map { $0.appendingPathComponent("kijko").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? root.appendingPathComponent(".build/debug/kijko").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
