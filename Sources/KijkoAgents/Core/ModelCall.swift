public import Foundation
public import KijkoLLM
public import KijkoPipeline
import KijkoCore

/// One structured model call for an agent document: the prompt template filled, the document's
/// schema as `response_format`, the reply checked against the schema and the document's own rules
/// (``AgentDocument/violations()``) — a reply that breaks either is asked for again with the exact
/// problems, up to the client's `reasks` — usage and a call record for the trace. When the last
/// re-ask still breaks a rule the step fails here, naming the field and the value.
public enum ModelCall {
    /// `images` (JPEG) go with the user message as data URLs.
    public static func document<D: AgentDocument>(_ type: D.Type, client: ChatClient, prompt: PromptTemplate, values: [String: String],
                                                  temperature: Double, maxTokens: Int, images: [Data] = []) throws -> (document: D, call: LLMCallRecord, usage: LLMUsage) {
        let schema = D.schema
        var filled = values
        filled["schema"] = schema.compactText
        let (system, user) = prompt.fill(filled)
        let message = ChatMessage(.user, [.text(user)] + images.map { .image($0, mime: "image/jpeg") })
        let request = ChatRequest(messages: [.system(system), message], temperature: temperature, maxTokens: maxTokens,
                                  schema: (name: D.kind, schema: schema))
        let started = Date()
        do {
            // The reply is decoded once: checked against the schema, then as the document (kept).
            var decoded: D?
            let (value, reply) = try client.completeJSON(request, as: JSONValue.self) { value in
                let problems = JSONSchema.problems(value, against: schema)
                if !problems.isEmpty { return problems.prefix(5).joined(separator: "; ") }
                do { decoded = try D.from(value) } catch { return "\(error)" }
                let broken = decoded?.violations() ?? []
                return broken.isEmpty ? nil : broken.prefix(5).joined(separator: "; ")
            }
            let document = try decoded ?? D.from(value)
            let call = LLMCallRecord(model: reply.model, started: started, latency: Date().timeIntervalSince(started),
                                     promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens,
                                     cost: reply.usage.cost, prompt: user, reply: reply.content)
            return (document, call, reply.usage)
        } catch let error as LLMError {
            throw AgentError("\(D.kind): the model call failed after \(error.attempts) attempt\(error.attempts == 1 ? "" : "s"): \(error.message)")
        }
    }
}
