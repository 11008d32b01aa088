import Foundation
import KijkoAgents
import KijkoLLM
import KijkoMedia
@testable import KijkoPipeline
import KijkoTestSupport
import KijkoCore

/// Briefs, synthesised footage (cached under `.build/test-media`), agent contexts and runs of the
/// shipped workflows for the agents' tests.
enum AgentsFixture {
    static let root = Program.root
    static let cache = root.appendingPathComponent(".build/test-media").path
    /// Schedules count from this day in tests.
    static let today = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01

    static let brief = """
        # Aurora e-bike launch
        Brand: Aurora
        Product: Aurora City e-bike
        Audience: urban commuters 25-40
        Tone: bright, optimistic
        Key messages: Lighter than it looks; Charge at any socket
        A 10-second spot for YouTube and Instagram (16:9, 9:16, 1:1, 4:5). Budget: $60,000.
        """

    static func scratch(_ name: String = "agents") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// An offline context (or one with `client`), reading the repository's presets, rendering small.
    static func context(client: ChatClient? = nil, concurrency: Int = 4) -> AgentContext {
        var context = AgentContext(client: client, promptFolder: root.appendingPathComponent("presets/prompts").path,
                                   presetsFolder: root.appendingPathComponent("presets").path, concurrency: concurrency, today: today)
        context.renderWidth = 320
        context.renderHeight = 180
        return context
    }

    /// A folder of three 6 s takes (`A001.mp4` …), frame numbers stamped in.
    static func media() throws -> String {
        let folder = try scratch("media")
        for (i, pattern) in [SynthSpec.Pattern.testsrc2, .subject, .testsrc].enumerated() {
            let take = try Synthesizer.cached(SynthSpec(width: 320, height: 180, frames: 150, pattern: pattern, toneLevel: -16), in: cache)
            try FileManager.default.createSymbolicLink(atPath: folder + "/A00\(i + 1).mp4", withDestinationPath: take)
        }
        return folder
    }

    /// A 6 s master for the social workflow.
    static func master() throws -> String {
        try Synthesizer.cached(SynthSpec(width: 640, height: 360, frames: 150, pattern: .subject, cuts: [60, 110], toneLevel: -14), in: cache)
    }

    /// Starts `workflow` (a shipped template) and drives it to its end, approving every gate
    /// unless `decide` returns feedback for a rejection, past a failing QC where `override` gives a reason.
    static func run(_ workflow: String, context: AgentContext, brief: String = brief, options: PipelineRunner.JobOptions = .init(),
                    override: (PipelineStore.ApprovalRecord) -> String? = { _ in nil },
                    decide: (PipelineStore.ApprovalRecord) -> String? = { _ in nil }) throws -> (runner: PipelineRunner, job: String, outcome: PipelineRunner.Outcome) {
        let agents = ProductionAgents.registry(context)
        let runner = PipelineRunner(store: try PipelineStore(path: try scratch() + "/jobs.sqlite"), agents: agents)
        let template = try WorkflowTemplate.named(workflow, in: root.appendingPathComponent("presets/workflows").path, agents: agents.names)
        let job = try runner.start(template, brief: brief, options: options)
        return (runner, job, try drive(runner, job: job, override: override, decide: decide))
    }

    static func drive(_ runner: PipelineRunner, job: String, override: (PipelineStore.ApprovalRecord) -> String? = { _ in nil },
                      decide: (PipelineStore.ApprovalRecord) -> String? = { _ in nil }) throws -> PipelineRunner.Outcome {
        var outcome = try runner.run(job: job)
        var rounds = 0
        while case .waiting = outcome, rounds < 30 {
            rounds += 1
            for request in try runner.store.pendingApprovals(job: job) {
                if let feedback = decide(request) { _ = try runner.reject(request.id, by: "tester", feedback: feedback) }
                else {
                    // An override goes past what fails at that moment, as the jobs service records it.
                    let past = DeliveryClearance(outputs: try runner.store.currentOutputs(job: job)).unresolved
                    _ = try runner.approve(request.id, by: "tester", override: override(request).map { Override(reason: $0, past: past) })
                }
            }
            outcome = try runner.run(job: job)
        }
        return outcome
    }

    /// Each step's current output, by step id.
    static func outputs(_ runner: PipelineRunner, job: String) throws -> [String: JSONValue] {
        try runner.store.currentOutputs(job: job)
    }

    /// The document of one step's output.
    static func document<D: AgentDocument>(_ type: D.Type, _ outputs: [String: JSONValue], _ step: String) throws -> D {
        guard let output = outputs[step] else { throw AgentError("no output for \(step)") }
        return try D.from(output)
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
}
