import Foundation
import KijkoLLM
import KijkoTestSupport
import Testing
import KijkoCore

/// The chat client over real HTTP against a scripted OpenAI-compatible server on 127.0.0.1.
@Suite struct ChatClientTests {
    struct Verdict: Decodable, Equatable {
        var ok: Bool
        var reason: String
    }

    static let schema = JSONValue.objectSchema(["ok": ["type": "boolean"], "reason": ["type": "string"]])
    static let good = ChatCompletionReply.body(content: #"{"ok":true,"reason":"fine"}"#, model: "gpt-4o-mini", promptTokens: 1000, completionTokens: 200)

    func client(_ server: LocalHTTPServer, attempts: Int = 3, timeout: Double = 5) -> ChatClient {
        ChatClient(endpoint: LLMEndpoint(baseURL: server.baseURL + "/v1", model: "gpt-4o-mini", apiKey: "sk-secret-123"),
                   retry: RetryPolicy(attempts: attempts, baseDelay: 0.05, maxDelay: 0.2),
                   timeout: timeout, prices: ModelPrices(["gpt-4o-mini": .init(input: 0.15, output: 0.60)]))
    }

    func request() -> ChatRequest {
        ChatRequest(messages: [.system("You judge."), .user("Is it fine?", jpeg: Data([0xFF, 0xD8, 0xFF, 0xD9]))],
                    maxTokens: 300, schema: (name: "verdict", schema: Self.schema))
    }

    @Test func normalReplyDecodesWithUsageAndCost() throws {
        let server = try LocalHTTPServer { _, _ in .json(Self.good) }
        let (value, reply) = try client(server).completeJSON(request(), as: Verdict.self)
        #expect(value == Verdict(ok: true, reason: "fine"))
        #expect(reply.usage.promptTokens == 1000)
        #expect(reply.usage.completionTokens == 200)
        let cost = try #require(reply.usage.cost)
        #expect(abs(cost - 0.00027) < 1e-9)
        #expect(reply.attempts == 1)
        // What went over the wire: the path, the key as a bearer token, the schema and the picture.
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.headers["authorization"] == "Bearer sk-secret-123")
        let body = try #require(try JSONSerialization.jsonObject(with: sent.body) as? [String: Any])
        #expect(body["model"] as? String == "gpt-4o-mini")
        #expect(body["max_tokens"] as? Int == 300)
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        #expect(sent.text.contains("data:image/jpeg;base64,/9j/2Q=="))
    }

