import Foundation
import Testing
import KijkoMedia
import KijkoTestSupport

/// `kijko edl` and `kijko assemble` as a user runs them: bad input is one line and a non-zero exit.
@Suite struct EditorialCLITests {
    static let kijko = Program.kijko

    static func run(_ arguments: [String]) throws -> ProgramResult { try Program.run(kijko, arguments) }

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// A clip's own path (`* SOURCE FILE:`) outside `--media` is not read unless `--allow-outside`;
    /// the output's folder is made, and a killed render's partial file there is cleared.
    @Test func mediaStaysInsideItsFolders() throws {
        let dir = try Self.scratch()
        let media = dir + "/media", outside = dir + "/elsewhere/secret.mp4"
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/elsewhere", withIntermediateDirectories: true)
        #expect(try Self.run(["synth", outside, "--size", "320x240", "--frames", "25"]).status == 0)
        let edl = dir + "/cut.edl"
        try Data("TITLE: t\nFCM: NON-DROP FRAME\n\n001  SECRET   V     C        00:00:00:00 00:00:00:20 01:00:00:00 01:00:00:20\n* SOURCE FILE: \(outside)\n".utf8)
            .write(to: URL(fileURLWithPath: edl))
        let refused = try Self.run(["assemble", "--edl", edl, "--media", media, "--out", dir + "/a/b/out.mp4", "--size", "320x240"])
        #expect(refused.status == 1 && refused.stderr.contains("no media"), "\(refused.stderr)")
        try FileManager.default.createDirectory(atPath: dir + "/a/b", withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: dir + "/a/b/.out.partial-77.mp4"))
        let allowed = try Self.run(["assemble", "--edl", edl, "--media", media, "--out", dir + "/a/b/out.mp4", "--size", "320x240", "--allow-outside"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/a/b")
        #expect(left.contains("out.mp4") && !left.contains { $0.contains(".partial-") || $0 == ".kijko-lock" }, "\(left)")
        let fresh = try Self.run(["assemble", "--edl", edl, "--media", media, "--out", dir + "/new/deeper/out.mp4", "--size", "320x240", "--allow-outside"])
        #expect(fresh.status == 0 && FileManager.default.fileExists(atPath: dir + "/new/deeper/out.mp4"), "\(fresh.stderr)")
    }

    @Test func badEDLsAreOneLineErrors() throws {
        let dir = try Self.scratch()
        let media = dir + "/media"
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        let cases: [(String, Data, String)] = [
            ("timecode.edl", Data("001  AX V C 01:00:00:00 01:00:00:99 01:00:00:00 01:00:01:00\n".utf8), "timecode.edl:1: event 1: source out"),
            ("order.edl", Data("001  AX V C 01:00:00:00 01:00:02:00 01:00:00:00 01:00:02:00\n002  AX V C 01:00:00:00 01:00:01:00 01:00:01:00 01:00:02:00\n".utf8), "order.edl:2: event 2:"),
            ("empty.edl", Data(), "no events"),
            ("latin.edl", Data([0x54, 0x49, 0x54, 0x4C, 0x45, 0x3A, 0x20, 0xE9, 0x0A]), "not UTF-8"),
            ("noreel.edl", Data("001  NOPE V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n".utf8), "event 1 (001): no media for reel NOPE"),
        ]
        for (name, data, expected) in cases {
            let path = dir + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            let result = try Self.run(["assemble", "--edl", path, "--media", media, "--out", dir + "/out.mp4"])
            #expect(result.status == 1, "\(name): exit \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(result.stderr)")
            #expect(lines.first?.hasPrefix("error: ") == true && result.stderr.contains(expected), "\(name): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.mp4"), "no output for a bad EDL")
        }
        let parse = try Self.run(["edl", "parse", dir + "/order.edl", "--rate", "25"])
        #expect(parse.status == 1 && parse.stderr.contains("before the previous event on track V"))
        let lenient = try Self.run(["edl", "parse", dir + "/order.edl", "--rate", "25", "--lenient", "--json"])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.hasPrefix("warning: "))
        let json = try JSONSerialization.jsonObject(with: Data(lenient.stdout.utf8)) as? [String: Any]
        #expect((json?["warnings"] as? [Any])?.count == 1)
    }

    @Test func convertWritesEveryFormat() throws {
        let dir = try Self.scratch()
        for ext in ["otio", "xml", "fcpxml", "edl"] {
            let out = dir + "/cut.\(ext)"
            let result = try Self.run(["edl", "convert", EDLFixture.path("dissolve_test.edl"), out, "--json"])
            #expect(result.status == 0, "\(ext): \(result.stderr)")
            let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(summary?["events"] as? Int == 3)
            #expect(FileManager.default.fileExists(atPath: out))
        }
        let bad = try Self.run(["edl", "convert", EDLFixture.path("dissolve_test.edl"), dir + "/cut.docx"])
        #expect(bad.status == 64 && bad.stderr.contains("unknown output format"))
    }
}
