import Foundation
import KijkoCore

/// An OpenAI-compatible chat-completions client (OpenAI, Ollama, vLLM, llama.cpp's server, LM
/// Studio) over libcurl. Calls block: run them on dedicated threads (`ParallelLoop.forEach` runs a
/// batch under a concurrency limit). Retries 429, 5xx, timeouts and broken connections with
/// backoff, honouring `Retry-After`; counts tokens and cost per call.
public struct ChatClient: Sendable {
    public let endpoint: LLMEndpoint
    public var retry: RetryPolicy
    /// Seconds per try.
    public var timeout: Double
    public var prices: ModelPrices
    /// How many times a reply that breaks its schema or its rules is asked for again (1 unless set;
    /// the agents take `reasks` from `presets/models.yaml`).
    public var reasks = 1

    public init(endpoint: LLMEndpoint, retry: RetryPolicy = RetryPolicy(), timeout: Double = 120, prices: ModelPrices = ModelPrices()) {
        self.endpoint = endpoint
        self.retry = retry
        self.timeout = timeout
        self.prices = prices
    }

    /// One completion, retried as the policy allows.
    public func complete(_ request: ChatRequest, jsonMode: Bool = false) throws(LLMError) -> ChatReply {
        let model = request.model ?? endpoint.model
        let body = requestBody(request, model: model, jsonMode: jsonMode)
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let key = endpoint.apiKey { headers.append(("Authorization", "Bearer \(key)")) }
        let http = HTTPRequest(method: "POST", url: endpoint.chatURL, headers: headers, body: body, timeout: timeout)
        var waits: [Double] = []
        var attempt = 0
        while true {
            attempt += 1
            var failure: LLMError
            var retryAfter: Double?
            do {
                let response = try HTTPClient.send(http)
                if (200..<300).contains(response.status) {
                    return try parse(response.body, model: model, attempts: attempt, waits: waits)
                }
                failure = LLMError(kind: .status, message: "\(endpoint.chatURL) answered HTTP \(response.status)\(Self.serverMessage(response.body))",
                                   status: response.status, attempts: attempt, waits: waits, usage: LLMUsage())
                guard response.status == 429 || response.status >= 500 else { throw failure }
                retryAfter = RetryPolicy.retryAfter(response.headers["retry-after"])
            } catch let error as HTTPError {
                failure = LLMError(kind: error.kind == .timeout ? .timeout : .connection,
                                   message: error.kind == .timeout ? "\(endpoint.chatURL) gave no answer within \(Self.seconds(timeout))" : error.description,
                                   status: nil, attempts: attempt, waits: waits, usage: LLMUsage())
            } catch let error as LLMError {
                throw error
            } catch {
                throw LLMError(kind: .connection, message: "\(error)", status: nil, attempts: attempt, waits: waits, usage: LLMUsage())
            }
            guard attempt < retry.attempts else { throw failure }
            let wait = retry.delay(after: attempt, retryAfter: retryAfter)
            waits.append(wait)
            Thread.sleep(forTimeInterval: wait)
        }
    }

    /// A completion whose content is JSON decoded as `T`. With a schema it asks for structured output;
    /// a reply that does not decode is asked for again with the error, up to ``reasks`` times. A server that
    /// rejects `response_format: json_schema` (HTTP 400) is asked again in JSON mode, the schema
    /// spelled out in the prompt. `check` may refuse a value that decodes (say, one outside an
    /// enum): its words go back in the repair turn like a decoding error's.
    public func completeJSON<T: Decodable>(_ request: ChatRequest, as type: T.Type,
                                           check: ((T) -> String?)? = nil) throws(LLMError) -> (value: T, reply: ChatReply) {
        var request = request
        var jsonMode = false
        var first: ChatReply
        do {
            first = try complete(request)
        } catch where error.kind == .status && error.status == 400 && request.schema != nil {
            jsonMode = true
            request.messages.insert(.system(Self.schemaInstruction(request.schema!.schema)), at: 0)
            first = try complete(request, jsonMode: true)
        }
        let decoder = JSONDecoder()
        func decode(_ content: String) throws -> T {
            let value = try decoder.decode(T.self, from: Data(Self.stripFences(content).utf8))
            if let problem = check?(value) { throw RefusedReply(problem: problem) }
            return value
        }
        // A reply that is not JSON for the schema, or breaks `check`, is asked for again with the
        // exact problems, up to `reasks` times; usage and waits add up over every call.
        var reply = first
        var conversation = request
        var turn = 0
        while true {
            let problem: String
            do {
                return (try decode(reply.content), reply)
            } catch {
                problem = Self.decodingProblem(error)
            }
            guard turn < reasks else {
                let asked = max(0, reasks)
                throw LLMError(kind: .schema, message: "the reply did not follow the schema or its rules after \(asked) re-ask\(asked == 1 ? "" : "s"): \(problem)",
                               status: nil, attempts: reply.attempts, waits: reply.waits, usage: reply.usage)
            }
            conversation.messages.append(.assistant(reply.content))
            conversation.messages.append(.user("That reply is not valid JSON for the schema and its rules: \(problem). Reply again with only the JSON, with each of them fixed."))
            var next: ChatReply
            do {
                next = try complete(conversation, jsonMode: jsonMode)
            } catch var failure {
                failure.usage = failure.usage + reply.usage
                failure.attempts += reply.attempts
                failure.waits = reply.waits + failure.waits
                throw failure
            }
            next.usage = next.usage + reply.usage
            next.attempts += reply.attempts
            next.waits = reply.waits + next.waits
            reply = next
            turn += 1
        }
    }

