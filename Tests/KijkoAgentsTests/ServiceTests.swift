import Foundation
import KijkoAgents
import KijkoCore
import KijkoEditorial
import KijkoMedia
import KijkoPipeline
import KijkoTestSupport
import Testing

/// Agents and the CLI call the same services: the same inputs give the same files (byte for byte;
/// encoded deliverables picture for picture).
/// And the jobs service as a front end drives it: progress, cancellation, resumption.
@Suite struct ServiceTests {
    /// The Assembler agent and `kijko assemble --shots` plan the same shot list into the same EDL
    /// and edit notes.
    @Test func assemblerAgentAndCLIWriteTheSameEDLAndNotes() throws {
        let media = try AgentsFixture.media()
        var shots: [ShotList.Shot] = []
        for (i, take) in ["A001.mp4", "A002.mp4", "missing.mp4"].enumerated() {
            var shot = ShotList.example.shots[0]
            shot.shot = "\(i + 1)"
            shot.duration = [2.0, 1.5, 1.0][i]
            shot.source = take
            shot.in = "1.0"
            shot.out = nil
            shots.append(shot)
        }
        let list = ShotList(title: "Parity", frameRate: "25", shots: shots)
        let given = try AgentUnitTests.input(upstream: [list], media: media)
        let output = try AssemblerAgent(context: AgentsFixture.context()).run(given)
        let cut = try AgentsFixture.document(RoughCut.self, ["assembly": output.output], "assembly")

        let cli = try AgentsFixture.scratch("cli")
        let file = cli + "/shots.json"
        try Data(try list.json().compactText.utf8).write(to: URL(fileURLWithPath: file))
        let run = try Program.run(Program.kijko, ["assemble", "--shots", file, "--media", media, "--plan-only",
                                                  "--edl", cli + "/roughcut.edl", "--out", cli + "/roughcut.mp4"])
        #expect(run.status == 0, "\(run.stderr)")
        let agentFolder = (cut.edl as NSString).deletingLastPathComponent
        for name in ["roughcut.edl", "roughcut.notes.md", "roughcut.notes.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: agentFolder + "/" + name))
            let b = try Data(contentsOf: URL(fileURLWithPath: cli + "/" + name))
            #expect(!a.isEmpty && a == b, "\(name) differs between the agent and the CLI")
        }
    }

    /// The Version Generator agent and `kijko versions` (same presets, same folder) write the same
    /// manifest, byte for byte — the deliverables' sizes and hashes too: one process's heap or
    /// another's, libx264 codes the same bytes (``X264Determinism``).
    @Test func versionGeneratorAgentAndCLIWriteTheSameManifest() throws {
        var given = try AgentUnitTests.input()
        given.master = try AgentsFixture.master()
        let output = try VersionGeneratorAgent(context: AgentsFixture.context()).run(given)
        let set = try AgentsFixture.document(VersionSet.self, ["versions": output.output], "versions")
        let byAgent = try Data(contentsOf: URL(fileURLWithPath: set.manifest))
        let folder = (set.manifest as NSString).deletingLastPathComponent
        // The agent reframes a change of shape smartly: `--reframe smart` (the master's own shape is scaled).
        let run = try Program.run(Program.kijko, ["versions", given.master!, "--out", folder, "--force", "--quiet", "--reframe", "smart"]
                                  + set.versions.flatMap { ["--preset", $0.preset] })
        #expect(run.status == 0, "\(run.stderr)")
        let byCLI = try Data(contentsOf: URL(fileURLWithPath: set.manifest))
        let (agentText, cliText) = (String(decoding: byAgent, as: UTF8.self), String(decoding: byCLI, as: UTF8.self))
        let differing = zip(agentText.split(separator: "\n"), cliText.split(separator: "\n")).filter { $0.0 != $0.1 }.prefix(3).map { "\($0.0) ≠ \($0.1)" }
        #expect(agentText == cliText, "the manifests differ: \(differing)")
        #expect(!set.versions.isEmpty && agentText.contains("sha256"))
    }

    /// A job run through the service reports each step as it starts; cancelled from its first
    /// step's event, it stops before the next step, and a second run finishes it with every step
    /// completed exactly once.
    @Test func aJobIsCancelledBetweenStepsAndGoesOn() async throws {
        let jobs = try JobsService(database: try AgentsFixture.scratch() + "/jobs.sqlite", context: AgentsFixture.context())
        let id = try jobs.start(.init(workflow: "social", brief: AgentsFixture.brief, master: try AgentsFixture.master()))
        let handle = TaskHandle<JobsService.RunResult>()
        let first = SharedList<ProgressEvent>()
        let task = Task { try await jobs.run(job: id, approveAll: true) { event in
            first.append(event)
            if event.kind == .started { handle.cancel() }
        } }
        handle.set(task)
        let stopped = try await task.value
        #expect(stopped.outcome == "stopped" && stopped.message == PipelineRunner.cancelled, "\(stopped)")
        let ran = try jobs.detail(job: id).steps.filter { $0.status == "completed" }
        #expect(ran.count == 1, "only the step under way when cancelled finished: \(ran.map(\.step))")
        #expect(first.all.filter { $0.kind == .started }.count == 1)

        let events = SharedList<ProgressEvent>()
        let finished = try await jobs.run(job: id, approveAll: true) { events.append($0) }
        #expect(finished.outcome == "complete", "\(finished)")
        let detail = try jobs.detail(job: id)
        #expect(detail.steps.allSatisfy { $0.earlier == 0 }, "no step ran twice")
        let agentSteps = detail.steps.filter { $0.status == "completed" && !$0.agent.hasPrefix("gate") }
        let firstStep = try #require(ran.first)
        let started = events.all.filter { $0.kind == .started }
        #expect(Set(started.map(\.stage)) == Set(agentSteps.filter { $0.step != firstStep.step }.map(\.step)),
                "a started event for each step run after the first")
        #expect(started.allSatisfy { event in agentSteps.contains { "\($0.step) (\($0.agent))" == event.message } }, "each names its agent")
        #expect(!finished.autoApproved.isEmpty && finished.index != nil)
    }
}
