import Foundation
@testable import KijkoAgents
import KijkoLLM
@testable import KijkoPipeline
import Testing

/// Cost control before the money is spent: each step's expected cost from its model's prices and
/// the tokens its runs typically take (learned from the store, else a default per agent);
/// `--max-cost` stops before the step whose estimate would cross the limit; an unpriced model
/// counts at the dearest listed price, with a warning, never at $0.
@Suite struct CostGuardTests {
    @Test func anUnpricedModelCountsAtTheDearestListedPrice() {
        let prices = ModelPrices(["gpt-4o-mini": .init(input: 0.15, output: 0.60), "gpt-4o": .init(input: 2.50, output: 10.00)])
        let known = prices.estimate(model: "gpt-4o-mini-2024-07-18", promptTokens: 1_000_000, completionTokens: 1_000_000)
        #expect(abs(known.usd - 0.75) < 1e-9 && known.warning == nil)
        let unknown = prices.estimate(model: "mystery-13b", promptTokens: 1_000_000, completionTokens: 1_000_000)
        #expect(abs(unknown.usd - 12.5) < 1e-9)
        #expect(unknown.warning?.contains("mystery-13b has no price in models.yaml") == true, "\(unknown.warning ?? "")")
        // Through an agent: a reply as long as it may be, at the dearest price.
        let client = ChatClient(endpoint: LLMEndpoint(baseURL: "http://127.0.0.1:9/v1", model: "mystery-13b"), prices: prices)
        let vrd = VRDAgent(context: AgentsFixture.context(client: client)).estimate(typical: nil)
        #expect(abs(vrd.usd - (3000 * 2.5 + 4000 * 10) / 1e6) < 1e-9 && vrd.warning != nil && vrd.basis.hasPrefix("default for vrd"), "\(vrd)")
        // Offline, nothing is spent.
        #expect(VRDAgent(context: AgentsFixture.context()).estimate(typical: nil).usd == 0)
    }

    @Test func theGuardStopsBeforeTheStepAndLearnsFromRuns() throws {
        let model = try ScriptedModel()
        let context = AgentsFixture.context(client: model.client())
        let agents = ProductionAgents.registry(context)
        let runner = PipelineRunner(store: try PipelineStore(path: try AgentsFixture.scratch("cost") + "/jobs.sqlite"), agents: agents)
        let template = try WorkflowTemplate.named("social", in: AgentsFixture.root.appendingPathComponent("presets/workflows").path, agents: agents.names)
        let master = try AgentsFixture.master()
        let trends = try #require(template.step("trends")), concepts = try #require(template.step("concepts"))

        // No runs yet: trends at its default (3,000 prompt + 4,000 reply tokens of gpt-4o-mini, $0.00285),
        // over a $0.001 limit — stopped before it, and the model was never asked.
        let first = try runner.start(template, brief: AgentsFixture.brief, options: .init(maxCost: 0.001, master: master))
        guard case .stopped(let why) = try runner.run(job: first) else { Issue.record("not stopped"); return }
        #expect(why.contains("stopped before trends") && why.contains("trends $0.0029 (default for trend_analyst"), "\(why)")
        #expect(model.server.requests.isEmpty)

        // A job with room runs; its calls (1,000 prompt + 200 reply tokens each) teach the estimates.
        let second = try runner.start(template, brief: AgentsFixture.brief, options: .init(maxCost: 5, master: master))
        _ = try AgentsFixture.drive(runner, job: second)
        let learned = try runner.estimate(trends)
        #expect(learned.basis == "learned from 1 run" && abs(learned.usd - (1000 * 0.15 + 200 * 0.6) / 1e6) < 1e-12, "\(learned)")
        #expect(try runner.estimate(concepts).usd > learned.usd * 9, "ten batches")

        // Now trends fits under the limit and runs; the concepts' learned cost would cross it.
        let third = try runner.start(template, brief: AgentsFixture.brief, options: .init(maxCost: 0.001, master: master))
        guard case .stopped(let again) = try runner.run(job: third) else { Issue.record("not stopped"); return }
        #expect(again.contains("stopped before concepts") && again.contains("learned from 1 run"), "\(again)")
        let status = Dictionary(uniqueKeysWithValues: try runner.store.detail(job: third).steps.map { ($0.step, $0.status) })
        #expect(status["trends"] == "completed" && status["concepts"] != "completed", "\(status)")
    }
}
