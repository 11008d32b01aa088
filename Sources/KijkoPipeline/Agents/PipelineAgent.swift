import Foundation
public import KijkoLLM
public import KijkoCore

/// What a step's agent is given: the brief, the job's settings, the outputs of the steps it comes
/// after, and — on a revision — every reviewer's feedback that sent the job back to it.
public struct AgentInput: Codable, Sendable {
    public var brief: String
    public var client: String?
    /// USD the client has, when known (`--budget`).
    public var budget: Double?
    /// Output of each step this one comes after, by step id.
    public var inputs: [String: JSONValue]
    /// Reviewers' feedback, oldest first (empty on the first run).
    public var feedback: [String]
    /// 0 on the first run, then one more per revision.
    public var revision: Int
    /// Media the job was given (`--media`, `--master`).
    public var media: String?
    public var master: String?
    /// A folder for this step's files, beside the database (the agent creates it when it writes
    /// any); native steps write atomically there, so a rerun is safe.
    public var workFolder: String
    /// Output (compact JSON text) of every step of the job completed so far, by step id: what an
    /// agent reads to find the documents made before it, however far back. (Built on first use
    /// from the runner's snapshot of the job, so steps that never look pay nothing for it.)
    public var upstream: [String: String] {
        get { explicitUpstream ?? snapshot?.completed ?? [:] }
        set { explicitUpstream = newValue }
    }
    private var explicitUpstream: [String: String]?
    /// Where a long step reports how far it is (set by the runner; not stored).
    public var progress: ProgressHandler?
    private var snapshot: JobSnapshot?

    enum CodingKeys: String, CodingKey {
        case brief, client, budget, inputs, feedback, revision, media, master, workFolder, explicitUpstream = "upstream"
    }

    public init(brief: String, client: String? = nil, budget: Double? = nil, inputs: [String: JSONValue] = [:], feedback: [String] = [],
                revision: Int = 0, media: String? = nil, master: String? = nil, workFolder: String, upstream: [String: String] = [:]) {
        self.brief = brief
        self.client = client
        self.budget = budget
        self.inputs = inputs
        self.feedback = feedback
        self.revision = revision
        self.media = media
        self.master = master
        self.workFolder = workFolder
        self.explicitUpstream = upstream.isEmpty ? nil : upstream
    }

    /// With the runner's view of the job's executions (status, output text), read lazily.
    init(brief: String, client: String?, budget: Double?, inputs: [String: JSONValue], feedback: [String], revision: Int, media: String?,
         master: String?, workFolder: String, executions: [String: (status: String, output: String?)]) {
        self.init(brief: brief, client: client, budget: budget, inputs: inputs, feedback: feedback, revision: revision, media: media,
                  master: master, workFolder: workFolder)
        snapshot = JobSnapshot(executions)
    }
}

/// A step's view of the job's executions, turned into `upstream` once, when first asked for.
final class JobSnapshot: @unchecked Sendable {
    private let executions: [String: (status: String, output: String?)]
    private let lock = NSLock()
    private var built: [String: String]?

    init(_ executions: [String: (status: String, output: String?)]) { self.executions = executions }

    var completed: [String: String] {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let result = executions.reduce(into: [String: String]()) { if $1.value.status == "completed", let o = $1.value.output { $0[$1.key] = o } }
        built = result
        return result
    }
}

extension AgentInput {
    /// The input as stored with its execution (compact JSON, sorted keys).
    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "brief": .string(brief), "inputs": .object(inputs), "feedback": .array(feedback.map { .string($0) }),
            "revision": .number(Double(revision)), "workFolder": .string(workFolder),
        ]
        if let client { fields["client"] = .string(client) }
        if let budget { fields["budget"] = .number(budget) }
        if let media { fields["media"] = .string(media) }
        if let master { fields["master"] = .string(master) }
        return .object(fields)
    }
}

/// What an agent made, and what making it cost.
public struct AgentOutput: Sendable {
    public var output: JSONValue
    public var usage: LLMUsage
    /// Each model call, for the trace (a generation span each) and `llm_calls`.
    public var calls: [LLMCallRecord]

    public init(output: JSONValue, usage: LLMUsage = LLMUsage(), calls: [LLMCallRecord] = []) {
        self.output = output
        self.usage = usage
        self.calls = calls
    }
}

/// A step's worker. Called on a runner thread; may block. Throwing fails the step (and the job)
/// with the error's words.
public protocol PipelineAgent: Sendable {
    var name: String { get }
    /// pre-production, production, post.
    var type: String { get }
    /// What a worker needs to run it: `llm` (drafts: a model, or offline drafts) or `media`
    /// (decodes, renders, writes pictures: FFmpeg's libraries and the job's files). Default `llm`.
    var capability: String { get }
    func run(_ input: AgentInput) throws -> AgentOutput
}

extension PipelineAgent {
    public var capability: String { "llm" }
}

/// The agents a runner can call, by name.
public struct AgentRegistry: Sendable {
    public private(set) var agents: [String: any PipelineAgent] = [:]

    public init(_ agents: [any PipelineAgent] = []) {
        for agent in agents { self.agents[agent.name] = agent }
    }

    public mutating func add(_ agent: any PipelineAgent) { agents[agent.name] = agent }

    public var names: Set<String> { Set(agents.keys) }

    public subscript(name: String) -> (any PipelineAgent)? { agents[name] }
}
