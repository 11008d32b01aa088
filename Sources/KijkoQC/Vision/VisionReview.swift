public import KijkoLLM

/// What the vision model said about the frames it was shown, and what asking took. Always present
/// in a report written with `--vision`: when the review could not run, `status` and `reason` say why.
public struct VisionReview: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// Not run: no endpoint configured.
        case skipped
        /// Every frame reviewed.
        case complete
        /// Some frames reviewed, some failed (see each frame's `error`).
        case partial
        /// No frame could be reviewed.
        case failed
    }

    /// One problem the model saw in a frame.
    public struct Finding: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable { case artifact, colour, text, brand, legal, other }
        public enum Severity: String, Codable, Sendable, CaseIterable { case low, medium, high }
        public var type: Kind
        public var severity: Severity
        public var description: String
    }

    /// One frame sent, why it was chosen, and the answer or the failure.
    public struct FrameResult: Codable, Sendable {
        public var frame: Int
        public var time: Double
        /// The JPEG that was sent.
        public var image: String
        /// e.g. "keyframe of shot 3", "black at frames 100–150".
        public var reason: String
        public var findings: [Finding]
        /// Why this frame has no answer, when it has none.
        public var error: String?
        public var attempts: Int
    }

    public var status: Status
    public var reason: String?
    /// The server (never the key) and model asked.
    public var endpoint: String?
    public var model: String?
    public var frames: [FrameResult]
    public var usage: LLMUsage

    public static func skipped(_ reason: String) -> VisionReview {
        VisionReview(status: .skipped, reason: reason, endpoint: nil, model: nil, frames: [], usage: LLMUsage())
    }
}
