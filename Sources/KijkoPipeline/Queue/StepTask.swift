import Foundation

/// A step waiting in the shared queue or leased to a worker (`step_tasks`): which job and step,
/// what the step needs (a capability, files), and the fencing token of its current lease.
public struct StepTask: Sendable, Equatable, Codable {
    public var id: String
    public var job: String
    public var step: String
    /// `media` (renders, versions, QC: decodes and encodes) or `llm` (drafts through a model).
    public var capability: String
    /// Files and folders a worker must see to run the step (the job's media, master, artefacts).
    public var needs: [String]
    /// Bumped by every claim: a result is committed only under the fence it was claimed with.
    public var fence: Int64
    /// How many times the step was claimed (1: never taken over).
    public var claims: Int
}

/// The lease a worker holds on a task while it runs it.
public struct TaskLease: Sendable, Equatable {
    public var task: String
    public var fence: Int64
    public var worker: String
}

/// A worker's lease was taken over (it paused past its expiry and another worker claimed the
/// step): what it made is not committed.
public struct LeaseLost: Error, CustomStringConvertible, Sendable {
    public let task: String
    public var description: String { "the lease on task \(task.prefix(8)) was taken over by another worker; this run's result is dropped" }
}
