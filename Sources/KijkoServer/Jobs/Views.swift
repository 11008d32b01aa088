import Foundation
import KijkoAgents
import KijkoCore
import KijkoPipeline

/// A file a step made, with the address the server serves it at.
struct ArtefactView: Codable, Sendable, Equatable {
    var name: String
    var type: String
    /// The file's path inside the job's folder.
    var path: String
    /// `/artefacts/JOB/PATH`; nil for a file outside the job's folder (not served).
    var url: String?

    init(_ artefact: PipelineStore.StepArtefact, job: String, folder: String) {
        name = artefact.name
        type = artefact.type
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        if artefact.path.hasPrefix(base) {
            let relative = String(artefact.path.dropFirst(base.count))
            path = relative
            url = "/artefacts/\(job)/" + relative.split(separator: "/").map { Self.escape(String($0)) }.joined(separator: "/")
        } else {
            path = artefact.path
            url = nil
        }
    }

    /// A path segment percent-encoded (a slash inside a name would be refused, never followed).
    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? segment
    }
}

/// A step as the API shows it.
struct StepView: Codable, Sendable {
    var step: String
    var agent: String
    /// `not_started`, `running`, `completed`, `failed`, `awaiting_approval`, `skipped`, `to_run_again`.
    var status: String
    var durationSeconds: Double?
    var cost: Double
    var tokens: Int
    var error: String?
    var earlier: Int
    var provenance: String?
    var summary: String?
    var notes: [String]
    var artefacts: [ArtefactView]
    /// A gate's role (a step people decide), nil for an agent's step.
    var gateRole: String?

    init(_ record: PipelineStore.StepRecord, job: String, folder: String) {
        step = record.step
        agent = record.agent
        status = record.status
        durationSeconds = record.durationSeconds
        cost = record.cost
        tokens = record.tokens
        error = record.error
        earlier = record.earlier
        provenance = record.provenance
        summary = record.summary
        notes = record.notes
        artefacts = record.artefacts.map { ArtefactView($0, job: job, folder: folder) }
        gateRole = record.agent.hasPrefix("gate: ") ? String(record.agent.dropFirst(6)) : nil
    }
}

/// A job as `GET /api/production/{id}` answers it.
struct JobView: Codable, Sendable {
    var job: PipelineStore.JobSummary
    var brief: String
    var steps: [StepView]
    /// Every approval request of the job, oldest first.
    var approvals: [PipelineStore.ApprovalRecord]
    /// Ids of the requests waiting for a decision.
    var pendingApprovals: [String]
    /// The job's server-sent events.
    var events: String
    /// Its dashboard page.
    var page: String

    init(_ detail: PipelineStore.JobDetail, folder: String) {
        let id = detail.job.id
        job = detail.job
        brief = detail.brief
        steps = detail.steps.map { StepView($0, job: id, folder: folder) }
        approvals = detail.approvals
        pendingApprovals = detail.approvals.filter { $0.status == "pending" }.map(\.id)
        events = "/api/production/\(id)/events"
        page = "/jobs/\(id)"
    }
}

/// An approval request as `GET /api/approval/{id}` answers it: what is reviewed, its hash, its
/// files, and the gate's earlier revisions with their feedback.
struct ApprovalView: Codable, Sendable {
    var approval: PipelineStore.ApprovalRecord
    var workflow: String
    /// The reviewed step's files.
    var artefacts: [ArtefactView]
    /// Earlier requests of the same gate, oldest first, with their decisions and feedback.
    var revisions: [PipelineStore.ApprovalRecord]
    /// Whether the asking person may decide it (their role is the gate's, or admin).
    var canDecide: Bool
    /// Options to choose from, when the reviewed output ranks some (concepts): their titles.
    var choices: [String]
    /// What holds a pending gate: each delivered file that failed QC; approving it takes an override.
    var held: [String]

    init(_ approval: PipelineStore.ApprovalRecord, detail: PipelineStore.JobDetail, revisions: [PipelineStore.ApprovalRecord],
         folder: String, person: PipelineStore.Person, held: [String]) {
        self.approval = approval
        workflow = detail.job.workflow
        let reviewed = approval.content?["step"]?.stringValue
        artefacts = (detail.steps.first { $0.step == reviewed }?.artefacts ?? []).map { ArtefactView($0, job: approval.job, folder: folder) }
        self.revisions = revisions.filter { $0.id != approval.id && $0.createdAt <= approval.createdAt }
        canDecide = approval.status == "pending" && person.role.decides(gateRole: approval.role)
        choices = ApprovalChoice.options(in: approval.content?["content"])
        self.held = held
    }
}
