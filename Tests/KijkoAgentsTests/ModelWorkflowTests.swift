import Foundation
import KijkoAgents
import KijkoEditorial
import KijkoLLM
@testable import KijkoPipeline
import Testing

/// The agents against a scripted OpenAI-compatible server on 127.0.0.1: structured replies, usage
/// and cost recorded per execution, every failure mode of the client handled without losing the job.
@Suite struct ModelWorkflowTests {
    @Test func advertisingWithAModelThroughEveryFault() throws {
        let model = try ScriptedModel(faults: [
            "vrd": [.tooMany(retryAfter: 1)], "script": [.truncated], "shot_list": [.breaksSchema], "breakdown": [.serverError],
            "traffic_schedule": [.hang(4)], "legal_review": [.notJSON],
        ])
        let context = AgentsFixture.context(client: model.client(timeout: 2))
        let run = try AgentsFixture.run("advertising", context: context, options: .init(client: "Aurora", media: try AgentsFixture.media()))
        #expect(run.outcome == .complete, "\(run.outcome)")
        let outputs = try OfflineWorkflowTests.checkOutputs(run.runner, job: run.job, provenances: ["model", "native"])
        // Each fault was met and got past: a second request of its kind (a third for the repairs' retry).
        for kind in ["vrd", "script", "shot_list", "breakdown", "traffic_schedule", "legal_review"] {
            #expect(model.requests(of: kind) >= 2, "\(kind): \(model.requests(of: kind))")
        }
        // Ten concept batches, and an eleventh: batch 3 repeated a concept of its own.
        #expect(model.requests(of: "concept_batch") == 11)
        // MoodMaker showed the model its reference frames, as JPEG data URLs.
        let moodRequest = try #require(model.server.requests.first { ScriptedModel.kind(of: $0) == "mood_board" })
        #expect(moodRequest.text.components(separatedBy: "data:image/jpeg;base64,").count - 1 == 3)
        // Usage and cost land in agent_executions for every step that asked the model.
        let rows = try run.runner.store.read { db in
            try db.rows("SELECT step_id, llm_calls, tokens_used, cost FROM agent_executions WHERE production_job_id = ? AND superseded = 0 AND status = 'completed'",
                             [run.job])
        }
        let byStep = Dictionary(uniqueKeysWithValues: rows.map { ($0["step_id"] as String, $0) })
        for step in ["brief_intake", "concepts", "script", "moodboard", "shot_list", "breakdown", "budget", "legal", "traffic"] {
            let row = try #require(byStep[step], "\(step)")
            #expect((row["llm_calls"] as Int) >= 1 && (row["tokens_used"] as Int) >= 1200 && (row["cost"] as Double) > 0, "\(step): \(row)")
        }
        // The repaired ones paid for both turns: 2 calls.
        #expect((byStep["shot_list"]?["llm_calls"] as Int?) == 2 && (byStep["legal"]?["llm_calls"] as Int?) == 2)
        // Eleven batches: eleven calls, their cost the sum of eleven.
        #expect((byStep["concepts"]?["llm_calls"] as Int?) == 11)
        let perCall = (1000 * 0.15 + 200 * 0.60) / 1_000_000
        #expect(abs((byStep["concepts"]?["cost"] as Double? ?? 0) - 11 * perCall) < 1e-12)
        // Every call is on record for the trace, under its execution; the key is nowhere in the store.
        let recorded = try run.runner.store.read { db in
            try db.rows("""
                SELECT e.step_id, COUNT(c.id) AS n FROM agent_executions e LEFT JOIN llm_calls c ON c.agent_execution_id = e.id
                WHERE e.production_job_id = ? AND e.superseded = 0 AND e.status = 'completed' AND e.llm_calls > 0 GROUP BY e.id
                """, [run.job])
        }
        #expect(recorded.count >= 9 && recorded.allSatisfy { ($0["n"] as Int) >= 1 }, "\(recorded)")
        #expect(recorded.first { ($0["step_id"] as String) == "concepts" }?["n"] as Int? == 11)
        let script = try AgentsFixture.document(Script.self, outputs, "script")
        // The model's VRD said 30 s; the brief says 10 s, and the brief's length is kept, the script made to it.
        let vrd = try AgentsFixture.document(VideoRequirements.self, outputs, "brief_intake")
        #expect(vrd.targetDuration == 10 && abs(script.main.duration - 10) <= 1, "\(vrd.targetDuration) / \(script.main.duration)")
        guard case .array(let notes)? = outputs["brief_intake"]?["notes"] else { Issue.record("the VRD's correction is not noted"); return }
        #expect(notes.contains { $0.stringValue?.contains("target duration 30 s is not one the brief names") == true }, "\(notes)")
        for suffix in ["", "-wal"] {
            let bytes = FileManager.default.contents(atPath: run.runner.store.path + suffix) ?? Data()
            #expect(bytes.range(of: Data("sk-secret-test-key".utf8)) == nil, "key found in the store\(suffix)")
        }
    }

