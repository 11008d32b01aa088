import Foundation

/// Which process runs a job: ids resolved, a job claimed by pid, a dead holder's interrupted
/// steps marked to run again.
extension PipelineRunner {
    /// The full id of the job `id` names (its full id or a unique prefix).
    public func resolve(_ id: String) throws -> String { try store.resolveJob(id) }

    /// Takes the job for this process, or says which live process holds it.
    func claim(_ job: String) throws -> PipelineStore.JobClaim { try store.claimJob(job, pid: getpid()) }

    func release(_ job: String) throws { try store.releaseJob(job, pid: getpid()) }
}
