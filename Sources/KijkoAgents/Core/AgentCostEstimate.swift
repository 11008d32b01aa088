import Foundation
import KijkoLLM
public import KijkoPipeline

/// Estimates of what an agent's step costs before it runs: the tokens its runs typically take
/// (learned from the store), else a default for the agent — on the upper side, as the guard
/// needs — priced at its model's price (an unpriced model at the dearest listed, with a warning).
enum AgentCostEstimate {
    /// `typical` tokens, else `defaults` (prompt, completion), priced for `client`'s model; free offline.
    static func estimate(_ agent: String, client: ChatClient?, model: String? = nil, typical: TypicalTokens?,
                         defaults: (prompt: Int, completion: Int)) -> CostEstimate {
        guard let client else { return CostEstimate(usd: 0, basis: "offline: no model calls") }
        let tokens = typical.map { ($0.prompt, $0.completion) } ?? defaults
        let basis = typical.map { "learned from \($0.runs) run\($0.runs == 1 ? "" : "s")" }
            ?? "default for \(agent): \(tokens.0) prompt + \(tokens.1) completion tokens"
        let priced = client.prices.estimate(model: model ?? client.endpoint.model, promptTokens: tokens.0, completionTokens: tokens.1)
        return CostEstimate(usd: priced.usd, basis: basis, warning: priced.warning)
    }
}

extension DraftingAgent {
    /// A prompt of 3,000 tokens and a reply as long as it may be, until runs teach better.
    public func estimate(typical: TypicalTokens?) -> CostEstimate {
        AgentCostEstimate.estimate(name, client: context.client, typical: typical, defaults: (3000, maxTokens))
    }
}

extension ConceptGeneratorAgent: CostEstimating {
    /// Its batches of ten, each a 1,500-token prompt and a 3,000-token reply.
    public func estimate(typical: TypicalTokens?) -> CostEstimate {
        let batches = (count + Self.batchSize - 1) / Self.batchSize
        return AgentCostEstimate.estimate(name, client: context.client, typical: typical, defaults: (1500 * batches, 3000 * batches))
    }
}

extension QCSentinelAgent: CostEstimating {
    /// The vision review of about 24 frames, each a 1,200-token picture and prompt and a 400-token reply.
    public func estimate(typical: TypicalTokens?) -> CostEstimate {
        AgentCostEstimate.estimate(name, client: context.client, model: context.client?.endpoint.visionModel, typical: typical,
                                   defaults: (24 * 1200, 24 * 400))
    }
}