    /// Film and social with the model too: every drafting step answered by it, its usage recorded.
    @Test(arguments: ["film", "social"])
    func filmAndSocialWithAModel(workflow: String) throws {
        let model = try ScriptedModel(faults: ["trends": [.serverError], "rfq": [.breaksSchema]])
        let context = AgentsFixture.context(client: model.client())
        let options: PipelineRunner.JobOptions = workflow == "film" ? .init(media: try AgentsFixture.media())
            : .init(master: try AgentsFixture.master())
        let run = try AgentsFixture.run(workflow, context: context, brief: "A 10 s spot for Aurora on TikTok. Budget: $30,000", options: options)
        #expect(run.outcome == .complete, "\(workflow): \(run.outcome)")
        let outputs = try OfflineWorkflowTests.checkOutputs(run.runner, job: run.job, provenances: ["model", "native"])
        let drafted = outputs.filter { $0.value["provenance"]?.string == "model" }
        #expect(drafted.count >= (workflow == "film" ? 7 : 5), "\(workflow): \(drafted.keys.sorted())")
        #expect(drafted.allSatisfy { $0.value["model"]?.string == "gpt-4o-mini" }, "\(drafted.mapValues { $0["model"]?.string ?? "none" })")
        let cost = try run.runner.store.read { db in
            try db.value(Double.self, "SELECT total_cost FROM production_jobs WHERE id = ?", [run.job]) ?? 0
        }
        #expect(cost > 0)
    }

    /// A reply that fits the schema but breaks the domain (shots with no length) is asked for again
    /// with the exact problems; after the re-asks the step fails at its source, naming the field.
    @Test func aReplyThatBreaksTheDomainIsAskedAgainThenFailsWhereItIs() throws {
        let script = try AgentUnitTests.input(upstream: [Script.example])
        for (faults, fails) in [(1, false), (2, false), (3, true)] {
            let model = try ScriptedModel(faults: ["shot_list": Array(repeating: .breaksRules, count: faults)])
            var client = model.client()
            client.reasks = 2
            let agent = ShotMasterAgent(context: AgentsFixture.context(client: client))
            if fails {
                #expect { try agent.run(script) } throws: { error in
                    let text = "\(error)"
                    return text.hasPrefix("shot_list:") && text.contains("after 2 re-asks") && text.contains("$.shots[0].duration: 0.0 s is not a shot's length")
                }
            } else {
                let list = try ShotList.from(AgentEnvelope.document(of: agent.run(script).output))
                #expect(list.shots.allSatisfy { $0.duration > 0 })
            }
            #expect(model.requests(of: "shot_list") == min(faults + 1, 3), "\(faults) broken replies")
        }
        // A frame rate that is none is refused by the schema itself (an enum of timecode rates).
        var list = ShotList.example
        list.frameRate = "Garden drift zephyr"
        let problems = JSONSchema.problems(try list.json(), against: ShotList.schema)
        #expect(problems.contains { $0.hasPrefix("$.frame_rate: \"Garden drift zephyr\" is not one of") }, "\(problems)")
        #expect(JSONSchema.problems(try ShotList.example.json(), against: ShotList.schema).isEmpty)
    }

    @Test func aStepThatExhaustsItsRetriesFailsCleanlyAndResumes() throws {
        let model = try ScriptedModel(faults: ["vrd": [.serverError, .serverError, .serverError]])
        let context = AgentsFixture.context(client: model.client(attempts: 2))
        let agents = ProductionAgents.registry(context)
        let runner = PipelineRunner(store: try PipelineStore(path: try AgentsFixture.scratch() + "/jobs.sqlite"), agents: agents)
        let template = try WorkflowTemplate.named("advertising", in: AgentsFixture.root.appendingPathComponent("presets/workflows").path, agents: agents.names)
        let job = try runner.start(template, brief: AgentsFixture.brief)
        guard case .failed(let why) = try runner.run(job: job) else { Issue.record("expected the step to fail"); return }
        #expect(why.contains("vrd: the model call failed after 2 attempts") && why.contains("HTTP 500"), "\(why)")
        // Resume: the third 500 is retried, and the job goes on to the first gate.
        let resumed = try runner.run(job: job)
        guard case .waiting = resumed else { Issue.record("expected the job to reach its first gate: \(resumed)"); return }
        let statuses = try runner.store.read { db in
            try db.values(String.self, "SELECT status FROM agent_executions WHERE production_job_id = ? AND step_id = 'brief_intake' ORDER BY created_at", [job])
        }
        #expect(statuses == ["failed", "completed"])
        #expect(model.requests(of: "vrd") == 4)
    }

    @Test func aHundredConceptsFromTenParallelBatches() throws {
        let model = try ScriptedModel(delay: 0.2)
        let agent = ConceptGeneratorAgent(context: AgentsFixture.context(client: model.client(), concurrency: 4))
        let result = try agent.run(AgentInput(brief: AgentsFixture.brief, workFolder: try AgentsFixture.scratch()))
        let concepts = try Concepts.from(result.output)
        #expect(concepts.concepts.count == 100)
        // Batch 3 repeated one of its own: removed, and one more batch made up the number.
        #expect(concepts.duplicatesRemoved == 1 && concepts.batches == 11 && result.calls.count == 11)
        #expect(Set(concepts.concepts.map(\.title)).count == 100)
        #expect(concepts.concepts.map(\.rank) == Array(1...100))
        #expect(zip(concepts.concepts, concepts.concepts.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(concepts.concepts.allSatisfy { abs($0.score - (0.6 * $0.relevance + 0.4 * $0.uniqueness)) < 0.002 })
        // Batches ran side by side, never more than the limit.
        #expect(model.peak >= 2 && model.peak <= 4, "peak \(model.peak)")
        #expect(ProductionAgents.schemaProblems(result.output) == [])
    }
}
