public import Foundation

/// Where the OpenAI-compatible server is and which models to ask: from `KIJKO_LLM_BASE_URL`,
/// `KIJKO_LLM_MODEL`, `KIJKO_LLM_API_KEY` and `KIJKO_VISION_MODEL`. The key is only ever put in the
/// `Authorization` header; `description` never shows it.
public struct LLMEndpoint: Sendable, CustomStringConvertible {
    /// e.g. `http://127.0.0.1:11434/v1`; `/chat/completions` is appended.
    public var baseURL: String
    public var model: String
    public var visionModel: String
    public var apiKey: String?

    public init(baseURL: String, model: String, visionModel: String? = nil, apiKey: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.visionModel = visionModel ?? model
        self.apiKey = apiKey
    }

    /// The endpoint the environment names, or nil when `KIJKO_LLM_BASE_URL` is not set (offline).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> LLMEndpoint? {
        guard let base = environment["KIJKO_LLM_BASE_URL"], !base.isEmpty else { return nil }
        let model = environment["KIJKO_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "gpt-4o-mini"
        let key = environment["KIJKO_LLM_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        return LLMEndpoint(baseURL: base, model: model, visionModel: environment["KIJKO_VISION_MODEL"].flatMap { $0.isEmpty ? nil : $0 },
                           apiKey: key)
    }

    public var chatURL: String { baseURL + "/chat/completions" }

    public var description: String { "\(baseURL) (model \(model)\(visionModel == model ? "" : ", vision \(visionModel)"))" }
}
