import Foundation
public import KijkoPipeline

/// ScriptSmith: the script and two alternatives, scenes adding up to the VRD's target (within 10%;
/// a model's draft outside that is scaled in code, and the note says so).
public struct ScriptSmithAgent: DraftingAgent {
    public let name = "scriptsmith"
    public let type = "pre-production"
    public let prompt = "scriptsmith"
    public let context: AgentContext
    public var temperature: Double { 0.7 }

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var requirements: VideoRequirements?
        /// The concept chosen at the concept review (else the top one), when concepts were made before the script (advertising).
        public var concept: Concepts.Concept?
        public var targetDuration: Double
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        let vrd = AgentInputs.document(VideoRequirements.self, in: given)
        return Input(requirements: vrd, concept: AgentInputs.chosenConcept(in: given),
                     targetDuration: vrd?.targetDuration ?? facts.target)
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> Script {
        let target = input.targetDuration
        let place = input.concept?.idea.visualApproach ?? "the city at first light"
        let messages = input.requirements?.keyMessages ?? facts.messages
        func version(_ title: String, _ approach: String, _ beats: [(String, String, Double)]) -> Script.Version {
            let weight = beats.reduce(0) { $0 + $1.2 }
            var scenes: [Script.Scene] = []
            var used = 0.0
            for (i, beat) in beats.enumerated() {
                // Durations in whole frames at 25 fps; the last scene takes what is left.
                let seconds = i == beats.count - 1 ? target - used : ((target * beat.2 / weight) * 25).rounded() / 25
                used += seconds
                let supers = i == beats.count - 1 ? ["\(facts.brand). \(messages.first ?? facts.product)"] : []
                scenes.append(Script.Scene(number: i + 1, heading: beat.0, action: beat.1,
                                           dialogue: i < messages.count ? "VO: \(messages[i])." : "", supers: supers,
                                           estimatedDuration: (seconds * 1000).rounded() / 1000))
            }
            return Script.Version(title: title, approach: approach, scenes: scenes)
        }
        let audience = facts.audience
        let main = version(input.concept?.title ?? "Everyday hero", "Observational, \(facts.tone)", [
            ("EXT. \(place.uppercased()) - DAY", "We meet one of \(audience) mid-routine, the problem plain to see.", 3),
            ("INT. HOME - DAY", "\(facts.product) enters the scene and the routine changes.", 3),
            ("EXT. STREET - DAY", "The difference, shown not told: movement, light, a smile.", 3),
            ("EXT. SKYLINE - DUSK", "Pack shot of \(facts.product); \(facts.brand) end card.", 2),
        ])
        let alternative1 = version("Fast cuts", "Rhythmic montage", [
            ("INT. STUDIO - DAY", "Macro details of \(facts.product), cut to the beat.", 2),
            ("EXT. LOCATIONS - DAY", "A rapid sequence of \(audience) using it everywhere.", 3),
            ("INT. STUDIO - DAY", "Logo resolve; \(facts.brand) end card.", 1),
        ])
        let alternative2 = version("Testimonial", "Documentary interview", [
            ("INT. LIVING ROOM - DAY", "A real customer talks about life before \(facts.product).", 3),
            ("EXT. NEIGHBOURHOOD - DAY", "B-roll of the customer's day with it.", 3),
            ("INT. LIVING ROOM - DAY", "The customer's last line; \(facts.brand) end card.", 2),
        ])
        let revised = given.feedback.isEmpty ? "" : " (revised: \(given.feedback.last!))"
        return Script(title: facts.title, logline: "\(facts.product), seen through the day of \(audience)\(revised).",
                      targetDuration: target, main: main, alternatives: [alternative1, alternative2])
    }

    public func finish(_ output: Script, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<Script> {
        var script = output
        var notes: [String] = []
        script.targetDuration = input.targetDuration
        for index in 0...script.alternatives.count {
            var version = index == 0 ? script.main : script.alternatives[index - 1]
            let total = version.duration
            guard total > 0, abs(total - input.targetDuration) > input.targetDuration * 0.1 else { continue }
            let scale = input.targetDuration / total
            for i in version.scenes.indices { version.scenes[i].estimatedDuration = (version.scenes[i].estimatedDuration * scale * 1000).rounded() / 1000 }
            notes.append(String(format: "%@: scenes added up to %.1f s against a %.0f s target; scaled to fit", version.title, total, input.targetDuration))
            if index == 0 { script.main = version } else { script.alternatives[index - 1] = version }
        }
        if script.main.scenes.isEmpty { throw AgentError("script: the main version has no scenes") }
        let md = try ArtefactFolder(given.workFolder).write(Provenance.header(context) + script.lines.joined(separator: "\n") + "\n",
                                                              as: "script.md", name: "script", type: "markdown")
        return Finished(document: script, artefacts: [md], notes: notes, summary: String(format: "“%@”: %d scenes, %.1f s (target %.0f s), and %d alternatives", script.main.title, script.main.scenes.count, script.main.duration, script.targetDuration, script.alternatives.count))
    }
}
