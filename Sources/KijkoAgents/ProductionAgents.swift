public import KijkoPipeline

/// Kijko's production agents, by the names the workflow templates use.
public enum ProductionAgents {
    /// Every production agent sharing `context` (offline when it has no client), plus the
    /// runner's built-ins (`noop`) for benchmarks.
    public static func registry(_ context: AgentContext) -> AgentRegistry {
        var registry = AgentRegistry()
        if let noop = BuiltinAgents.registry["noop"] { registry.add(noop) }
        let agents: [any PipelineAgent] = [
            VRDAgent(context: context), ScriptSmithAgent(context: context), ShotMasterAgent(context: context),
            BreakdownAgent(context: context), BudgetSolverAgent(context: context), ConceptGeneratorAgent(context: context),
            LegalAgent(context: context), CaptionsAgent(context: context), TrendAnalystAgent(context: context),
            ProductionAgent(context: context), AssemblerAgent(context: context), VersionGeneratorAgent(context: context),
            PlatformOptimizerAgent(context: context), QCSentinelAgent(context: context), TrafficAgent(context: context),
            SchedulerAgent(context: context), DistributionAgent(context: context), RFQForgeAgent(context: context),
            MoodMakerAgent(context: context), BoardBuilderAgent(context: context), EngagementMonitorAgent(context: context),
        ]
        for agent in agents { registry.add(agent) }
        return registry
    }
}
