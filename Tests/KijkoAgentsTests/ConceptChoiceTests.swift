import Foundation
@testable import KijkoAgents
import KijkoCore
@testable import KijkoPipeline
import KijkoTestSupport
import Testing

/// The Creative Director chooses among the ranked concepts at the concept review, and the script
/// is written from the one chosen — through the CLI (`--choose N`, a rank) as through the API.
@Suite struct ConceptChoiceTests {
    @Test func choicesAreIndexesOrTitles() throws {
        let options = ["Rain", "Sun", "Fog"]
        #expect(try ApprovalChoice.resolve(.number(1), options: options) == .object(["index": .number(1), "title": "Sun"]))
        #expect(try ApprovalChoice.resolve(.string("Fog"), options: options) == .object(["index": .number(2), "title": "Fog"]))
        for bad: JSONValue in [.number(99), .number(3), .number(-1), .number(0.5), .string("Snow"), .bool(true)] {
            #expect(throws: ServiceError.self) { try ApprovalChoice.resolve(bad, options: options) }
        }
        #expect(throws: ServiceError.self) { try ApprovalChoice.resolve(.number(0), options: []) }
        let content: JSONValue = .object(["concepts": .array([.object(["title": "Rain"]), .object(["rank": 2])])])
        #expect(ApprovalChoice.options(in: content) == ["Rain", "option 2"])
        #expect(ApprovalChoice.options(in: .object(["scenes": .array([])])) == [])
    }

    /// Every concept carries the specification's fields, offline as from a model.
    @Test func conceptsCarryTheSpecificationsFields() throws {
        let schema = Concepts.schema.compactText
        for field in ["big_idea", "visual_approach", "key_message", "target_emotion", "angle", "hook"] {
            #expect(schema.contains("\"\(field)\""), "\(field) missing from the concepts schema")
        }
        let facts = BriefFacts(AgentsFixture.brief)
        for idea in ConceptGeneratorAgent.offline(batch: 0, facts: facts, trends: nil) {
            #expect(idea.violations(at: "$") == [], "\(idea)")
        }
        var empty = ConceptBatch.example
        empty.concepts[0].targetEmotion = " "
        #expect(empty.violations() == ["$.concepts[0].target_emotion: empty; every concept needs its target emotion"])
        #expect(ConceptBatch(concepts: []).violations() == ["$.concepts: empty; a batch needs concepts"])
    }

    @Test func theCLIChoosesTheConceptTheScriptIsWrittenFrom() throws {
        let folder = try AgentsFixture.scratch("choose")
        let db = folder + "/jobs.sqlite", brief = folder + "/brief.md"
        try AgentsFixture.brief.write(toFile: brief, atomically: true, encoding: .utf8)
        func kijko(_ arguments: [String]) throws -> ProgramResult {
            let result = try Program.run(Program.kijko, arguments + ["--db", db], environment: ["KIJKO_LLM_BASE_URL": ""])
            #expect(!result.signalled, "\(arguments): \(result.stderr)")
            return result
        }
        func pending() throws -> PipelineStore.ApprovalRecord {
            try #require(try PipelineStore(path: db, create: false).pendingApprovals().first)
        }
        #expect(try kijko(["run", "advertising", "--brief", brief]).status == 0)
        #expect(try kijko(["approve", try pending().id]).status == 0)
        let review = try pending()
        #expect(review.step == "concept_review")
        let options = ApprovalChoice.options(in: review.content?["content"])
        #expect(options.count >= 5)
        // The table lists the options with their ranks and how to choose.
        let table = try kijko(["approvals"]).stdout
        #expect(table.contains("--choose N") && table.contains("  3. \(options[2])"), "\(table)")
        // A rank past the list is a clear error, and nothing is decided.
        let wrong = try kijko(["approve", review.id, "--choose", "\(options.count + 1)"])
        #expect(wrong.status != 0 && wrong.stderr.contains("choice: one of the \(options.count) options"), "\(wrong.stderr)")
        #expect(try kijko(["approve", review.id, "--choose", "0"]).status != 0)
        #expect(try pending().id == review.id)
        // Rank 3 chosen: the decision records it and the script is written from it.
        #expect(try kijko(["approve", review.id, "--choose", "3"]).status == 0)
        let store = try PipelineStore(path: db, create: false)
        #expect(try store.approval(review.id).choice == .object(["index": .number(2), "title": .string(options[2])]))
        let script = try store.read { db in
            try db.value(String.self, "SELECT output_data FROM agent_executions WHERE step_id = 'script' AND superseded = 0 AND status = 'completed'")
        }
        let text = try #require(script)
        #expect(text.contains(options[2]) && !text.contains(options[0]), "the script does not follow the chosen concept")
    }
}
