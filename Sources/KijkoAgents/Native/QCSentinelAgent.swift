import Foundation
import KijkoCore
import KijkoDelivery
import KijkoLLM
import KijkoMedia
public import KijkoPipeline
import KijkoPresets
import KijkoQC

/// QC Sentinel: audits what is delivered — each version the job made, against its platform's
/// loudness rules and its delivery preset — and the rough cut (or the job's master) it was made
/// from, each with its HTML report; with a model configured, the master's keyframes and failing
/// frames go to the vision review through the same client. A failing verdict is for the people
/// at the next gate, not a failed step: it holds traffic and distribution until one of them
/// overrides it with a reason.
public struct QCSentinelAgent: PipelineAgent {
    public let name = "qc_sentinel"
    public let type = "post"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let facts = try AgentInputs.facts(given)
        let file = try VersionGeneratorAgent.master(given)
        // Broadcast rules when the job is for TV; streaming/social loudness otherwise.
        let profile = facts.platforms.contains("tv") ? "broadcast-ebu" : "social"
        let root = (given.workFolder as NSString).appendingPathComponent("qc")
        let folder = ArtefactFolder(root)
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
        let master = Self.audit(written, file: file, preset: nil, folder: folder.path)
        var notes: [String] = []
        var versions: [QCVerdict.Audit] = []
        let all = AgentInputs.document(VersionSet.self, in: given)?.versions ?? []
        // Stills and display ads are pictures and loops in a byte budget: their presets' checks are their QC.
        let made = all.filter(\.isVideo)
        let pictures = all.filter { !$0.isVideo }
        if !pictures.isEmpty {
            notes.append("\(English.count(pictures.count, "still or display ad", plural: "stills and display ads")) checked against their presets, not audited as video: "
                         + pictures.map { "\($0.preset) \($0.pass ? "pass" : "fail")" }.joined(separator: ", "))
        }
        for (version, folder) in zip(made, QCService.reportFolders(made.map(\.path), under: (root as NSString).appendingPathComponent("versions"))) {
            versions.append(try audit(version, folder: folder, given: given, notes: &notes))
        }
        let verdict = QCVerdict(master: master, versions: versions, vision: written.vision?.status.rawValue ?? "skipped")
        let usage = written.vision?.usage ?? LLMUsage()
        // The review's calls ran in parallel: one record for them all, with their summed usage.
        let calls = usage.calls == 0 ? [] : [LLMCallRecord(model: written.vision?.model ?? "", started: started, latency: Date().timeIntervalSince(started),
                                                           promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, cost: usage.cost,
                                                           prompt: "vision review of \(written.vision?.frames.count ?? 0) frames of \(file)",
                                                           reply: "\(written.vision?.frames.reduce(0) { $0 + $1.findings.count } ?? 0) findings")]
        var artefacts = [Artefact(name: "QC report", path: master.reportHtml, type: "html"), Artefact(name: "QC report (JSON)", path: master.reportJson, type: "json")]
        artefacts += versions.map { Artefact(name: "QC report: \($0.preset ?? $0.file)", path: $0.reportHtml, type: "html") }
        for failed in verdict.delivered where !failed.passed {
            notes.append("\(failed.name): \(failed.failure)" + (failed.issues.first { $0.severity == "error" }?.fix.map { " — fix: \($0)" } ?? ""))
        }
        if !verdict.versions.isEmpty && !master.passed && verdict.status == "pass" {
            notes.append("the master fails its own audit (\(English.count(master.errors, "error"))) but every version made from it passes; the versions are what is delivered")
        }
        let what = versions.isEmpty ? "the master" : English.count(versions.count, "version")
        let summary = "QC \(verdict.status) on \(what): \(English.count(verdict.errors, "error")), \(English.count(verdict.warnings, "warning")); vision \(verdict.vision)"
            + (verdict.status == "pass" ? "" : "; traffic and distribution held until a person overrides it")
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: verdict, artefacts: artefacts, notes: notes, summary: summary), provenance: "native",
                                                          model: written.vision?.model), usage: usage, calls: calls)
    }

    /// One version audited against its preset, with the QC profile of its loudness target
    /// (−24 LKFS: ATSC A/85, −23: EBU R 128, else streaming/social); a preset QC cannot find is
    /// audited on loudness and picture alone, and the note says so.
    func audit(_ version: VersionSet.Version, folder: String, given: AgentInput, notes: inout [String]) throws -> QCVerdict.Audit {
        let preset = try? PresetLoader.standard().named([version.preset]).first
        var request = QCService.Request(files: [version.path], outputFolder: folder)
        let target = preset?.loudness
        request.profile = target == -24 ? "broadcast-atsc" : target == -23 ? "broadcast-ebu" : "social"
        request.spec = preset == nil ? nil : version.preset
        if preset == nil { notes.append("\(version.preset): no delivery preset of that name to check the version against; audited on its profile only") }
        let unreadable = { (why: String) in
            QCVerdict.Audit(file: version.path, preset: version.preset, profile: request.profile, status: "unreadable", errors: 1, warnings: 0,
                            issues: [.init(check: "readable", severity: "error", start: 0, end: 0, message: why, fix: nil)], reportHtml: "", reportJson: "")
        }
        let result: QCService.Result
        do { result = try QCService.perform(request, progress: given.progress) } catch let error as FileError { throw error } catch {
            // One version QC cannot audit is that version's failure, not the step's.
            return unreadable("\(error)")
        }
        guard let written = result.files.first?.report else { return unreadable(result.files.first?.failure ?? "not audited") }
        return Self.audit(written, file: version.path, preset: version.preset, folder: folder)
    }

    static func audit(_ report: QCReport, file: String, preset: String?, folder: String) -> QCVerdict.Audit {
        QCVerdict.Audit(file: file, preset: preset, profile: report.profile, status: report.status.rawValue,
                        errors: report.issues.filter { $0.severity == .error }.count, warnings: report.issues.filter { $0.severity == .warning }.count,
                        issues: report.issues.map { .init(check: $0.check, severity: $0.severity.rawValue, start: $0.start, end: $0.end, message: $0.message, fix: $0.fix) },
                        reportHtml: (folder as NSString).appendingPathComponent("qc-report.html"),
                        reportJson: (folder as NSString).appendingPathComponent("qc-report.json"))
    }
}
