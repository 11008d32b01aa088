import Foundation
import KijkoAgents
import KijkoLLM
import KijkoTestSupport
import KijkoCore

/// An OpenAI-compatible server on 127.0.0.1 that answers each agent by the schema it asks for —
/// the document type's own example, or ten distinct concepts per batch — with faults planted per
/// kind: the first requests of a kind can be answered 429, 500, a truncated body, a hang, a reply
/// that is not JSON, one that breaks the schema, or one that fits the schema but breaks the
/// document's rules (every duration 0).
final class ScriptedModel: @unchecked Sendable {
    enum Fault: Sendable { case tooMany(retryAfter: Int), serverError, truncated, hang(Double), notJSON, breaksSchema, breaksRules }

    private let lock = NSLock()
    private var faults: [String: [Fault]]
    private var seen: [String: Int] = [:]
    private var inFlight = 0
    /// Most requests answered at once.
    private(set) var peak = 0
    /// Seconds each answer takes (to see concurrency).
    let delay: Double
    private(set) var server: LocalHTTPServer!

    init(faults: [String: [Fault]] = [:], delay: Double = 0) throws {
        self.faults = faults
        self.delay = delay
        server = try LocalHTTPServer { [unowned self] request, _ in self.answer(request) }
    }

    /// Faults from now on for `kind` (replacing what was left).
    func plant(_ kind: String, _ list: [Fault]) {
        lock.lock()
        faults[kind] = list
        lock.unlock()
    }

    func requests(of kind: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return seen[kind] ?? 0
    }

    func client(timeout: Double = 5, attempts: Int = 3) -> ChatClient {
        ChatClient(endpoint: LLMEndpoint(baseURL: server.baseURL + "/v1", model: "gpt-4o-mini", apiKey: "sk-secret-test-key"),
                   retry: RetryPolicy(attempts: attempts, baseDelay: 0.01, maxDelay: 0.05), timeout: timeout,
                   prices: ModelPrices(["gpt-4o-mini": .init(input: 0.15, output: 0.60)]))
    }

    static func kind(of request: LocalHTTPServer.Request) -> String {
        guard case .object(let body)? = try? JSONDecoder().decode(JSONValue.self, from: request.body) else { return "?" }
        if case .object(let format)? = body["response_format"], case .object(let schema)? = format["json_schema"],
           case .string(let name)? = schema["name"] { return name }
        return "?"
    }

    private func answer(_ request: LocalHTTPServer.Request) -> LocalHTTPServer.Reply {
        let kind = Self.kind(of: request)
        lock.lock()
        seen[kind, default: 0] += 1
        let fault = faults[kind]?.isEmpty == false ? faults[kind]!.removeFirst() : nil
        inFlight += 1
        peak = max(peak, inFlight)
        lock.unlock()
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        defer {
            lock.lock()
            inFlight -= 1
            lock.unlock()
        }
        let content = Self.content(kind: kind, request: request)
        switch fault {
        case .tooMany(let after)?: return .respond(status: 429, headers: ["Retry-After": String(after)], body: Data(#"{"error":{"message":"rate limited"}}"#.utf8))
        case .serverError?: return .respond(status: 500, body: Data(#"{"error":{"message":"overloaded"}}"#.utf8))
        case .truncated?: return .truncated(status: 200, body: Data(ChatCompletionReply.body(content: content, model: "gpt-4o-mini").utf8))
        case .hang(let seconds)?: return .hang(seconds: seconds)
        case .notJSON?: return .json(ChatCompletionReply.body(content: "Sure! Here is the document you asked for.", model: "gpt-4o-mini"))
        case .breaksSchema?:
            // The right shape with a value outside an enum and a key the schema does not have.
            let broken = "{\"unexpected\":1," + content.replacingOccurrences(of: "\"WS\"", with: "\"WIDE\"").dropFirst()
            return .json(ChatCompletionReply.body(content: broken, model: "gpt-4o-mini"))
        case .breaksRules?:
            let zeroed = content.replacingOccurrences(of: #""duration":[0-9.]+"#, with: #""duration":0"#, options: .regularExpression)
            return .json(ChatCompletionReply.body(content: zeroed, model: "gpt-4o-mini"))
        case nil: return .json(ChatCompletionReply.body(content: content, model: "gpt-4o-mini", promptTokens: 1000, completionTokens: 200))
        }
    }

    /// A valid reply for `kind`.
    static func content(kind: String, request: LocalHTTPServer.Request) -> String {
        if kind == ConceptBatch.kind {
            // Ten distinct concepts, numbered by the batch asked for; batch 3 repeats one of its own.
            let body = request.text
            let batch = body.range(of: #"Batch (\d+)"#, options: .regularExpression).map { String(body[$0].dropFirst(6)) } ?? "0"
            let places = ["harbour", "desert", "orchard", "subway", "glacier", "carnival", "library", "rooftop", "vineyard", "arcade",
                          "canyon", "bakery", "stadium", "lighthouse", "greenhouse", "observatory", "marina", "quarry", "monastery", "circus"]
            let moods = ["sunrise", "midnight", "thunderstorm", "snowfall", "heatwave", "festival"]
            let n = Int(batch) ?? 0
            var ideas: [ConceptIdea] = []
            for k in 0..<10 {
                let i = n == 3 && k == 9 ? 30 : n * 10 + k
                let place = places[i % places.count], mood = moods[(i / places.count) % moods.count]
                ideas.append(ConceptIdea(title: "\(mood.capitalized) \(place)", bigIdea: "A \(place) story at \(mood).",
                                         visualApproach: "\(place) at \(mood)", keyMessage: "Made for the \(place)", targetEmotion: "awe",
                                         angle: "\(mood) in a \(place)", hook: "\(mood) \(place) moment"))
            }
            return text(ConceptBatch(concepts: ideas))
        }
        if kind == "frame_review" { return #"{"issues":[]}"# }
        guard let type = ProductionAgents.documents.first(where: { $0.kind == kind }) else { return "{}" }
        return text(type.example)
    }

    static func text<D: AgentDocument>(_ document: D) -> String {
        String(decoding: (try? D.encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
