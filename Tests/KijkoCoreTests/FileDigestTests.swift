import Foundation
import KijkoCore
import KijkoTestSupport
import Testing

@Suite struct FileDigestTests {
    /// FIPS 180-4's own examples.
    @Test func knownAnswers() {
        #expect(FileDigest.sha256(data: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(FileDigest.sha256(data: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileDigest.sha256(data: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Every length around the 64-byte block and its 56-byte padding boundary, and a file larger
    /// than one read, agree with `sha256sum`; so does hashing in uneven pieces.
    @Test func agreesWithSha256sum() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-digest-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var state: UInt64 = 0x9E3779B97F4A7C15
        func bytes(_ n: Int) -> Data {
            Data((0..<n).map { _ in state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: state >> 33) })
        }
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, (1 << 20) + 3_001] {
            let data = bytes(length)
            let path = folder + "/\(length).bin"
            try data.write(to: URL(fileURLWithPath: path))
            let reference = try Program.run("sha256sum", [path]).stdout.split(separator: " ").first.map(String.init)
            #expect(try FileDigest.sha256(path: path) == reference, "length \(length)")
            var pieces = SHA256()
            var at = 0, step = 1
            while at < data.count {
                let end = min(data.count, at + step)
                pieces.update(data.subdata(in: at..<end))
                at = end
                step = step * 3 + 1
            }
            #expect(String(pieces.finalize().map { String(format: "%02x", $0) }.joined()) == reference, "length \(length) in pieces")
        }
    }

    @Test func unreadableFileIsAnErrorNamingIt() {
        #expect(throws: FileError(file: "/nonexistent/kijko", reason: "cannot read the file")) {
            try FileDigest.sha256(path: "/nonexistent/kijko")
        }
    }
}

@Suite struct FolderLockTests {
    @Test func oneHolderAtATime() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-lock-\(UUID().uuidString.prefix(8))/deep/out").path
        var first: FolderLock? = try FolderLock(folder)
        #expect(FileManager.default.fileExists(atPath: folder), "the folder and its parents are made")
        #expect { _ = try FolderLock(folder) } throws: { "\($0)".contains("another kijko run is writing into this --out folder") }
        #expect(first?.folder == folder)
        first = nil
        #expect(!FileManager.default.fileExists(atPath: folder + "/.kijko-lock"), "no lock file once let go")
        let second = try FolderLock(folder, what: "output")
        #expect(second.folder == folder)
        // A file where the folder should be: one line saying so, no Foundation error text.
        let file = folder + "/plain"
        try Data().write(to: URL(fileURLWithPath: file))
        #expect { _ = try FolderLock(file + "/sub") } throws: { error in
            let text = "\(error)"
            return text.contains("cannot create the --out folder") && !text.contains("NSCocoaErrorDomain")
        }
    }
}
