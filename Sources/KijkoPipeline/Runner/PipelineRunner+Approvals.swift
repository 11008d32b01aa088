import Foundation
public import KijkoCore

/// People's decisions: approve or reject a pending request, in one transaction with its span and
/// the job's approval history, synced to disk before the command says it is done.
extension PipelineRunner {
    /// Approves a pending request; returns its job. A request already decided is an error and
    /// nothing changes.
    /// With `seen`, the content hash the reviewer saw must still be the request's; `choice` is
    /// what they picked (one of ranked concepts, say), recorded with the decision and given to
    /// the steps after the gate; `override` is why they approve past failing checks, and which,
    /// given to the steps after the gate as `override: {by, reason, past}`.
    public func approve(_ request: String, by: String?, feedback: String? = nil, seen: String? = nil, choice: JSONValue? = nil,
                        override: Override? = nil) throws -> String {
        try store.decide(request, status: "approved", by: by, feedback: feedback, seen: seen, choice: choice, override: override)
    }

    /// Rejects a pending request with the reviewer's feedback (required); returns its job.
    public func reject(_ request: String, by: String?, feedback: String, seen: String? = nil) throws -> String {
        guard !feedback.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw PipelineError("a rejection needs feedback: what should change")
        }
        return try store.decide(request, status: "rejected", by: by, feedback: feedback, seen: seen)
    }
}