    @Test func rateLimitIsRetriedAfterTheServersWait() throws {
        let server = try LocalHTTPServer { _, n in
            n == 0 ? .json(#"{"error":{"message":"slow down"}}"#, status: 429, headers: ["Retry-After": "1"]) : .json(Self.good)
        }
        let reply = try client(server).complete(request())
        #expect(reply.attempts == 2)
        #expect(reply.waits == [1.0])
        #expect(server.requests.count == 2)
    }

    @Test func serverErrorsAreRetriedThenReported() throws {
        let flaky = try LocalHTTPServer { _, n in n < 2 ? .json(#"{"error":{"message":"overloaded"}}"#, status: 500) : .json(Self.good) }
        let reply = try client(flaky).complete(request())
        #expect(reply.attempts == 3)
        #expect(reply.waits.count == 2)

        let broken = try LocalHTTPServer { _, _ in .json(#"{"error":{"message":"overloaded"}}"#, status: 503) }
        let error = #expect(throws: LLMError.self) { try client(broken).complete(request()) }
        #expect(error?.kind == .status)
        #expect(error?.status == 503)
        #expect(error?.attempts == 3)
        #expect(error?.message.contains("overloaded") == true)
        #expect(error?.description.contains("sk-secret") == false)
        #expect(broken.requests.count == 3)
    }

    @Test func clientErrorsAreNotRetried() throws {
        let server = try LocalHTTPServer { _, _ in .json(#"{"error":{"message":"bad key"}}"#, status: 401) }
        let error = #expect(throws: LLMError.self) { try client(server).complete(request()) }
        #expect(error?.status == 401)
        #expect(server.requests.count == 1)
    }

    @Test func malformedBodyIsAnErrorNotACrash() throws {
        let server = try LocalHTTPServer { _, _ in .json("{\"choices\": [ this is not json") }
        let error = #expect(throws: LLMError.self) { try client(server).complete(request()) }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("not a chat completion") == true)
    }

    @Test func truncatedBodyIsRetried() throws {
        let server = try LocalHTTPServer { _, n in n == 0 ? .truncated(status: 200, body: Data(Self.good.prefix(40).utf8)) : .json(Self.good) }
        let reply = try client(server).complete(request())
        #expect(reply.attempts == 2)
    }

    @Test func hangPastTheTimeoutIsATimeout() throws {
        let server = try LocalHTTPServer { _, _ in .hang(seconds: 3) }
        let error = #expect(throws: LLMError.self) { try client(server, attempts: 2, timeout: 0.5).complete(request()) }
        #expect(error?.kind == .timeout)
        #expect(error?.attempts == 2)
        #expect(error?.message.contains("no answer within") == true)
    }

    @Test func replyAgainstTheSchemaGetsOneRepairTurn() throws {
        let server = try LocalHTTPServer { request, n in
            n == 0 ? .json(ChatCompletionReply.body(content: #"{"ok":"yes"}"#)) : .json(Self.good)
        }
        let (value, reply) = try client(server).completeJSON(request(), as: Verdict.self)
        #expect(value.ok)
        #expect(reply.usage.calls == 2)
        // The repair turn carries the first reply and what was wrong with it.
        let second = try #require(server.requests.last)
        #expect(second.text.contains("not valid JSON for the schema"))
        #expect(second.text.contains("ok"))

        let stubborn = try LocalHTTPServer { _, _ in .json(ChatCompletionReply.body(content: "I think it is fine.")) }
        let error = #expect(throws: LLMError.self) { try client(stubborn).completeJSON(request(), as: Verdict.self) }
        #expect(error?.kind == .schema)
        #expect(error?.usage.calls == 2)
    }

    @Test func serverWithoutSchemaSupportGetsJSONMode() throws {
        let server = try LocalHTTPServer { request, _ in
            request.text.contains("json_schema") ? .json(#"{"error":{"message":"response_format json_schema unsupported"}}"#, status: 400)
                : .json(ChatCompletionReply.body(content: "```json\n{\"ok\":false,\"reason\":\"dark\"}\n```"))
        }
        let (value, _) = try client(server).completeJSON(request(), as: Verdict.self)
        #expect(value == Verdict(ok: false, reason: "dark"))
        let second = try #require(server.requests.last)
        #expect(second.text.contains("json_object"))
        #expect(second.text.contains("following this JSON schema"))
    }

    @Test func retryAfterReadsSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_000_000_000)
        #expect(RetryPolicy.retryAfter("7") == 7)
        #expect(RetryPolicy.retryAfter("Sun, 09 Sep 2001 01:46:50 GMT", now: now) == 10)
        #expect(RetryPolicy.retryAfter("soon") == nil)
        let policy = RetryPolicy(baseDelay: 1, maxDelay: 4, retryAfterCap: 30)
        #expect(policy.delay(after: 1, retryAfter: 120) == 30)
        for attempt in 1...5 {
            let wait = policy.delay(after: attempt, retryAfter: nil)
            let ceiling = min(4, pow(2, Double(attempt - 1)))
            #expect(wait >= ceiling / 2 && wait <= ceiling)
        }
    }

    @Test func endpointComesFromTheEnvironmentAndHidesTheKey() {
        #expect(LLMEndpoint.fromEnvironment([:]) == nil)
        let endpoint = LLMEndpoint.fromEnvironment(["KIJKO_LLM_BASE_URL": "http://127.0.0.1:9/v1/", "KIJKO_LLM_MODEL": "llava",
                                                    "KIJKO_LLM_API_KEY": "sk-hidden", "KIJKO_VISION_MODEL": "llava:13b"])
        #expect(endpoint?.chatURL == "http://127.0.0.1:9/v1/chat/completions")
        #expect(endpoint?.visionModel == "llava:13b")
        #expect(endpoint?.description.contains("sk-hidden") == false)
    }

    @Test func pricesComeFromTheModelsFile() throws {
        let prices = try ModelPrices.load(path: Program.root.appendingPathComponent("presets/models.yaml").path)
        #expect(prices.cost(model: "gpt-4o-mini-2024-07-18", promptTokens: 1_000_000, completionTokens: 0) == prices.prices["gpt-4o-mini"]?.input)
        #expect(prices.cost(model: "some-unknown-model", promptTokens: 10, completionTokens: 10) == nil)
    }

    /// The compact writer (used for every step's stored input and output) is valid JSON that reads
    /// back to the same value, escapes included.
    @Test func compactTextRoundTrips() throws {
        let value: JSONValue = ["quote": "He said \"go\"\n\tthen\\left \u{01} é 🎬", "n": 42, "x": .number(0.25), "big": .number(1e20),
                                "flag": true, "none": .null, "list": [1, "two", ["three": .array([])]]]
        let text = value.compactText
        #expect(text.hasPrefix("{\"big\":") && !text.contains("\n"))
        let back = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(back == value)
    }

    @Test func batchesRunUnderTheConcurrencyLimit() {
        let tracker = Peak()
        ParallelLoop.forEach(12, limit: 3) { _ in
            tracker.enter()
            Thread.sleep(forTimeInterval: 0.02)
            tracker.leave()
        }
        #expect(tracker.done == 12)
        #expect(tracker.peak <= 3)
    }
}

/// Counts threads inside a section at once.
final class Peak: @unchecked Sendable {
    private let lock = NSLock()
    private var inside = 0
    private(set) var peak = 0
    private(set) var done = 0

    func enter() { lock.lock(); inside += 1; peak = max(peak, inside); lock.unlock() }
    func leave() { lock.lock(); inside -= 1; done += 1; lock.unlock() }
}
