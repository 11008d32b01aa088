import Foundation
public import KijkoMedia

/// `manifest.json`: what a `kijko versions` run made, measured back from the written files.
public struct Manifest: Codable, Sendable {
    public var master: String
    /// The smart reframe's crop path file, when one was read or written.
    public var cropPath: String?
    public var deliverables: [Entry]

    /// One deliverable.
    public struct Entry: Codable, Sendable {
        public enum Status: String, Codable, Sendable {
            /// Written in this run.
            case done
            /// Already complete from an earlier run (not overwritten without `--force`).
            case kept
            case failed
        }

        public var preset: String
        /// The preset's kind: `video`, `still`, `display`.
        public var kind: String?
        public var path: String
        public var status: Status
        public var error: String?
        public var size: Int?
        public var sha256: String?
        public var reframe: String
        /// The shots a cutdown kept, when the preset's length needed one.
        public var cutdown: Cutdown?
        /// A display ad's loop and the setting that fitted its budget.
        public var display: Display?
        /// The `.cube` LUT its picture was graded by, before the reframe.
        public var lut: String?
        /// Tone-mapped from the master's HDR (PQ or HLG) to the preset's SDR.
        public var toneMapped: Bool?
        /// `linear` (gain only) or `limited` (gain and a true-peak limiter).
        public var loudnessMode: String?
        public var gainDb: Double?
        public var measured: Measured?
        public var checks: [Check]
        /// All checks passed.
        public var pass: Bool
    }

    /// A cutdown's edit: master frame ranges played in order, `[start, end)`.
    public struct Cutdown: Codable, Sendable, Equatable {
        public var segments: [[Int]]
        /// Frames trimmed from a shot's tail to land on the exact length.
        public var trimmedFrames: Int
        public var endCardSeconds: Double
        /// Why the version is cut down when its preset names no length (a programme over the platform's limit).
        public var reason: String?

        /// The edit `plan` made.
        public init(_ plan: CutdownPlanner.Plan, endCardSeconds: Double, reason: String? = nil) {
            segments = plan.selection.segments.map { [$0.lowerBound, $0.upperBound] }
            trimmedFrames = plan.trimmedFrames
            self.endCardSeconds = endCardSeconds
            self.reason = reason
        }
    }

    /// A display ad: its loop, how many times it plays, and the encoding ladder it went down.
    public struct Display: Codable, Sendable, Equatable {
        /// `gif`, `webp`, `mp4`.
        public var format: String
        /// Seconds.
        public var loopSeconds: Double
        public var plays: Int
        public var budgetBytes: Int
        /// The setting written, nil when none fitted, and its frame rate (frames per second).
        public var setting: String?
        public var frameRate: Double?
        public var attempts: [Attempt]

        public struct Attempt: Codable, Sendable, Equatable {
            public var setting: String
            public var bytes: Int
        }
    }

    /// Read back from the written file.
    public struct Measured: Codable, Sendable {
        public var duration: Double?
        public var width: Int?
        public var height: Int?
        public var frameRate: Rational?
        public var videoCodec: String?
        public var audioCodec: String?
        public var integratedLoudness: Double?
        public var truePeak: Double?
    }

    /// One comparison against the preset.
    public struct Check: Codable, Sendable {
        public var name: String
        public var pass: Bool
        public var detail: String
    }

    /// This run's manifest with the entries of an earlier run's (same master) for presets this
    /// run did not make, as long as their files are still there: one folder, one manifest.
    public func merged(over previous: Manifest?) -> Manifest {
        guard let previous, previous.master == master else { return self }
        let made = Set(deliverables.map(\.preset))
        var result = self
        let kept = previous.deliverables.filter { !made.contains($0.preset) && FileManager.default.fileExists(atPath: $0.path) }
        result.deliverables = kept + deliverables
        if result.cropPath == nil { result.cropPath = previous.cropPath }
        return result
    }
}
