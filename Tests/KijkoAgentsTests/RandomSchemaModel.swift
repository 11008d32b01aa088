import Foundation
import KijkoLLM
import KijkoTestSupport
import KijkoCore

/// An OpenAI-compatible server on 127.0.0.1 that answers every request with a value that fits the
/// request's JSON schema and is otherwise arbitrary, as a weak model's is: words where strings go
/// (or a value of the enum), numbers anywhere from -50 to 2,000 (`wild`) or from 1 to 60
/// (`plausible`, so that replies pass the rules and later agents get them), zero to four items in
/// a list, null where null is allowed. Seeded: one seed, one conversation.
final class RandomSchemaModel: @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64
    private(set) var server: LocalHTTPServer!
    private(set) var requests = 0

    static let words = ["garden", "drift", "zephyr", "copper", "lantern", "orbit", "velvet", "harbour", "quartz", "meadow", "signal",
                        "ember", "tide", "prism", "falcon", "cinder"]

    let plausible: Bool

    init(seed: UInt64, plausible: Bool = false) throws {
        self.plausible = plausible
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        server = try LocalHTTPServer { [unowned self] request, _ in self.answer(request) }
    }

    func client() -> ChatClient {
        var client = ChatClient(endpoint: LLMEndpoint(baseURL: server.baseURL + "/v1", model: "gpt-4o-mini", apiKey: "sk-random"),
                                retry: RetryPolicy(attempts: 1, baseDelay: 0.01, maxDelay: 0.05), timeout: 10,
                                prices: ModelPrices(["gpt-4o-mini": .init(input: 0.15, output: 0.60)]))
        client.reasks = 2
        return client
    }

    private func next(_ bound: Int) -> Int {
        // xorshift64*
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 2_685_821_657_736_338_717) >> 33) % max(1, bound)
    }

    private func answer(_ request: LocalHTTPServer.Request) -> LocalHTTPServer.Reply {
        lock.lock()
        defer { lock.unlock() }
        requests += 1
        guard case .object(let body)? = try? JSONDecoder().decode(JSONValue.self, from: request.body),
              case .object(let format)? = body["response_format"], case .object(let wrapper)? = format["json_schema"],
              let schema = wrapper["schema"] else {
            return .json(ChatCompletionReply.body(content: "{}", model: "gpt-4o-mini"))
        }
        let value = make(schema, depth: 0)
        let text = String(decoding: (try? JSONEncoder().encode(value)) ?? Data("{}".utf8), as: UTF8.self)
        return .json(ChatCompletionReply.body(content: text, model: "gpt-4o-mini", promptTokens: 500, completionTokens: 100))
    }

    private func make(_ schema: JSONValue, depth: Int) -> JSONValue {
        guard case .object(let rule) = schema else { return .null }
        if case .array(let allowed)? = rule["enum"], !allowed.isEmpty { return allowed[next(allowed.count)] }
        var types: [String] = []
        switch rule["type"] {
        case .string(let t)?: types = [t]
        case .array(let ts)?: types = ts.compactMap { if case .string(let t) = $0 { t } else { nil } }
        default: types = ["string"]
        }
        if types.contains("null"), next(4) == 0 { return .null }
        switch types.first(where: { $0 != "null" }) ?? "null" {
        case "object":
            var fields: [String: JSONValue] = [:]
            if case .object(let properties)? = rule["properties"] {
                for (name, property) in properties.sorted(by: { $0.key < $1.key }) { fields[name] = make(property, depth: depth + 1) }
            }
            return .object(fields)
        case "array":
            let count = depth > 4 ? 0 : next(5)
            return .array((0..<count).map { _ in make(rule["items"] ?? ["type": "string"], depth: depth + 1) })
        case "number", "integer": return .number(plausible ? Double(1 + next(60)) : Double(next(2051) - 50))
        case "boolean": return .bool(next(2) == 0)
        case "null": return .null
        default: return .string((0..<(1 + next(4))).map { _ in Self.words[next(Self.words.count)] }.joined(separator: " "))
        }
    }
}
