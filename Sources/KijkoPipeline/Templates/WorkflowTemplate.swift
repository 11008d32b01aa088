import Foundation
import Yams
public import KijkoCore

/// A production workflow as a graph, read from `presets/workflows/*.yaml`: agent steps, approval
/// gates, branches on a step's output, steps that run side by side once their inputs are ready,
/// and revision loops (a gate's rejection sends the job back to a named step, a bounded number of
/// times). Validated on load: unknown keys, unknown steps or agents, cycles and unbounded loops are
/// errors naming the file, the line and the key.
///
///     name: social
///     description: Trends to scheduled posts
///     workflow_type: social
///     estimated_duration: 90        # minutes
///     cost_estimate: 2.50           # USD
///     steps:
///       trends: {agent: trend_analyst, phase: pre-production}
///       concepts: {agent: concept_generator, after: [trends]}
///       concept_review:
///         after: [concepts]
///         gate: {role: Client, approval: concept, reviews: concepts, on_reject: concepts, max_loops: 3}
public struct WorkflowTemplate: Sendable, Equatable, Codable {
    /// Run a step only when an earlier step's output field has a value.
    public struct Condition: Sendable, Equatable, Codable {
        public var step: String
        public var field: String
        public var equals: String
    }

    /// A human approval point.
    public struct Gate: Sendable, Equatable, Codable {
        /// Who approves: "Creative Director", "Client", "Director", "Editor", "Legal".
        public var role: String
        /// What kind of approval: "concept", "script", "final_cut" …
        public var approval: String
        /// The step whose output is put in front of the approver.
        public var reviews: String
        /// Where a rejection sends the job (that step and everything after it up to this gate run
        /// again, the feedback in the step's input).
        public var onReject: String
        /// Rejections allowed before the job fails.
        public var maxLoops: Int
    }

    public struct Step: Sendable, Equatable, Codable {
        public var id: String
        /// The agent that runs it; nil for a gate.
        public var agent: String?
        public var gate: Gate?
        /// Steps whose results it needs. A skipped step (a branch not taken) counts as done.
        public var after: [String]
        public var when: Condition?
        /// brief, pre-production, production, post: the job's status while it runs.
        public var phase: String
        /// USD the step is expected to cost, for the budget guard.
        public var costEstimate: Double
    }

    public var name: String
    public var description: String
    public var workflowType: String
    public var estimatedDuration: Int?
    public var costEstimate: Double?
    public var steps: [Step]
    public var source: String

    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }

    /// Steps that (transitively) come after `id`, in template order.
    public func downstream(of id: String) -> [String] {
        var reached: Set<String> = [id]
        var changed = true
        while changed {
            changed = false
            for step in steps where !reached.contains(step.id) && step.after.contains(where: reached.contains) {
                reached.insert(step.id)
                changed = true
            }
        }
        return steps.map(\.id).filter { reached.contains($0) && $0 != id }
    }

    public static let phases = ["brief", "pre-production", "production", "post"]

    /// The template named `name` (`presets/workflows/NAME.yaml`, the user's before Kijko's; only
    /// `folder` when given), or the
    /// file at `name` when it is a path.
    public static func named(_ name: String, in folder: String? = nil, agents: Set<String>) throws(PresetError) -> WorkflowTemplate {
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return try load(path: name, agents: agents) }
        let path = try Presets.locate(name, in: "workflows", what: "workflow", only: folder)
        return try load(path: path, agents: agents)
    }

    /// Reads and validates a template; `agents` are the agent names that exist.
    public static func load(path: String, agents: Set<String>) throws(PresetError) -> WorkflowTemplate {
        var f = try YAMLFields(try YAMLFields.document(path), file: path)
        var template = WorkflowTemplate(name: try f.requiredString("name"), description: try f.string("description") ?? "",
                                        workflowType: try f.string("workflow_type") ?? "custom",
                                        estimatedDuration: try f.int("estimated_duration", in: 0...1_000_000), costEstimate: try f.double("cost_estimate", in: 0...10_000_000),
                                        steps: [], source: path)
        guard let entries = try f.entries("steps"), !entries.isEmpty else { throw f.fail("steps", nil, "a workflow needs steps") }
        var lines: [String: YAMLFields] = [:]
        for (id, fields) in entries {
            var s = fields
            var step = Step(id: id, agent: try s.string("agent"), gate: nil, after: try s.strings("after") ?? [], when: nil,
                            phase: try s.string("phase") ?? "pre-production", costEstimate: try s.double("cost_estimate", in: 0...10_000_000) ?? 0)
            guard phases.contains(step.phase) else { throw s.fail("phase", nil, "expected one of \(phases.joined(separator: ", ")), got \(step.phase)") }
            if var g = try s.fields("gate") {
                let reviews = try g.string("reviews") ?? step.after.first ?? ""
                step.gate = Gate(role: try g.requiredString("role"), approval: try g.requiredString("approval"), reviews: reviews,
                                 onReject: try g.string("on_reject") ?? reviews, maxLoops: try g.int("max_loops", in: 0...1_000) ?? -1)
                if step.gate!.maxLoops < 0 { throw g.fail("max_loops", nil, "a gate that sends the job back needs max_loops (how many rejections before the job fails)") }
                try g.finish()
            }
            if var w = try s.fields("when") {
                step.when = Condition(step: try w.requiredString("step"), field: try w.requiredString("field"), equals: try w.requiredString("equals"))
                try w.finish()
            }
            switch (step.agent, step.gate) {
            case (nil, nil): throw s.fail("agent", nil, "a step needs an agent or a gate")
            case (.some, .some): throw s.fail("gate", nil, "a step is an agent or a gate, not both")
            case (let agent?, nil) where !agents.contains(agent):
                throw s.fail("agent", nil, "unknown agent \(agent) (have: \(agents.sorted().joined(separator: ", ")))")
            default: break
            }
            try s.finish()
            template.steps.append(step)
            lines[id] = fields
        }
        try f.finish()
        // References point at steps that exist, and earlier ones: the graph runs forwards, and
        // the only way back is a gate's bounded rejection loop.
        let order = Dictionary(uniqueKeysWithValues: template.steps.enumerated().map { ($1.id, $0) })
        for step in template.steps {
            let here = lines[step.id]!
            for dependency in step.after {
                guard let at = order[dependency] else { throw here.fail("after", nil, "unknown step \(dependency)") }
                guard at < order[step.id]! else {
                    throw here.fail("after", nil, "\(dependency) comes later: a cycle (only a gate's on_reject with max_loops may send a job back)")
                }
            }
            if let when = step.when {
                guard let at = order[when.step] else { throw here.fail("when", nil, "unknown step \(when.step)") }
                guard at < order[step.id]! else { throw here.fail("when", nil, "\(when.step) comes later") }
            }
            if let gate = step.gate {
                for target in [gate.reviews, gate.onReject] {
                    guard let at = order[target] else { throw here.fail("gate", nil, "unknown step \(target)") }
                    guard at < order[step.id]! else { throw here.fail("gate", nil, "\(target) must come before the gate") }
                }
                guard template.downstream(of: gate.onReject).contains(step.id) else {
                    throw here.fail("gate", nil, "on_reject \(gate.onReject) does not lead to this gate")
                }
            }
        }
        return template
    }
}
