import Foundation
import KijkoCore
import KijkoLLM
import KijkoAgents
import KijkoPipeline

/// The runner's own stand-in agents, for its tests (the product runs KijkoAgents' production
/// agents): each drafts its part deterministically from the brief and its inputs,
/// marked `"provenance": "offline-draft"`. The budget solver's choice is computed (it drives the
/// film workflow's branch). `noop` does nothing, for benchmarks.
enum BuiltinAgents {
    /// Every built-in agent, by the names the shipped workflow templates use.
    static var registry: AgentRegistry {
        var registry = AgentRegistry()
        let drafts: [(String, String, String)] = [
            ("brief_intake", "brief", "brief summary"), ("vrd", "pre-production", "video requirements document"),
            ("scriptsmith", "pre-production", "script"), ("shotmaster", "pre-production", "shot list"),
            ("breakdown", "pre-production", "script breakdown"), ("moodmaker", "pre-production", "mood board"),
            ("concept_generator", "pre-production", "concepts"), ("boardbuilder", "pre-production", "storyboards"),
            ("presentation", "pre-production", "client presentation"), ("production", "production", "production plan"),
            ("assembler", "post", "rough cut"), ("qc_sentinel", "post", "QC report"), ("version_generator", "post", "versions"),
            ("legal", "post", "legal review"), ("traffic", "post", "delivery schedule"), ("distribution", "post", "distribution"),
            ("trend_analyst", "pre-production", "trend report"), ("platform_optimizer", "post", "platform versions"),
            ("captions", "post", "captions"), ("scheduler", "post", "posting schedule"),
        ]
        for (name, type, what) in drafts { registry.add(DraftAgent(name: name, type: type, what: what)) }
        registry.add(StandInBudgetSolver())
        registry.add(NoopAgent())
        return registry
    }
}

/// Drafts its part from the brief and its inputs, marked as an offline draft.
struct DraftAgent: PipelineAgent {
    let name: String
    let type: String
    let what: String

    func run(_ input: AgentInput) throws -> AgentOutput {
        let firstLine = input.brief.split(whereSeparator: \.isNewline).first.map(String.init) ?? input.brief
        var fields: [String: JSONValue] = [
            "provenance": "offline-draft",
            "agent": .string(name),
            "title": .string("\(what.prefix(1).uppercased() + what.dropFirst()) for \(input.client ?? "the client")"),
            "summary": .string("Draft \(what) from the brief: \(firstLine.prefix(160))"),
            "from_steps": .array(input.inputs.keys.sorted().map { .string($0) }),
            "revision": .number(Double(input.revision)),
        ]
        if !input.feedback.isEmpty { fields["addresses_feedback"] = .array(input.feedback.map { .string($0) }) }
        return AgentOutput(output: .object(fields))
    }
}

/// Chooses the production method from the money available: AI-only under $25k, hybrid under
/// $250k, traditional above. The budget comes from `--budget` or the brief's text ("$40,000",
/// "40k", "budget: 40000").
struct StandInBudgetSolver: PipelineAgent {
    let name = "budget_solver"
    let type = "pre-production"

    func run(_ input: AgentInput) throws -> AgentOutput {
        let budget = input.budget ?? MoneyText.amount(in: input.brief)
        let method: String
        switch budget {
        case nil: method = "hybrid"
        case let b? where b < 25_000: method = "ai"
        case let b? where b < 250_000: method = "hybrid"
        default: method = "traditional"
        }
        var fields: [String: JSONValue] = ["provenance": "offline-draft", "agent": .string(name), "method": .string(method),
                                           "reason": .string(budget.map { String(format: "budget $%.0f", $0) } ?? "no budget given: hybrid by default")]
        if let budget { fields["budget"] = .number(budget) }
        return AgentOutput(output: .object(fields))
    }
}


extension PipelineRunner {
    /// A runner with the stand-ins.
    convenience init(store: PipelineStore) { self.init(store: store, agents: BuiltinAgents.registry) }
}
