import KijkoEditorial
import KijkoLLM
public import KijkoPipeline
public import KijkoCore

/// Kijko's production agents, by the names the workflow templates use.
public enum ProductionAgents {
    /// Every production agent sharing `context` (offline when it has no client), plus the
    /// runner's built-ins (`noop`) for benchmarks.
    public static func registry(_ context: AgentContext) -> AgentRegistry {
        var registry = AgentRegistry()
        registry.add(NoopAgent())
        let agents: [any PipelineAgent] = [
            VRDAgent(context: context), ScriptSmithAgent(context: context), ShotMasterAgent(context: context),
            BreakdownAgent(context: context), BudgetSolverAgent(context: context), ConceptGeneratorAgent(context: context, count: context.conceptCount),
            LegalAgent(context: context), CaptionsAgent(context: context), TrendAnalystAgent(context: context),
            ProductionAgent(context: context), AssemblerAgent(context: context), ColouristAgent(context: context), VersionGeneratorAgent(context: context),
            PlatformOptimizerAgent(context: context), QCSentinelAgent(context: context), TrafficAgent(context: context),
            SchedulerAgent(context: context), DistributionAgent(context: context), RFQForgeAgent(context: context),
            MoodMakerAgent(context: context), BoardBuilderAgent(context: context), EngagementMonitorAgent(context: context),
        ]
        for agent in agents { registry.add(agent) }
        return registry
    }
}

extension ProductionAgents {
    /// Every document type an agent makes, for checking outputs against their schemas.
    public static let documents: [any AgentDocument.Type] = [
        VideoRequirements.self, Script.self, ShotList.self, Breakdown.self, BudgetPlan.self, Concepts.self, LegalReview.self, Captions.self,
        TrendReport.self, FootageLog.self, RoughCut.self, ColourGrade.self, VersionSet.self, QCVerdict.self, TrafficSchedule.self, PostingSchedule.self,
        DeliveryPackage.self, QuoteRequests.self, MoodBoard.self, Storyboard.self, EngagementReport.self,
    ]

    /// What in an agent's output breaks its document's schema (the envelope's fields aside); nil
    /// when the output names no known kind.
    public static func schemaProblems(_ output: JSONValue) -> [String]? {
        guard case .object(let fields) = output, case .string(let kind)? = fields["kind"],
              let type = documents.first(where: { $0.kind == kind }) else { return nil }
        return JSONSchema.problems(AgentEnvelope.document(of: output), against: type.schema)
    }
}
