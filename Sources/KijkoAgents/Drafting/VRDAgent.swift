import Foundation
import KijkoCore
public import KijkoPipeline

/// VRD: the video requirements document, from the brief.
public struct VRDAgent: DraftingAgent {
    public let name = "vrd"
    public let type = "pre-production"
    public let prompt = "vrd"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var facts: BriefFacts
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input { Input(facts: facts) }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> VideoRequirements {
        var deliverables: [VideoRequirements.Deliverable] = []
        let platformFor: [String: String] = ["16:9": facts.platforms.contains("tv") ? "tv" : "youtube", "9:16": facts.platforms.contains("tiktok") ? "tiktok" : "instagram",
                                             "1:1": "instagram", "4:5": "instagram"]
        for duration in facts.durations {
            for aspect in facts.aspects {
                deliverables.append(.init(name: "\(Int(duration))s \(aspect)", format: "mp4", duration: duration, aspect: aspect,
                                          platform: platformFor[aspect] ?? facts.platforms[0]))
            }
        }
        let budget = facts.budget ?? 25_000
        let feedback = given.feedback.isEmpty ? "" : " Revised for: " + given.feedback.joined(separator: "; ") + "."
        return VideoRequirements(
            title: facts.title,
            overview: "A \(Int(facts.target))-second film for \(facts.brand) (\(facts.product)), \(facts.tone) in tone, "
                + "running on \(facts.platforms.joined(separator: ", ")).\(feedback)",
            audience: facts.audience, keyMessages: facts.messages, targetDuration: facts.target, deliverables: deliverables,
            brandGuidelines: ["\(facts.brand) logo on the end card, clear of safe-area edges", "Tone: \(facts.tone)",
                              "Supers in the brand typeface, at least 4% of picture height"],
            technicalRequirements: ["Master 1920x1080, 25 fps, H.264 or ProRes", "Loudness -23 LUFS (broadcast) / -14 LUFS (social)",
                                    "Titles inside the 90% safe area", "Versions reframed for " + facts.aspects.joined(separator: ", ")],
            timeline: Schedule.milestones(from: context.today, [("Brief approved", 0), ("Script approved", 5), ("Shoot", 14),
                                                                ("Rough cut", 21), ("Final delivery", 28)]),
            budgetRange: .init(low: (budget * 0.8).rounded(), high: budget.rounded(), currency: currency(facts)))
    }

    /// The brief's currency, else the rates table's (USD when it cannot be read).
    func currency(_ facts: BriefFacts) -> String {
        facts.currency ?? (try? RateCard.load(path: context.preset("rates.yaml")))?.currency ?? "USD"
    }

    public func finish(_ output: VideoRequirements, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<VideoRequirements> {
        var notes: [String] = []
        var document = output
        // A model's range in another currency than the brief's is the brief's money mislabelled.
        let money = currency(facts)
        if document.budgetRange.currency != money {
            notes.append("budget range currency \(document.budgetRange.currency) set to the brief's \(money)")
            document.budgetRange.currency = money
        }
        if !(document.targetDuration > 0) {
            document.targetDuration = facts.target
            notes.append("target duration missing: set to the brief's \(Int(facts.target)) s")
        }
        let md = try ArtefactFolder(given.workFolder).write(Provenance.header(context) + document.markdown, as: "vrd.md", name: "VRD", type: "markdown")
        return Finished(document: document, artefacts: [md], notes: notes, summary: "\(Int(document.targetDuration)) s, \(English.count(document.deliverables.count, "deliverable")) (\(Set(document.deliverables.map(\.aspect)).sorted().joined(separator: ", ")))")
    }
}
