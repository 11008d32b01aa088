import Foundation
public import KijkoCore
public import KijkoPipeline

/// Whether a version may go out: it passed its preset's checks and QC, or a person approved past
/// exactly those failures at a gate, with a reason (`override: {by, reason, past}` in the gate's
/// output, `past` naming the failures it goes past, so it clears those and no later ones). A QC
/// verdict on record that cannot be read, or a version QC did not audit, is a failure too. Traffic,
/// the posting schedule and Distribution each check for themselves; ``JobsService`` holds a gate
/// after QC on the same lines.
public struct DeliveryClearance: Sendable {
    public enum Decision: Sendable, Equatable {
        /// May go out; the QC status to record (`pass`, or `not audited` when no QC ran).
        case clear(String)
        /// Failed, delivered on a person's override: what to record.
        case overridden(String)
        /// Held back, and why.
        case held(String)
    }

    /// An approval past failures.
    public struct Overriding: Sendable, Equatable {
        public var by: String
        public var reason: String
        public var past: Set<String>
    }

    public let verdict: QCVerdict?
    /// A QC verdict is on record but cannot be read (made by an older Kijko).
    public let verdictUnreadable: Bool
    public let versions: [VersionSet.Version]
    public let overrides: [Overriding]

    /// From a step's view of the job's earlier outputs.
    public init(_ given: AgentInput) {
        self.init(outputs: given.upstream.compactMapValues { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) })
    }

    /// From the job's current outputs (step → output).
    public init(outputs: [String: JSONValue]) {
        var verdict: QCVerdict?, unreadable = false
        var versions: [VersionSet.Version] = []
        var overrides: [Overriding] = []
        for (_, value) in outputs.sorted(by: { $0.key < $1.key }) {
            switch value["kind"]?.stringValue {
            case QCVerdict.kind?:
                if let read = try? QCVerdict.from(value) { verdict = read } else { unreadable = true }
            case VersionSet.kind?:
                versions = (try? VersionSet.from(value))?.versions ?? versions
            default:
                guard let reason = value["override"]?["reason"]?.stringValue, !reason.isEmpty else { continue }
                let past: Set<String>
                if case .array(let items)? = value["override"]?["past"] { past = Set(items.compactMap(\.stringValue)) } else { past = [] }
                overrides.append(Overriding(by: value["override"]?["by"]?.stringValue ?? "someone", reason: reason, past: past))
            }
        }
        self.verdict = verdict
        verdictUnreadable = unreadable
        self.versions = versions
        self.overrides = overrides
    }

    /// Each failure of the delivered file at `path`, a line each (`name: what failed`).
    public func failures(_ path: String) -> [String] {
        let version = versions.first { $0.path == path }
        let audit = verdict?.audit(of: path)
        let name = version?.preset ?? audit?.name ?? (path as NSString).lastPathComponent
        var found: [String] = []
        if let version, !version.pass {
            found.append("\(name): its preset's checks failed" + (version.failedChecks.isEmpty ? "" : " (\(version.failedChecks.joined(separator: "; ")))"))
        }
        if verdictUnreadable {
            found.append("\(name): the QC verdict on record cannot be read; run QC again")
        } else if let audit {
            if !audit.passed { found.append("\(name): \(audit.failure)") }
        } else if verdict != nil, let version, version.isVideo {
            found.append("\(name): not audited by QC")
        }
        return found
    }

    /// Every delivered file's failures: the versions', else the master's.
    public var allFailures: [String] {
        let files = versions.isEmpty ? [verdict?.master.file].compactMap { $0 } : versions.map(\.path)
        return files.flatMap(failures)
    }

    /// The failures no override goes past: what holds the next gate.
    public var unresolved: [String] { allFailures.filter { line in !overrides.contains { $0.past.contains(line) } } }

    /// The decision for the delivered file at `path`.
    public func decide(_ path: String) -> Decision {
        let failed = failures(path)
        guard !failed.isEmpty else { return .clear(verdict?.audit(of: path)?.status ?? "not audited") }
        let uncovered = failed.filter { line in !overrides.contains { $0.past.contains(line) } }
        guard uncovered.isEmpty, let by = overrides.first(where: { !$0.past.isDisjoint(with: failed) }) else {
            return .held((uncovered.isEmpty ? failed : uncovered).joined(separator: "; "))
        }
        return .overridden("failed (\(failed.joined(separator: "; "))) — delivered on override by \(by.by): \(by.reason)")
    }
}
