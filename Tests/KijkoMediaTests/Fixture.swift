import Foundation
import KijkoMedia
import KijkoTestSupport

/// Synthesised test media, cached per configuration under `.build/test-media`, and the reference
/// tools (ffprobe, the kijko binary) the tests compare against.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let cache = root.appendingPathComponent(".build/test-media").path

    /// The file for `spec`, made on first use.
    static func media(_ spec: SynthSpec) throws -> String {
        try Synthesizer.cached(spec, in: cache)
    }

    /// A fresh scratch folder for one test.
    static func scratch(_ name: String = #function) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("kijko-tests-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// The built `kijko` binary beside the test bundle.
    static var kijko: String { Program.kijko }

    typealias Run = ProgramResult

    /// Runs a program to completion, capturing its output.
    static func run(_ program: String, _ arguments: [String]) throws -> Run { try Program.run(program, arguments) }

    /// ffprobe's `-show_format -show_streams` as JSON.
    static func ffprobe(_ path: String) throws -> [String: Any] {
        let result = try run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path])
        guard result.status == 0,
              let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw FixtureError(message: "ffprobe failed on \(path): \(result.stderr)")
        }
        return json
    }

    /// Every frame of the best video stream, as (frame index from pts, stamp).
    static func stamps(_ path: String, from: Int? = nil, count: Int? = nil) throws -> [(index: Int, stamp: Int?)] {
        let reader = try FrameReader(path: path)
        if let from { try reader.seek(toFrame: from) }
        let frame = try Frame()
        var rows: [(Int, Int?)] = []
        while count.map({ rows.count < $0 }) ?? true, try reader.next(into: frame) {
            rows.append((reader.frameIndex(ofPTS: frame.pts ?? 0), FrameStamp.read(frame)))
        }
        return rows
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
