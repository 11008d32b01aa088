import Foundation
import KijkoLLM
@testable import KijkoPipeline
import KijkoTestSupport
import Testing

/// Scratch stores, the shipped templates, and agents that show what the runner did.
enum PipelineFixture {
    /// The runner's test graphs (the shipped templates, as they were built against the built-in agents).
    static let workflows = Program.root.appendingPathComponent("Fixtures/workflows").path

    static func scratch(_ name: String = "k") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-pipe-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/\(name).sqlite"
    }

    /// A new, empty store of `kind`: a scratch SQLite file, or a database of its own on the tests'
    /// PostgreSQL server (started once per test process). Its location, for a second store on it.
    static func location(_ kind: StoreKind, _ name: String = "k") throws -> String {
        switch kind {
        case .sqlite: return try scratch(name)
        case .postgres: return try PostgresServer.database(name)
        }
    }

    /// A store at a new `location(kind)`, its artefacts in a scratch folder.
    static func store(_ kind: StoreKind) throws -> PipelineStore {
        let location = try location(kind)
        let artefacts = kind == .postgres ? (try scratch("a") as NSString).deletingLastPathComponent + "/artefacts" : nil
        return try PipelineStore(path: location, artefacts: artefacts)
    }

    static func template(_ name: String, agents: AgentRegistry = BuiltinAgents.registry) throws -> WorkflowTemplate {
        try WorkflowTemplate.named(name, in: workflows, agents: agents.names)
    }

    /// Writes a template file and returns its path.
    static func templateFile(_ yaml: String) throws -> String {
        let path = (try scratch("t") as NSString).deletingLastPathComponent + "/custom.yaml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Approves (or, per `decide`, rejects) every pending request until the job ends.
    @discardableResult
    static func drive(_ runner: PipelineRunner, job: String, decide: (PipelineStore.ApprovalRecord) -> String? = { _ in nil }) throws
        -> PipelineRunner.Outcome {
        var outcome = try runner.run(job: job)
        var guardCount = 0
        while case .waiting = outcome, guardCount < 50 {
            guardCount += 1
            for request in try runner.store.pendingApprovals(job: job) {
                if let feedback = decide(request) {
                    _ = try runner.reject(request.id, by: "tester", feedback: feedback)
                } else {
                    _ = try runner.approve(request.id, by: "tester")
                }
            }
            outcome = try runner.run(job: job)
        }
        return outcome
    }
}

/// Which database a store test runs on: every store test runs on both.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Records how many steps ran at once, then does what `inner` does.
final class OverlapProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var inside = 0
    private(set) var peak = 0
    private(set) var ran: [String] = []

    func enter(_ name: String) { lock.lock(); inside += 1; peak = max(peak, inside); ran.append(name); lock.unlock() }
    func leave() { lock.lock(); inside -= 1; lock.unlock() }
}

struct SlowAgent: PipelineAgent {
    let inner: any PipelineAgent
    let probe: OverlapProbe
    var name: String { inner.name }
    var type: String { inner.type }

    func run(_ input: AgentInput) throws -> AgentOutput {
        probe.enter(name)
        defer { probe.leave() }
        Thread.sleep(forTimeInterval: 0.15)
        return try inner.run(input)
    }
}

/// An agent with a price: each run reports one model call costing `cost`.
struct CostlyAgent: PipelineAgent {
    let name: String
    let cost: Double
    var type: String { "production" }
    func run(_ input: AgentInput) throws -> AgentOutput {
        AgentOutput(output: ["made": true], usage: LLMUsage(calls: 1, promptTokens: 100, completionTokens: 50, cost: cost))
    }
}
