import Foundation
import KijkoCore
public import KijkoPipeline

/// Whether a version may go out: it passed its preset's checks and QC, or a person approved past
/// the failure at a gate with a reason (`override: {by, reason}` in the gate's output). Traffic
/// schedules and Distribution packages only what is cleared; each checks for itself.
public struct DeliveryClearance: Sendable {
    public enum Decision: Sendable, Equatable {
        /// May go out; the QC status to record (`pass`, or `not audited` when no QC ran).
        case clear(String)
        /// Failed, delivered on a person's override: what to record.
        case overridden(String)
        /// Held back, and why.
        case held(String)
    }

    public let verdict: QCVerdict?
    public let versions: [VersionSet.Version]
    /// Who overrode a failure, and why.
    public let override: (by: String, reason: String)?

    public init(_ given: AgentInput) {
        verdict = AgentInputs.document(QCVerdict.self, in: given)
        versions = AgentInputs.document(VersionSet.self, in: given)?.versions ?? []
        var found: (String, String)?
        for (_, text) in given.upstream.sorted(by: { $0.key < $1.key }) where text.contains("\"override\"") {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                  let reason = value["override"]?["reason"]?.stringValue, !reason.isEmpty else { continue }
            found = (value["override"]?["by"]?.stringValue ?? "someone", reason)
        }
        override = found
    }

    /// The decision for the delivered file at `path`.
    public func decide(_ path: String) -> Decision {
        var failures: [String] = []
        if let version = versions.first(where: { $0.path == path }), !version.pass {
            failures.append("its preset's checks failed" + (version.failedChecks.isEmpty ? "" : " (\(version.failedChecks.joined(separator: "; ")))"))
        }
        let audit = verdict?.audit(of: path)
        if let audit, !audit.passed {
            failures.append("QC \(audit.status), \(English.count(audit.errors, "error"))"
                            + (audit.issues.first { $0.severity == "error" }.map { ": \($0.message)" } ?? ""))
        }
        guard !failures.isEmpty else { return .clear(audit?.status ?? "not audited") }
        if let override { return .overridden("failed (\(failures.joined(separator: "; "))) — delivered on override by \(override.by): \(override.reason)") }
        return .held(failures.joined(separator: "; "))
    }
}
