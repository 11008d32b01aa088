import Foundation
import KijkoCore
import KijkoPipeline

/// The workflows a job can be started with (`presets/workflows`), as `GET /api/workflows` and the
/// dashboard's first page show them.
struct WorkflowCatalog: Codable, Sendable {
    struct Step: Codable, Sendable {
        var id: String
        var agent: String?
        var phase: String
        var after: [String]
    }

    struct Gate: Codable, Sendable {
        var step: String
        var role: String
        var approval: String
        var reviews: String
        var maxLoops: Int
    }

    var name: String
    var description: String
    var steps: [Step]
    var gates: [Gate]
    /// Minutes, as the template estimates.
    var estimatedDuration: Int?
    /// USD, as the template estimates.
    var costEstimate: Double?

    static func names() throws -> [String] { Presets.names(in: "workflows") }

    static func all(agents: Set<String>) throws -> [WorkflowCatalog] {
        try names().map { name in WorkflowCatalog(try WorkflowTemplate.named(name, agents: agents)) }
    }

    init(_ template: WorkflowTemplate) {
        name = template.name
        description = template.description
        steps = template.steps.map { Step(id: $0.id, agent: $0.agent, phase: $0.phase, after: $0.after) }
        gates = template.steps.compactMap { step in
            step.gate.map { Gate(step: step.id, role: $0.role, approval: $0.approval, reviews: $0.reviews, maxLoops: $0.maxLoops) }
        }
        estimatedDuration = template.estimatedDuration
        costEstimate = template.costEstimate
    }
}
