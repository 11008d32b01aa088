import KijkoCore
public import Foundation
public import KijkoLLM
import KijkoDelivery

/// What every production agent shares: where drafts come from (a model, or offline), the prompt
/// folder, the rates table, and how many model calls may run at once.
public struct AgentContext: Sendable {
    /// The model client; nil means the offline provider (deterministic drafts, marked as such).
    public var client: ChatClient?
    /// Where `NAME.md` prompt templates are read from.
    public var promptFolder: String
    /// Where `rates.yaml` and `compliance/` are read from.
    public var presetsFolder: String
    /// Model calls in flight at once (Concept Generator's batches, QC's vision review).
    public var concurrency: Int
    /// The date schedules start from (today by default; fixed in tests).
    public var today: Date
    /// Concepts the Concept Generator makes (`KIJKO_CONCEPT_COUNT`, default 100).
    public var conceptCount = 100
    /// The rough cut's picture size (the master the versions are made from).
    public var renderWidth = 1920
    public var renderHeight = 1080

    public init(client: ChatClient? = nil, promptFolder: String? = nil, presetsFolder: String? = nil, concurrency: Int = 4, today: Date = Date()) {
        self.client = client
        self.promptFolder = promptFolder ?? Presets.path("prompts")
        self.presetsFolder = presetsFolder ?? Presets.path("")
        self.concurrency = max(1, concurrency)
        self.today = today
    }

    /// A model client when `KIJKO_LLM_BASE_URL` is set (prices from `presets/models.yaml`),
    /// otherwise offline.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AgentContext {
        var context = try model(environment)
        if let count = environment["KIJKO_CONCEPT_COUNT"].flatMap(Int.init), count > 0 { context.conceptCount = count }
        return context
    }

    private static func model(_ environment: [String: String]) throws -> AgentContext {
        guard let endpoint = LLMEndpoint.fromEnvironment(environment) else { return AgentContext() }
        let pricesFile = Presets.path("models.yaml")
        let prices = FileManager.default.fileExists(atPath: pricesFile) ? try ModelPrices.load(path: pricesFile) : ModelPrices()
        let timeout = environment["KIJKO_LLM_TIMEOUT"].flatMap(Double.init) ?? 120
        var client = ChatClient(endpoint: endpoint, timeout: timeout, prices: prices)
        client.reasks = prices.reasks
        return AgentContext(client: client,
                            concurrency: environment["KIJKO_LLM_CONCURRENCY"].flatMap(Int.init) ?? 4)
    }

    /// `offline-draft` or `model`.
    public var provenance: String { client == nil ? "offline-draft" : "model" }

    public func preset(_ relative: String) -> String { (presetsFolder as NSString).appendingPathComponent(relative) }
}
