import Foundation

/// The real-footage shot corpus: `Tests/corpus/make_shots.py` turns scikit-image's photographs
/// (`.build/real-pictures`, fetched by `scripts/test`) into a 20 s clip of seven moving shots and
/// prints its truth. Shared by the detector tests and the delivery tests.
public enum RealShotsClip {
    /// Where the cuts, transitions and calm stretches are, in frames.
    public struct Truth: Decodable, Sendable {
        /// The first frame of each shot after a hard cut.
        public var cuts: [Int]
        /// `[start, end)` of each dissolve and fade through black.
        public var dissolves: [[Int]]
        public var fades: [[Int]]
        /// Frame ranges inside moving shots where nothing may be reported.
        public var calm: [[Int]]
        public var frames: Int
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether the photographs are here to make the clip from.
    public static var picturesFolder: String { Program.root.appendingPathComponent(".build/real-pictures").path }
    public static var available: Bool { FileManager.default.fileExists(atPath: picturesFolder + "/coffee.png") }

    /// Makes the clip at `path` and returns its truth.
    public static func make(at path: String) throws -> Truth {
        let made = try Program.run("python3", [Program.root.appendingPathComponent("Tests/corpus/make_shots.py").path, picturesFolder, path])
        guard made.status == 0 else { throw Failure(description: "make_shots.py failed: \(made.stderr)") }
        return try JSONDecoder().decode(Truth.self, from: Data(made.stdout.utf8))
    }
}
