import Foundation
import KijkoCore
public import KijkoPipeline

/// BreakdownBot: per scene, cast, props, wardrobe, locations, vehicles, VFX, day or night.
public struct BreakdownAgent: DraftingAgent {
    public let name = "breakdown"
    public let type = "pre-production"
    public let prompt = "breakdown"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var script: Script
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        guard let script = AgentInputs.document(Script.self, in: given) else { throw AgentError("breakdown: no script among the job's earlier steps") }
        return Input(script: script)
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> Breakdown {
        let vehicleWords = ["car", "bus", "bike", "bicycle", "van", "truck", "train", "scooter", "motorbike", "taxi"]
        return Breakdown(scenes: input.script.main.scenes.map { scene in
            let heading = scene.heading.uppercased()
            let place = heading.replacingOccurrences(of: "INT. ", with: "").replacingOccurrences(of: "EXT. ", with: "")
                .components(separatedBy: " - ").first?.capitalized ?? "Location"
            let text = (scene.action + " " + scene.dialogue).lowercased()
            let vehicles = vehicleWords.filter { text.contains($0) || place.lowercased().contains($0) }.map(\.capitalized)
            var cast = ["Lead talent"]
            if text.contains("customer") || text.contains("interview") { cast.append("Customer") }
            if !scene.dialogue.isEmpty { cast.append("Voice-over artist") }
            return Breakdown.Scene(scene: scene.number, heading: scene.heading, cast: cast,
                                   props: [facts.product] + (text.contains("pack shot") ? ["Pack-shot table"] : []),
                                   wardrobe: ["Lead: everyday wear in brand palette"], locations: [place],
                                   vehicles: vehicles, vfx: scene.supers.isEmpty ? [] : ["Super: " + scene.supers.joined(separator: " / ")],
                                   dayNight: heading.contains("NIGHT") || heading.contains("DUSK") ? "night" : "day")
        })
    }

    public func finish(_ output: Breakdown, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<Breakdown> {
        var md = Provenance.header(context) + "# Script breakdown\n\n| scene | day/night | cast | props | wardrobe | locations | vehicles | VFX |\n|---|---|---|---|---|---|---|---|\n"
        md += output.scenes.map { s in
            "| \(s.scene). \(s.heading) | \(s.dayNight) | \(s.cast.joined(separator: ", ")) | \(s.props.joined(separator: ", ")) | "
                + "\(s.wardrobe.joined(separator: ", ")) | \(s.locations.joined(separator: ", ")) | \(s.vehicles.joined(separator: ", ")) | \(s.vfx.joined(separator: ", ")) |\n"
        }.joined()
        return Finished(document: output, artefacts: [try ArtefactFolder(given.workFolder).write(md, as: "breakdown.md", name: "breakdown (table)", type: "markdown")], summary: "\(English.count(output.scenes.count, "scene")): \(output.unique(\.cast).count) cast, \(output.unique(\.locations).count) locations, \(output.unique(\.props).count) props")
    }
}
