import Foundation
import Testing
import KijkoMedia
import KijkoTestSupport

/// Bad input gives one clear line and a non-zero exit, never a crash.
@Suite struct BadInputTests {
    /// Each bad file, made in a scratch folder, and the words its error must contain.
    static func makeBadFiles() throws -> [(name: String, path: String, expect: String)] {
        let dir = try Fixture.scratch("bad")
        let fm = FileManager.default
        let empty = dir + "/empty.mp4"
        _ = fm.createFile(atPath: empty, contents: Data())
        let random = dir + "/random.bin"
        var generator = SplitMix(seed: 42)
        _ = fm.createFile(atPath: random, contents: Data((0..<65536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        let text = dir + "/notes.mp4"
        _ = fm.createFile(atPath: text, contents: Data("This is a shot list, not a movie.\n".utf8))
        let good = try Fixture.media(SynthSpec(width: 320, height: 180, frames: 50))
        let whole = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = dir + "/truncated.mp4"
        _ = fm.createFile(atPath: truncated, contents: whole.prefix(whole.count / 2))
        let headerOnly = dir + "/header-cut.mp4"
        _ = fm.createFile(atPath: headerOnly, contents: whole.prefix(600))
        let folder = dir + "/folder.mp4"
        try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return [
            ("empty", empty, "empty"),
            ("random bytes", random, "Invalid data"),
            ("text named .mp4", text, "Invalid data"),
            ("truncated mp4", truncated, "truncated"),
            ("mp4 cut inside its header", headerOnly, "failed"),
            ("a directory", folder, "directory"),
            ("missing path", dir + "/nope.mp4", "no such file"),
        ]
    }

    @Test func libraryThrowsMediaErrorNamingTheFile() throws {
        for bad in try Self.makeBadFiles() {
            do {
                _ = try Probe.file(bad.path)
                Issue.record("\(bad.name): probe succeeded")
            } catch {
                #expect(error.file == bad.path, "\(bad.name)")
                #expect(error.description.contains(bad.expect), "\(bad.name): \(error.description)")
            }
        }
    }

    @Test func cliPrintsOneLineAndExitsNonZero() throws {
        for bad in try Self.makeBadFiles() {
            for arguments in [["probe", bad.path], ["probe", "--json", bad.path], ["stamps", bad.path]] {
                let run = try Fixture.run(Fixture.kijko, arguments)
                #expect(run.status == 1, "\(bad.name) \(arguments[0]): exit \(run.status)")
                #expect(run.stdout.isEmpty, "\(bad.name): stdout \(run.stdout)")
                let lines = run.stderr.split(separator: "\n")
                #expect(lines.count == 1, "\(bad.name): \(run.stderr)")
                #expect(lines.first?.hasPrefix("error: \(bad.path): ") == true, "\(bad.name): \(run.stderr)")
            }
        }
    }

    /// An output or store folder that cannot be made, and a file that cannot be read, are one line
    /// naming the path and what is wrong — never Foundation's error text.
    @Test func foldersThatCannotBeMadeAndUnreadableFilesAreOneLine() throws {
        let dir = try Fixture.scratch("folders")
        let plain = dir + "/plain"
        _ = FileManager.default.createFile(atPath: plain, contents: Data("x".utf8))
        let media = try Fixture.media(SynthSpec(width: 160, height: 90, frames: 10))
        for arguments in [["qc", media, "--out", plain + "/qc"], ["keyframes", media, "--out", plain],
                          ["versions", media, "--preset", "youtube", "--out", plain + "/v"],
                          ["run", "film", "--brief", "x", "--db", plain + "/jobs.sqlite"]] {
            let run = try Fixture.run(Fixture.kijko, arguments)
            #expect(run.status == 1, "\(arguments[0]): exit \(run.status)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && run.stderr.contains("cannot create the") && run.stderr.contains("\(plain) is a file, not a folder"),
                    "\(arguments[0]): \(run.stderr)")
            #expect(!run.stderr.contains("Cocoa"), "\(run.stderr)")
        }
        // Permission: as root (who reads everything) the commands run as nobody.
        let locked = dir + "/locked.mp4"
        try FileManager.default.copyItem(atPath: media, toPath: locked)
        chmod(locked, 0)
        chmod(dir, 0o755)
        let asNobody = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        if !asNobody.isEmpty {
            let reachable = try Fixture.run(asNobody[0], Array(asNobody.dropFirst()) + [Fixture.kijko, "--version"])
            guard reachable.status == 0 else { return }  // this checkout is not readable by others: nothing to learn
        }
        for arguments in [["probe", locked], ["qc", locked, "--out", dir + "/nobody-may-write"]] {
            let command = asNobody.isEmpty ? [Fixture.kijko] + arguments : Array(asNobody.dropFirst()) + [Fixture.kijko] + arguments
            let run = try Fixture.run(asNobody.first ?? Fixture.kijko, asNobody.isEmpty ? arguments : command)
            #expect(run.status != 0 && run.stderr.split(separator: "\n").count == 1, "\(arguments[0]): \(run.stderr)")
            #expect(run.stderr.contains("permission denied") && !run.stderr.contains("no such file"), "\(arguments[0]): \(run.stderr)")
        }
    }

    @Test func badFilterGraphNamesTheProblem() throws {
        #expect(throws: MediaError.self) { try FilterGraph("nosuchfilter=1") }
        do {
            _ = try FilterGraph("testsrc2=size=64x64,scale=width=-7:height=oops")
        } catch {
            #expect(error.stage == .filter)
            #expect(error.description.contains("scale") || error.description.contains("oops"), "\(error)")
        }
    }
}
