public import KijkoPipeline

/// Kijko's production agents, by the names the workflow templates use.
public enum ProductionAgents {
    /// Every production agent sharing `context` (offline when it has no client), plus the
    /// runner's built-ins (`noop`) for benchmarks.
    public static func registry(_ context: AgentContext) -> AgentRegistry {
        var registry = BuiltinAgents.registry
        let agents: [any PipelineAgent] = [
            VRDAgent(context: context), ScriptSmithAgent(context: context), ShotMasterAgent(context: context),
            BreakdownAgent(context: context), BudgetSolverAgent(context: context), ConceptGeneratorAgent(context: context),
            LegalAgent(context: context), CaptionsAgent(context: context), TrendAnalystAgent(context: context),
            ProductionAgent(context: context), AssemblerAgent(context: context), VersionGeneratorAgent(context: context),
            PlatformOptimizerAgent(context: context), QCSentinelAgent(context: context),
        ]
        for agent in agents { registry.add(agent) }
        return registry
    }
}
