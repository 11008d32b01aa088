import Foundation

/// Which process runs a job: ids resolved, a job claimed by pid, a dead holder's interrupted
/// steps marked to run again.
extension PipelineRunner {
    /// The full id of the job `id` names (its full id or a unique prefix).
    public func resolve(_ id: String) throws -> String { try store.resolveJob(id) }

    /// Takes the job for this process. When another live process holds it, returns its pid.
    func claim(_ job: String) throws -> Int32? { try store.claimJob(job, pid: getpid()) }

    func release(_ job: String) throws { try store.releaseJob(job, pid: getpid()) }
}
