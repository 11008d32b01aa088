import Foundation
import KijkoLLM
public import KijkoPipeline
import KijkoCore

/// Reading what a step was given: the brief's facts and the documents earlier steps made.
public enum AgentInputs {
    /// The brief's facts; an empty brief or one that is not text is refused with a clear message.
    public static func facts(_ given: AgentInput) throws -> BriefFacts {
        let text = given.brief.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AgentError("the brief is empty: give the job a brief to work from") }
        let controls = text.unicodeScalars.filter { $0.value < 0x20 && !"\n\r\t".unicodeScalars.contains($0) }.count
        guard controls * 20 < text.unicodeScalars.count else { throw AgentError("the brief is not text (it looks like binary data)") }
        return BriefFacts(text, client: given.client, budget: given.budget)
    }

    /// The latest document of `type` an earlier step made, or nil.
    public static func document<D: AgentDocument>(_ type: D.Type, in given: AgentInput) -> D? {
        let marker = "\"kind\":\"\(D.kind)\""
        for (_, text) in given.upstream.sorted(by: { $0.key < $1.key }) where text.contains(marker) {
            if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
               case .object(let fields) = value, fields["kind"] == .string(D.kind), let document = try? D.from(value) {
                return document
            }
        }
        return nil
    }

    /// The concept to make: the one a reviewer chose at a gate (`{"choice": {"index", "title"}}`
    /// in the gate's output, the title matching the ranked list), else the top-ranked one.
    public static func chosenConcept(in given: AgentInput) -> Concepts.Concept? {
        guard let concepts = document(Concepts.self, in: given)?.concepts else { return nil }
        for (_, text) in given.upstream.sorted(by: { $0.key < $1.key }) where text.contains("\"choice\"") {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                  case .number(let index)? = value["choice"]?["index"], let title = value["choice"]?["title"]?.stringValue,
                  index >= 0, index < Double(concepts.count), concepts[Int(index)].title == title else { continue }
            return concepts[Int(index)]
        }
        return concepts.first
    }

    /// The files earlier steps listed, of `type` (e.g. `video`), with the kind of document that listed them.
    public static func artefacts(ofType type: String? = nil, in given: AgentInput) -> [(kind: String, artefact: Artefact)] {
        var found: [(String, Artefact)] = []
        for (_, text) in given.upstream.sorted(by: { $0.key < $1.key }) where text.contains("\"artefacts\"") {
            guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                  case .string(let kind)? = fields["kind"], let list = fields["artefacts"],
                  let artefacts = try? JSONDecoder().decode([Artefact].self, from: JSONEncoder().encode(list)) else { continue }
            for artefact in artefacts where type == nil || artefact.type == type { found.append((kind, artefact)) }
        }
        return found
    }

    /// The placeholders a prompt template is filled with.
    public static func promptValues<I: Encodable>(_ given: AgentInput, input: I) -> [String: String] {
        let inputText = (try? JSONCoding.encoder.encode(input)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let feedback = given.feedback.isEmpty ? "none (first draft)"
            : given.feedback.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        return ["brief": given.brief, "client": given.client ?? "the client", "input": inputText, "feedback": feedback,
                "revision": String(given.revision)]
    }
}
