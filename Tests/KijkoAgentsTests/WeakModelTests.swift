import Foundation
import KijkoAgents
import KijkoLLM
@testable import KijkoPipeline
import Testing

/// The workflows against a model whose replies fit each schema and are otherwise arbitrary
/// (``RandomSchemaModel``, several seeds): a job either completes, or fails at the first agent
/// whose reply breaks a domain rule after its re-asks, naming the field — never in a later agent
/// that trusted it. (Seeds 1 and 2 are wild and stop at the first document; with seed 4's
/// plausible numbers the advertising and film jobs run to the end on the model's arbitrary words.)
@Suite struct WeakModelTests {
    @Test(arguments: ["advertising", "film", "social"])
    func aWeakModelFailsAtItsSourceOrNotAtAll(workflow: String) throws {
        for (seed, plausible): (UInt64, Bool) in [(1, false), (2, false), (3, true), (4, true)] {
            let model = try RandomSchemaModel(seed: seed, plausible: plausible)
            let context = AgentsFixture.context(client: model.client())
            let options: PipelineRunner.JobOptions = switch workflow {
            case "social": .init(master: try AgentsFixture.master())
            default: .init(client: "Aurora", media: try AgentsFixture.media())
            }
            let run = try AgentsFixture.run(workflow, context: context, options: options)
            switch run.outcome {
            case .complete: break
            case .failed(let why):
                // The model's own reply, refused where it was asked for, with the field named.
                #expect(why.contains("the reply did not follow the schema or its rules after 2 re-asks: $."), "\(workflow) seed \(seed): \(why)")
            default:
                Issue.record("\(workflow) seed \(seed): \(run.outcome)")
            }
        }
    }
}
