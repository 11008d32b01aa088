import Foundation
import KijkoCore
public import KijkoEditorial
public import KijkoPipeline
import KijkoMedia

/// ShotMaster: the shot list for the approved script's main version, in the schema the
/// Assembler's `--shots` reads. Durations are whole frames at the list's rate and add up to the
/// script's scenes.
public struct ShotMasterAgent: DraftingAgent {
    public let name = "shotmaster"
    public let type = "pre-production"
    public let prompt = "shotmaster"
    public let context: AgentContext
    public var temperature: Double { 0.3 }

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var script: Script
        public var frameRate: String
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        guard let script = AgentInputs.document(Script.self, in: given) else { throw AgentError("shot list: no script among the job's earlier steps") }
        return Input(script: script, frameRate: "25")
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> ShotList {
        let types = ["WS", "MS", "CU", "MCU", "INSERT", "OTS"]
        let moves = ["static", "slow push in", "handheld follow", "pan left", "tilt up", "gimbal orbit"]
        var shots: [ShotList.Shot] = []
        var n = 0
        for scene in input.script.main.scenes {
            let count = scene.estimatedDuration >= 6 ? 3 : (scene.estimatedDuration >= 3 ? 2 : 1)
            let frames = Int((scene.estimatedDuration * 25).rounded())
            for k in 0..<count {
                let share = k == count - 1 ? frames - (frames / count) * (count - 1) : frames / count
                var shot = ShotList.Shot(shot: "\(scene.number)\(Character(UnicodeScalar(65 + k)!))", scene: String(scene.number),
                                         description: k == 0 ? scene.action : "\(types[(n) % types.count]) coverage: \(scene.action)",
                                         duration: Double(share) / 25)
                shot.shotType = types[n % types.count]
                shot.cameraMovement = moves[n % moves.count]
                shot.lighting = scene.heading.contains("NIGHT") ? "practical, low key" : (scene.heading.hasPrefix("EXT") ? "natural daylight" : "soft key, window")
                shot.audio = scene.dialogue.isEmpty ? "music bed" : "VO + music bed"
                shot.propsTalent = ["\(facts.product)", n % 2 == 0 ? "lead talent" : "supporting talent"]
                shot.setupMinutes = Double(15 + (n % 3) * 10)
                shot.vfx = scene.supers.isEmpty ? false : k == count - 1
                shots.append(shot)
                n += 1
            }
        }
        return ShotList(title: input.script.title, frameRate: input.frameRate, shots: shots)
    }

    public func finish(_ output: ShotList, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<ShotList> {
        guard !output.shots.isEmpty else { throw AgentError("shot list: no shots") }
        var list = output
        var notes: [String] = []
        let fps = TimecodeRate(parsing: list.frameRate ?? "25")?.rate.doubleValue ?? 25
        for i in list.shots.indices {
            let frames = max(1, (list.shots[i].duration * fps).rounded())
            if abs(frames / fps - list.shots[i].duration) > 1e-9 {
                notes.append("shot \(list.shots[i].shot): \(list.shots[i].duration) s rounded to \(Int(frames)) frames")
                list.shots[i].duration = frames / fps
            }
        }
        let scripted = input.script.main.duration
        if scripted > 0, abs(list.totalDuration - scripted) > scripted * 0.1 {
            notes.append(String(format: "the shots add up to %.2f s against the script's %.2f s", list.totalDuration, scripted))
        }
        var md = Provenance.header(context) + "# Shot list: \(list.title ?? "")\n\n"
        md += "| shot | scene | type | movement | duration | description |\n|---|---|---|---|---|---|\n"
        md += list.shots.map { "| \($0.shot) | \($0.scene ?? "") | \($0.shotType ?? "") | \($0.cameraMovement ?? "") | \(String(format: "%.2f", $0.duration)) s | \($0.description ?? "") |\n" }.joined()
        md += String(format: "\n**Total:** %.2f s in %d shots\n", list.totalDuration, list.shots.count)
        let artefact = try ArtefactFolder(given.workFolder).write(md, as: "shot_list.md", name: "shot list (table)", type: "markdown")
        return Finished(document: list, artefacts: [artefact], notes: notes, summary: English.count(list.shots.count, "shot") + String(format: ", %.2f s", list.totalDuration))
    }
}
