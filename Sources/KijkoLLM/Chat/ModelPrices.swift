import Foundation
internal import Yams

/// Prices per million tokens, by model name, from `presets/models.yaml`:
///
///     models:
///       gpt-4o-mini: {input: 0.15, output: 0.60}
public struct ModelPrices: Sendable {
    public struct Price: Sendable, Equatable {
        public var input: Double
        public var output: Double

        public init(input: Double, output: Double) {
            self.input = input
            self.output = output
        }
    }

    public var prices: [String: Price]
    /// `reasks:` in the file: how many times an agent asks again for a reply that breaks its
    /// document's schema or rules before its step fails (2 when the file does not say).
    public var reasks = 2

    public init(_ prices: [String: Price] = [:]) { self.prices = prices }

    /// Reads a prices file; a broken one is an error naming the file and the model.
    public static func load(path: String) throws -> ModelPrices {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LLMError(kind: .malformed, message: "\(path): cannot read the model prices", status: nil, attempts: 0, waits: [], usage: LLMUsage())
        }
        let root = try Yams.load(yaml: text) as? [String: Any]
        var prices: [String: Price] = [:]
        for (name, entry) in root?["models"] as? [String: Any] ?? [:] {
            guard let fields = entry as? [String: Any],
                  let input = (fields["input"] as? Double) ?? (fields["input"] as? Int).map(Double.init),
                  let output = (fields["output"] as? Double) ?? (fields["output"] as? Int).map(Double.init) else {
                throw LLMError(kind: .malformed, message: "\(path): models.\(name) needs numbers input and output (USD per million tokens)",
                               status: nil, attempts: 0, waits: [], usage: LLMUsage())
            }
            prices[name] = Price(input: input, output: output)
        }
        var loaded = ModelPrices(prices)
        if let value = root?["reasks"] {
            guard let count = value as? Int, (0...10).contains(count) else {
                throw LLMError(kind: .malformed, message: "\(path): reasks must be a whole number from 0 to 10", status: nil, attempts: 0, waits: [],
                               usage: LLMUsage())
            }
            loaded.reasks = count
        }
        return loaded
    }

    /// USD for the tokens, or nil when the model has no price. A dated or tagged variant
    /// (`gpt-4o-mini-2024-07-18`, `llava:13b`) takes its family's price.
    public func cost(model: String, promptTokens: Int, completionTokens: Int) -> Double? {
        let price = prices[model] ?? prices.filter { model.hasPrefix($0.key + "-") || model.hasPrefix($0.key + ":") }
            .max { $0.key.count < $1.key.count }?.value
        guard let price else { return nil }
        return (Double(promptTokens) * price.input + Double(completionTokens) * price.output) / 1_000_000
    }

    /// USD for an estimate before the calls are made: a model with no price counts at the
    /// dearest listed input and output prices, never $0, and the warning says so.
    public func estimate(model: String, promptTokens: Int, completionTokens: Int) -> (usd: Double, warning: String?) {
        if let usd = cost(model: model, promptTokens: promptTokens, completionTokens: completionTokens) { return (usd, nil) }
        let input = prices.values.map(\.input).max() ?? 0, output = prices.values.map(\.output).max() ?? 0
        let usd = (Double(promptTokens) * input + Double(completionTokens) * output) / 1_000_000
        return (usd, String(format: "%@ has no price in models.yaml; its calls are estimated at the dearest listed ($%.2f in, $%.2f out per million tokens)",
                            model, input, output))
    }
}
