public import Foundation
import KijkoLLM
public import KijkoPipeline
public import KijkoCore

/// An agent that drafts one document: from a model when the context has a client, otherwise
/// offline (deterministic, from the brief and the upstream documents). Either way the draft then
/// passes through `finish`, where what must be computed (costs, durations, files) is done in code.
public protocol DraftingAgent: PipelineAgent, CostEstimating {
    associatedtype Input: Codable & Sendable
    associatedtype Output: AgentDocument
    var context: AgentContext { get }
    /// The prompt template's name in the prompts folder.
    var prompt: String { get }
    var temperature: Double { get }
    var maxTokens: Int { get }
    /// The typed input, gathered from the brief and the job's earlier documents.
    func input(_ given: AgentInput, facts: BriefFacts) throws -> Input
    /// Pictures (JPEG) the model is shown with the prompt; none by default.
    func images(_ input: Input) throws -> [Data]
    /// The offline provider's draft.
    func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> Output
    /// Code's part, after either provider: computed fields, checks, files.
    func finish(_ output: Output, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<Output>
}

/// A document with the files written from it and notes for people.
public struct Finished<Output: Sendable>: Sendable {
    public var document: Output
    public var artefacts: [Artefact]
    public var notes: [String]
    /// One line for people: what the step decided or made.
    public var summary: String?

    public init(document: Output, artefacts: [Artefact] = [], notes: [String] = [], summary: String? = nil) {
        self.document = document
        self.artefacts = artefacts
        self.notes = notes
        self.summary = summary
    }
}

extension DraftingAgent {
    public var temperature: Double { 0.4 }
    public var maxTokens: Int { 4000 }
    public func images(_ input: Input) throws -> [Data] { [] }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let facts = try AgentInputs.facts(given)
        let typed = try input(given, facts: facts)
        var usage = LLMUsage()
        var calls: [LLMCallRecord] = []
        let document: Output
        var model: String?
        if let client = context.client {
            let template = try PromptTemplate.named(prompt, folder: context.promptFolder)
            let answer = try ModelCall.document(Output.self, client: client, prompt: template,
                                                values: AgentInputs.promptValues(given, input: typed), temperature: temperature, maxTokens: maxTokens,
                                                images: try images(typed))
            document = answer.document
            usage = answer.usage
            calls = [answer.call]
            model = answer.call.model
        } else {
            document = try draft(typed, facts: facts, given: given)
        }
        var finished = try finish(document, input: typed, facts: facts, given: given)
        finished.artefacts.insert(try ArtefactFolder(given.workFolder).write(
            Output.encoder.encode(finished.document), as: "\(Output.kind).json", name: Output.kind.replacingOccurrences(of: "_", with: " "), type: "json"), at: 0)
        return AgentOutput(output: try AgentEnvelope.wrap(finished, provenance: context.provenance, model: model), usage: usage, calls: calls)
    }
}

/// The fields every production agent's output carries beside its document's own.
public enum AgentEnvelope {
    /// `kind`, `provenance` (`offline-draft`, `model`, `native`, `comfyui`), `model`, `artefacts`, `notes`, `summary`.
    public static let keys: Set<String> = ["kind", "provenance", "model", "artefacts", "notes", "summary"]

    public static func wrap<D: AgentDocument>(_ finished: Finished<D>, provenance: String, model: String?) throws -> JSONValue {
        guard case .object(var fields) = try finished.document.json() else { throw AgentError("\(D.kind): not a JSON object") }
        fields["kind"] = .string(D.kind)
        fields["provenance"] = .string(provenance)
        if let model { fields["model"] = .string(model) }
        fields["artefacts"] = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(finished.artefacts))
        if !finished.notes.isEmpty { fields["notes"] = .array(finished.notes.map { .string($0) }) }
        if let summary = finished.summary { fields["summary"] = .string(summary) }
        return .object(fields)
    }

    /// The document's own fields of an agent output.
    public static func document(of output: JSONValue) -> JSONValue {
        guard case .object(let fields) = output else { return output }
        return .object(fields.filter { !keys.contains($0.key) })
    }
}