    // MARK: - Wire format

    func requestBody(_ request: ChatRequest, model: String, jsonMode: Bool) -> Data {
        var fields: [String: JSONValue] = ["model": .string(model)]
        if let t = request.temperature { fields["temperature"] = .number(t) }
        if let m = request.maxTokens { fields["max_tokens"] = .number(Double(m)) }
        if jsonMode {
            fields["response_format"] = ["type": "json_object"]
        } else if let schema = request.schema {
            fields["response_format"] = ["type": "json_schema",
                                         "json_schema": ["name": .string(schema.name), "strict": true, "schema": schema.schema]]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Messages are encoded on their own (they carry pictures) and spliced in.
        let head = (try? encoder.encode(JSONValue.object(fields))) ?? Data("{}".utf8)
        let messages = (try? encoder.encode(request.messages)) ?? Data("[]".utf8)
        var body = Data(head.dropLast())
        body.append(contentsOf: Array(",\"messages\":".utf8))
        body.append(messages)
        body.append(UInt8(ascii: "}"))
        return body
    }

    private struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
                var refusal: String?
            }
            var message: Message
            var finish_reason: String?
        }
        struct Usage: Decodable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
        }
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    func parse(_ body: Data, model: String, attempts: Int, waits: [Double]) throws(LLMError) -> ChatReply {
        let completion: Completion
        do {
            completion = try JSONDecoder().decode(Completion.self, from: body)
        } catch {
            let start = String(decoding: body.prefix(80), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw LLMError(kind: .malformed, message: "\(endpoint.chatURL) sent a body that is not a chat completion (starts \"\(start)\")",
                           status: 200, attempts: attempts, waits: waits, usage: LLMUsage())
        }
        let prompt = completion.usage?.prompt_tokens ?? 0, produced = completion.usage?.completion_tokens ?? 0
        let used = completion.model ?? model
        let usage = LLMUsage(calls: 1, promptTokens: prompt, completionTokens: produced,
                             cost: prices.cost(model: used, promptTokens: prompt, completionTokens: produced)
                                ?? prices.cost(model: model, promptTokens: prompt, completionTokens: produced))
        guard let choice = completion.choices.first else {
            throw LLMError(kind: .malformed, message: "\(endpoint.chatURL) sent a completion with no choices", status: 200,
                           attempts: attempts, waits: waits, usage: usage)
        }
        guard let content = choice.message.content else {
            throw LLMError(kind: .malformed, message: "the model refused: \(choice.message.refusal ?? "no content")", status: 200,
                           attempts: attempts, waits: waits, usage: usage)
        }
        return ChatReply(content: content, model: used, finishReason: choice.finish_reason, usage: usage, attempts: attempts, waits: waits)
    }

    static func serverMessage(_ body: Data) -> String {
        struct Failure: Decodable {
            struct Detail: Decodable { var message: String? }
            var error: Detail?
        }
        guard let message = (try? JSONDecoder().decode(Failure.self, from: body))?.error?.message, !message.isEmpty else { return "" }
        return ": " + String(message.prefix(200))
    }

    static func stripFences(_ text: String) -> String {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("```") {
            t = String(t.drop { $0 != "\n" })
            if t.hasSuffix("```") { t = String(t.dropLast(3)) }
        }
        return t.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func schemaInstruction(_ schema: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = (try? encoder.encode(schema)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "Reply with one JSON object only, no prose, following this JSON schema: \(text)"
    }

    static func decodingProblem(_ error: Error) -> String {
        switch error {
        case let refused as RefusedReply:
            return refused.problem
        case DecodingError.keyNotFound(let key, let context):
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : path + ": ") + context.debugDescription
        default:
            return "\(error)"
        }
    }

    static func seconds(_ value: Double) -> String { value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value) }
}

/// A reply that decoded but that the caller's check refused.
private struct RefusedReply: Error {
    let problem: String
}
