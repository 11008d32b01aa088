import Foundation
import KijkoCore
import KijkoTestSupport
import Testing

/// Where presets are found: the shipped ones whatever the current folder, the user's overriding
/// them by name.
@Suite(.serialized) struct PresetsTests {
    @Test func shippedPresetsAreTheCheckoutsFromTheTests() {
        #expect(Presets.shipped == Program.root.appendingPathComponent("presets").path)
        #expect(Presets.path("qc/broadcast-ebu.yaml").hasSuffix("presets/qc/broadcast-ebu.yaml"))
        #expect(Presets.names(in: "qc").contains("broadcast-ebu"))
    }

    /// `kijko` on PATH through a symlink, run from a folder far from the checkout, finds Kijko's
    /// presets; an installed copy (`bin/kijko` + `share/kijko/presets`) finds its own; a user's
    /// profile of the same name wins over the shipped one.
    @Test func binaryFindsPresetsFromAnyFolder() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-presets-\(getpid())")
        let fm = FileManager.default
        try? fm.removeItem(at: base)
        defer { try? fm.removeItem(at: base) }
        let elsewhere = base.appendingPathComponent("work"), links = base.appendingPathComponent("links")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try fm.createDirectory(at: links, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: links.appendingPathComponent("kijko").path, withDestinationPath: Program.kijko)

        // Called by name, as a user types it: argv[0] is just "kijko".
        let linked = try run("kijko", ["versions", "--list"], in: elsewhere.path,
                             environment: ["PATH": links.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("tiktok"))

        // An installed layout: the binary copied under PREFIX/bin, the presets under PREFIX/share/kijko.
        let prefix = base.appendingPathComponent("prefix")
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("share/kijko"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: Program.kijko, toPath: prefix.appendingPathComponent("bin/kijko").path)
        try fm.createDirectory(at: prefix.appendingPathComponent("share/kijko/presets/platforms"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: Program.root.appendingPathComponent("presets/platforms/x.yaml").path,
                        toPath: prefix.appendingPathComponent("share/kijko/presets/platforms/x.yaml").path)
        let installed = try run(prefix.appendingPathComponent("bin/kijko").path, ["versions", "--list"], in: elsewhere.path)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("x "))
        #expect(!installed.stdout.contains("tiktok"), "the installed copy reads its own presets, not the checkout's")

        // A user's own preset overrides the shipped one by name, and adds to the list.
        let user = base.appendingPathComponent("user/platforms")
        try fm.createDirectory(at: user, withIntermediateDirectories: true)
        let mine = try String(contentsOfFile: Program.root.appendingPathComponent("presets/platforms/x.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "description:", with: "description: MINE")
        try mine.write(toFile: user.appendingPathComponent("x.yaml").path, atomically: true, encoding: .utf8)
        let overridden = try run(prefix.appendingPathComponent("bin/kijko").path, ["versions", "--list"], in: elsewhere.path,
                                 environment: ["KIJKO_PRESETS": base.appendingPathComponent("user").path])
        #expect(overridden.stdout.contains("MINE"), "\(overridden.stdout)")
    }

    /// Runs `program` with `folder` as its current folder (the test process's own is left alone:
    /// other suites run beside this one).
    private func run(_ program: String, _ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> ProgramResult {
        try Program.run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", folder, program] + arguments, environment: environment)
    }
}
