import Foundation
import KijkoLLM
public import KijkoPipeline
import KijkoCore

/// Concept Generator: N concepts (default 100) asked for in batches of 10, batches in parallel up
/// to the context's concurrency; near-duplicates removed (more batches are asked for, up to three,
/// to make up the number), the rest ranked by relevance and uniqueness with the scores shown.
public struct ConceptGeneratorAgent: PipelineAgent {
    public let name = "concept_generator"
    public let type = "pre-production"
    public let context: AgentContext
    public var count: Int
    public static let batchSize = 10

    public init(context: AgentContext, count: Int = 100) {
        self.context = context
        self.count = max(1, count)
    }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let facts = try AgentInputs.facts(given)
        let vrd = AgentInputs.document(VideoRequirements.self, in: given)
        let trends = AgentInputs.document(TrendReport.self, in: given)
        var usage = LLMUsage()
        var calls: [LLMCallRecord] = []
        var batches = 0
        var removed = 0
        var kept: [(idea: ConceptIdea, words: Set<String>)] = []
        var round = 0
        while kept.count < count, round < 4 {
            let needed = (count - kept.count + Self.batchSize - 1) / Self.batchSize
            let first = batches
            let answers = try batch(range: first..<(first + needed), facts: facts, vrd: vrd, trends: trends, given: given)
            batches += needed
            for answer in answers {
                usage = usage + answer.usage
                calls += answer.calls
            }
            for idea in answers.flatMap(\.ideas) where kept.count < count {
                let words = Self.words(idea)
                if kept.contains(where: { Self.overlap($0.words, words) >= 0.8 }) { removed += 1; continue }
                kept.append((idea, words))
            }
            round += 1
        }
        let brief = Set(facts.keywords).union(facts.brand.lowercased().split(separator: " ").map(String.init))
        var concepts = kept.enumerated().map { index, entry -> Concepts.Concept in
            let relevance = brief.isEmpty ? 0 : Double(entry.words.intersection(brief).count) / Double(min(brief.count, 8))
            let closest = kept.enumerated().filter { $0.offset != index }.map { Self.overlap($0.element.words, entry.words) }.max() ?? 0
            let r = (min(1, relevance) * 1000).rounded() / 1000, u = ((1 - closest) * 1000).rounded() / 1000
            return Concepts.Concept(rank: 0, idea: entry.idea, relevance: r, uniqueness: u, score: ((0.6 * r + 0.4 * u) * 1000).rounded() / 1000)
        }
        concepts.sort { ($0.score, $1.title) > ($1.score, $0.title) }
        for i in concepts.indices { concepts[i].rank = i + 1 }
        var notes: [String] = []
        if concepts.count < count { notes.append("\(concepts.count) distinct concepts of \(count) asked for after \(batches) batches") }
        let document = Concepts(requested: count, batches: batches, duplicatesRemoved: removed, concepts: concepts)
        let folder = ArtefactFolder(given.workFolder)
        var md = Provenance.header(context) + "# Concepts (\(concepts.count) of \(count), \(batches) batches, \(removed) near-duplicates removed)\n\n"
        md += "| rank | concept | key message | emotion | angle | hook | relevance | uniqueness | score |\n|---|---|---|---|---|---|---|---|---|\n"
        md += concepts.map {
            "| \($0.rank) | **\($0.title)** — \($0.idea.bigIdea) _\($0.idea.visualApproach)_ | \($0.idea.keyMessage) | \($0.idea.targetEmotion) | \($0.idea.angle) | \($0.idea.hook) | \($0.relevance) | \($0.uniqueness) | \($0.score) |\n"
        }.joined()
        let artefacts = [try folder.write(Concepts.encoder.encode(document), as: "concepts.json", name: "concepts", type: "json"),
                         try folder.write(md, as: "concepts.md", name: "concepts (ranked)", type: "markdown")]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: document, artefacts: artefacts, notes: notes, summary: concepts.first.map { String(format: "%d concepts; #1 “%@” (score %.3f)", concepts.count, $0.title, $0.score) } ?? "no concepts"),
                                                          provenance: context.provenance, model: calls.first?.model),
                           usage: usage, calls: calls)
    }

    struct Answer: Sendable {
        var ideas: [ConceptIdea]
        var usage: LLMUsage
        var calls: [LLMCallRecord]
    }

    /// Batches `range`, in parallel up to the concurrency limit; the first failure fails them all.
    func batch(range: Range<Int>, facts: BriefFacts, vrd: VideoRequirements?, trends: TrendReport?, given: AgentInput) throws -> [Answer] {
        guard let client = context.client else { return range.map { Answer(ideas: Self.offline(batch: $0, facts: facts, trends: trends), usage: LLMUsage(), calls: []) } }
        let template = try PromptTemplate.named("concept_generator", folder: context.promptFolder)
        let results = SharedList<(Int, Result<Answer, AgentError>)>()
        let indices = Array(range)
        ParallelLoop.forEach(indices.count, limit: context.concurrency) { i in
            var values = AgentInputs.promptValues(given, input: ["batch": "\(indices[i] + 1)", "size": "\(Self.batchSize)",
                                                                 "audience": vrd?.audience ?? facts.audience,
                                                                 "trends": trends?.trends.map(\.name).joined(separator: ", ") ?? ""])
            values["batch"] = String(indices[i] + 1)
            do {
                let answer = try ModelCall.document(ConceptBatch.self, client: client, prompt: template, values: values, temperature: 0.9, maxTokens: 3000)
                results.append((i, .success(Answer(ideas: answer.document.concepts, usage: answer.usage, calls: [answer.call]))))
            } catch {
                results.append((i, .failure(error as? AgentError ?? AgentError("\(error)"))))
            }
        }
        return try results.all.sorted { $0.0 < $1.0 }.map { try $0.1.get() }
    }

    /// Offline ideas for batch `n`: brief facts crossed with angles, settings and hooks, all distinct.
    static func offline(batch n: Int, facts: BriefFacts, trends: TrendReport?) -> [ConceptIdea] {
        let angles = ["Before and after", "A day in the life", "The unexpected hero", "Slow reveal", "Countdown", "Tiny details",
                      "Split screen", "One continuous take", "Reverse chronology", "Street interview"]
        let settings = ["rooftop at dawn", "busy market", "quiet kitchen", "night bus", "coastal road", "school gate", "studio white",
                        "rain-soaked alley", "mountain trail", "office lift"]
        let hooks = ["a sound that stops you", "a question on screen", "a bold colour pop", "a familiar frustration", "a surprising number",
                     "a close-up that puzzles", "a laugh in the first second", "a whispered line", "a hand reaching for it", "silence, then music"]
        let emotions = ["joy", "relief", "pride", "curiosity", "belonging", "surprise", "calm", "confidence"]
        let trend = trends?.trends.first?.name
        let messages = facts.messages.isEmpty ? ["\(facts.product) makes the day lighter"] : facts.messages
        return (0..<batchSize).map { k in
            let i = n * batchSize + k
            let angle = angles[i % angles.count], setting = settings[(i / angles.count) % settings.count]
            let hook = hooks[(i * 3 + i / angles.count) % hooks.count]
            return ConceptIdea(
                title: "\(angle): \(setting)",
                bigIdea: "\(facts.product) for \(facts.audience), told as \(angle.lowercased()) on a \(setting)"
                    + (trend.map { ", riding the \($0) trend" } ?? "") + ".",
                visualApproach: "\(setting.capitalized), \(facts.tone)", keyMessage: messages[i % messages.count],
                targetEmotion: emotions[(i + i / angles.count) % emotions.count], angle: angle, hook: "Open on \(hook).")
        }
    }

    static func words(_ idea: ConceptIdea) -> Set<String> {
        Set("\(idea.title) \(idea.bigIdea) \(idea.angle) \(idea.hook)".lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map(String.init).filter { $0.count > 2 })
    }

    /// Jaccard overlap of two word sets.
    static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }
}
