import Foundation
import KijkoCore
import KijkoDelivery
import KijkoLLM
import KijkoMedia
public import KijkoPipeline
import KijkoQC

/// QC Sentinel: a full audit of the rough cut (or the job's master) — picture, sound, levels,
/// flashes, loudness — with the HTML report; with a model configured, keyframes and failing
/// frames go to the vision review through the same client. A failing master is a verdict for the
/// reviewers, not a failed step.
public struct QCSentinelAgent: PipelineAgent {
    public let name = "qc_sentinel"
    public let type = "post"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let facts = try AgentInputs.facts(given)
        let file = try VersionGeneratorAgent.master(given)
        // Broadcast rules when the job is for TV; streaming/social loudness otherwise.
        let profile = facts.platforms.contains("tv") ? "broadcast-ebu" : "social"
        let folder = ArtefactFolder((given.workFolder as NSString).appendingPathComponent("qc"))
        try folder.create()
        let vision: VisionStage.Request = context.client.map { client in
            // The same server and policy, asking the vision model.
            let visionClient = ChatClient(endpoint: LLMEndpoint(baseURL: client.endpoint.baseURL, model: client.endpoint.visionModel,
                                                                apiKey: client.endpoint.apiKey),
                                          retry: client.retry, timeout: client.timeout, prices: client.prices)
            return .review(VisionReviewer(client: visionClient, brand: AgentInputs.document(VideoRequirements.self, in: given)?.brandGuidelines.joined(separator: "\n"),
                                          concurrency: context.concurrency))
        } ?? .skipped("offline: no model configured for the vision review")
        let started = Date()
        // The same service `kijko qc` calls.
        var request = QCService.Request(files: [file], outputFolder: folder.path)
        request.profile = profile
        request.reviewer = vision
        let result = try QCService.perform(request, progress: given.progress)
        guard let written = result.files.first?.report else { throw AgentError(result.files.first?.failure ?? "\(file): not audited") }
        let verdict = QCVerdict(file: file, profile: written.profile, status: written.status.rawValue,
                                errors: written.issues.filter { $0.severity == .error }.count, warnings: written.issues.filter { $0.severity == .warning }.count,
                                issues: written.issues.map { .init(check: $0.check, severity: $0.severity.rawValue, start: $0.start, end: $0.end, message: $0.message) },
                                reportHtml: folder.file("qc-report.html"), reportJson: folder.file("qc-report.json"),
                                vision: written.vision?.status.rawValue ?? "skipped")
        let usage = written.vision?.usage ?? LLMUsage()
        // The review's calls ran in parallel: one record for them all, with their summed usage.
        let calls = usage.calls == 0 ? [] : [LLMCallRecord(model: written.vision?.model ?? "", started: started, latency: Date().timeIntervalSince(started),
                                                           promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, cost: usage.cost,
                                                           prompt: "vision review of \(written.vision?.frames.count ?? 0) frames of \(file)",
                                                           reply: "\(written.vision?.frames.reduce(0) { $0 + $1.findings.count } ?? 0) findings")]
        let artefacts = [Artefact(name: "QC report", path: verdict.reportHtml, type: "html"), Artefact(name: "QC report (JSON)", path: verdict.reportJson, type: "json")]
        let notes = written.status == .pass ? [] : ["QC \(written.status.rawValue): \(English.count(verdict.errors, "error")), \(English.count(verdict.warnings, "warning")) — see the report"]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: verdict, artefacts: artefacts, notes: notes, summary: "QC \(verdict.status) (\(verdict.profile)): \(English.count(verdict.errors, "error")), \(English.count(verdict.warnings, "warning")); vision \(verdict.vision)"), provenance: "native",
                                                          model: written.vision?.model), usage: usage, calls: calls)
    }
}
