import KijkoCore

/// Does nothing and returns at once: the runner's own cost per step, for benchmarks.
public struct NoopAgent: PipelineAgent {
    public let name = "noop"
    public let type = "production"

    public init() {}

    public func run(_ input: AgentInput) throws -> AgentOutput { AgentOutput(output: ["ok": true]) }
}
