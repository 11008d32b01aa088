/// One report from a long piece of work (a render, a set of versions, a QC batch, a job's steps),
/// as services hand them to front ends: the CLI draws a bar from them, the server forwards them as
/// server-sent events.
public struct ProgressEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A stage began (`stage` names it).
        case started
        /// Part of a stage is done (`fraction`, `frames`).
        case progress
        /// A stage ended.
        case finished
        /// Something worth a line in a log (`message`).
        case note
    }

    public var kind: Kind
    /// What is running: `render`, `versions`, `qc master.mp4`, a step's id.
    public var stage: String
    /// 0…1 of the stage, when known.
    public var fraction: Double?
    /// Frames done in the stage, when it counts frames.
    public var frames: Int?
    public var message: String?

    public init(_ kind: Kind, stage: String, fraction: Double? = nil, frames: Int? = nil, message: String? = nil) {
        self.kind = kind
        self.stage = stage
        self.fraction = fraction
        self.frames = frames
        self.message = message
    }
}

/// Where a service sends its events; called on the service's own threads, so it must be quick
/// and thread-safe.
public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void
