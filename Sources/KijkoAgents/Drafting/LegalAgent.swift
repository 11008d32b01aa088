import Foundation
import KijkoCore
public import KijkoPipeline

/// Legal/Compliance: the script (supers included) and captions checked line by line against the
/// rules in `presets/compliance/`, hits cited by file and line; required disclosures checked; a
/// model, when configured, adds its judgement and findings of its own (marked `judgement`).
public struct LegalAgent: DraftingAgent {
    public let name = "legal"
    public let type = "post"
    public let prompt = "legal"
    public let context: AgentContext
    public var temperature: Double { 0.1 }

    public init(context: AgentContext) { self.context = context }

    public struct Source: Codable, Sendable {
        /// `script` or `captions`.
        public var role: String
        public var path: String
        public var lines: [String]
    }

    public struct Input: Codable, Sendable {
        public var sources: [Source]
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        var sources: [Source] = []
        for (kind, artefact) in AgentInputs.artefacts(ofType: "markdown", in: given) where kind == Script.kind || kind == Captions.kind {
            guard let text = try? String(contentsOfFile: artefact.path, encoding: .utf8) else { continue }
            sources.append(Source(role: kind == Script.kind ? "script" : "captions", path: artefact.path, lines: text.components(separatedBy: "\n")))
        }
        return Input(sources: sources)
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> LegalReview {
        LegalReview(verdict: "clear", findings: [], judgement: "Rule checks only (offline: no model judgement).", checked: [])
    }

    public func finish(_ output: LegalReview, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<LegalReview> {
        let rules = try ComplianceRules.load(folder: context.preset("compliance"))
        var findings: [LegalReview.Finding] = []
        for source in input.sources {
            for (i, line) in source.lines.enumerated() where !line.hasPrefix(">") {
                for rule in rules.rules {
                    guard let hit = rule.pattern.firstMatchText(line) else { continue }
                    findings.append(.init(rule: rule.id, category: rule.category, severity: rule.severity, source: source.path, line: i + 1,
                                          excerpt: String(line.prefix(160)), message: "“\(hit)”: \(rule.message)"))
                }
            }
        }
        for requirement in rules.requirements where requirement.whenBrief?.matches(given.brief) ?? true {
            for source in input.sources where requirement.appliesTo == "all" || requirement.appliesTo == source.role {
                // Every post (a `POST:` line) must carry it; a file with no post lines is checked as a whole.
                let posts = source.lines.enumerated().filter { $0.element.hasPrefix("POST") }
                if posts.isEmpty, !requirement.require.matches(source.lines.joined(separator: "\n")) {
                    findings.append(.init(rule: requirement.id, category: requirement.category, severity: requirement.severity, source: source.path,
                                          line: 0, excerpt: "", message: requirement.message))
                }
                for (i, line) in posts where !requirement.require.matches(line) {
                    findings.append(.init(rule: requirement.id, category: requirement.category, severity: requirement.severity, source: source.path,
                                          line: i + 1, excerpt: String(line.prefix(160)), message: requirement.message))
                }
            }
        }
        // A model's own findings are kept, marked as judgement.
        for finding in output.findings where !findings.contains(where: { $0.source == finding.source && $0.line == finding.line && $0.rule == finding.rule }) {
            var judged = finding
            judged.rule = "judgement"
            findings.append(judged)
        }
        // With nothing to read nothing was cleared: `not_checked`, never `clear`.
        let verdict = input.sources.isEmpty && findings.isEmpty ? "not_checked"
            : findings.contains { $0.severity == "error" } ? "changes_required" : (findings.contains { $0.severity == "warning" } ? "review" : "clear")
        let review = LegalReview(verdict: verdict, findings: findings,
                                 judgement: context.client == nil ? "Rule checks only (offline: no model judgement)." : output.judgement,
                                 checked: input.sources.map(\.path))
        var notes: [String] = []
        if input.sources.isEmpty { notes.append("no script or captions among the job's earlier steps: nothing to check") }
        var md = Provenance.header(context) + "# Legal / compliance review: \(verdict)\n\n\(review.judgement)\n\n"
        md += "| severity | category | where | excerpt | note |\n|---|---|---|---|---|\n"
        md += findings.map { "| \($0.severity) | \($0.category) | \(($0.source as NSString).lastPathComponent)\($0.line > 0 ? ":\($0.line)" : "") | \($0.excerpt.replacingOccurrences(of: "|", with: "\\|")) | \($0.message) |\n" }.joined()
        return Finished(document: review, artefacts: [try ArtefactFolder(given.workFolder).write(md, as: "legal_review.md", name: "legal review", type: "markdown")], notes: notes, summary: "Verdict: \(verdict) — \(English.count(findings.filter { $0.severity == "error" }.count, "error")), \(English.count(findings.filter { $0.severity == "warning" }.count, "warning")), \(findings.filter { $0.severity == "info" }.count) clearances")
    }
}
