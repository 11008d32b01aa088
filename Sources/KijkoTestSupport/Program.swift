import Foundation

/// What a finished program printed and how it ended.
public struct ProgramResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The program was ended by a signal (`status` is then the signal's number).
    public var signalled: Bool = false
}

/// Runs programs for tests: the built `kijko`, or a peer such as `ffprobe` found on the PATH.
public enum Program {
    /// Runs `program` (a path, or a name looked up on the PATH) to completion, stdin empty.
    /// `environment` entries are added to this process's own.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProgramResult {
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a full pipe cannot stall the child.
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                             stderr: String(decoding: e, as: UTF8.self), signalled: process.terminationReason == .uncaughtSignal)
    }

    /// The package's root folder (holding `Package.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The `kijko` built beside the running tests.
    public static var kijko: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [beside, beside.deletingLastPathComponent(), root.appendingPathComponent(".build/debug")]
        return candidates.map { $0.appendingPathComponent("kijko").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? root.appendingPathComponent(".build/debug/kijko").path
    }
}
