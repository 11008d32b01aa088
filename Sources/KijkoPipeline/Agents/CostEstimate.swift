import Foundation

/// Tokens a step of an agent typically takes: the median over its last completed runs in the
/// store (each run's calls summed), or nil when it has none.
public struct TypicalTokens: Sendable, Equatable {
    public var prompt: Int
    public var completion: Int
    /// Runs the figures are drawn from.
    public var runs: Int

    public init(prompt: Int, completion: Int, runs: Int) {
        self.prompt = prompt
        self.completion = completion
        self.runs = runs
    }
}

/// What a step is expected to cost before it runs, and on what grounds.
public struct CostEstimate: Sendable, Equatable {
    /// USD.
    public var usd: Double
    /// `learned from 12 runs`, `default for scriptsmith`, `offline`…
    public var basis: String
    /// Said once the step is reached: a model with no price, counted at the dearest listed.
    public var warning: String?

    public init(usd: Double, basis: String, warning: String? = nil) {
        self.usd = usd
        self.basis = basis
        self.warning = warning
    }

    public static let free = CostEstimate(usd: 0, basis: "no model calls")
}

/// An agent whose steps call a model: it says what a step is expected to cost from its model's
/// prices and the tokens its runs typically take (``TypicalTokens``), before the step runs.
public protocol CostEstimating {
    /// USD a step is expected to cost, from `typical` (its agent's past runs, nil for none) or
    /// the agent's own default, at its model's price.
    func estimate(typical: TypicalTokens?) -> CostEstimate
}
