import Foundation
import KijkoCore
import KijkoEditorial
public import KijkoPipeline

/// RFQ Forge: a request for quote per vendor category the breakdown needs (casting, locations,
/// wardrobe, props, vehicles, VFX, crew/equipment for a shoot), quantities counted in code, as
/// Markdown and JSON.
public struct RFQForgeAgent: DraftingAgent {
    public let name = "rfq_forge"
    public let type = "pre-production"
    public let prompt = "rfq_forge"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var project: String
        public var method: String
        public var breakdown: Breakdown
        public var quantities: BudgetPlan.Quantities
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        guard let breakdown = AgentInputs.document(Breakdown.self, in: given) else { throw AgentError("rfq: no breakdown among the job's earlier steps") }
        let budget = AgentInputs.document(BudgetPlan.self, in: given)
        return Input(project: facts.title, method: budget?.method ?? "hybrid", breakdown: breakdown,
                     quantities: budget?.quantities ?? BudgetSolverAgent.quantities(shots: AgentInputs.document(ShotList.self, in: given), breakdown: breakdown))
    }

    /// The categories the breakdown calls for, with their scope and quantities.
    func categories(_ input: Input) -> [(String, String, [String], [String])] {
        let b = input.breakdown, q = input.quantities
        let days = Int(q[per: "shoot_day"])
        var list: [(String, String, [String], [String])] = []
        if input.method != "ai" {
            list.append(("Crew and equipment", "Production company", ["Camera, grip and lighting for \(days) shoot day\(days == 1 ? "" : "s")"],
                         ["\(days) shoot days", "\(Int(q[per: "shot"])) shots"]))
            if !b.unique(\.cast).isEmpty { list.append(("Casting", "Casting agency", b.unique(\.cast), ["\(Int(q[per: "cast_day"])) cast days"])) }
            if !b.unique(\.locations).isEmpty { list.append(("Locations", "Location agency", b.unique(\.locations), ["\(Int(q[per: "location_day"])) location days"])) }
            if !b.unique(\.wardrobe).isEmpty { list.append(("Wardrobe", "Stylist", b.unique(\.wardrobe), ["\(b.unique(\.cast).count) looks"])) }
            if !b.unique(\.props).isEmpty { list.append(("Props", "Art department", b.unique(\.props), ["\(b.unique(\.props).count) props"])) }
            if !b.unique(\.vehicles).isEmpty { list.append(("Vehicles", "Picture vehicle supplier", b.unique(\.vehicles), ["\(b.unique(\.vehicles).count) vehicles"])) }
        }
        if input.method != "traditional" {
            list.append(("Generated footage", "AI production studio", ["Generated shots and plates to the shot list"], ["\(Int(q[per: "shot"])) shots", "\(q[per: "second"]) s"]))
        }
        if !b.unique(\.vfx).isEmpty || (q[per: "vfx_shot"]) > 0 {
            list.append(("VFX", "VFX house", b.unique(\.vfx), ["\(Int(q[per: "vfx_shot"])) VFX shots"]))
        }
        list.append(("Post-production", "Post house", ["Offline/online edit, grade, sound mix, versions"], ["\(q[per: "second"]) s finished"]))
        return list
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> QuoteRequests {
        QuoteRequests(project: input.project, method: input.method, requests: categories(input).map { c in
            .init(category: c.0, vendorType: c.1, scope: c.2, quantities: c.3, quoteDue: Schedule.day(context.today, plus: 7),
                  questions: ["Availability for the dates in the schedule?", "What is included, and what is charged as extras?", "Payment terms and cancellation?"])
        })
    }

    public func finish(_ output: QuoteRequests, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<QuoteRequests> {
        var rfq = output
        rfq.method = input.method
        // Quantities are counted, never drafted.
        let counted = Dictionary(categories(input).map { ($0.0, $0.3) }, uniquingKeysWith: { a, _ in a })
        for i in rfq.requests.indices { if let q = counted[rfq.requests[i].category] { rfq.requests[i].quantities = q } }
        var md = Provenance.header(context) + "# Requests for quote: \(rfq.project) (\(rfq.method) production)\n\n"
        for r in rfq.requests {
            md += "## \(r.category) — to: \(r.vendorType)\n\nQuote due \(r.quoteDue).\n\n**Scope**\n" + r.scope.map { "- \($0)\n" }.joined()
            md += "\n**Quantities**\n" + r.quantities.map { "- \($0)\n" }.joined() + "\n**Questions**\n" + r.questions.map { "- \($0)\n" }.joined() + "\n"
        }
        return Finished(document: rfq, artefacts: [try ArtefactFolder(given.workFolder).write(md, as: "rfq.md", name: "requests for quote", type: "markdown")], summary: "\(English.count(rfq.requests.count, "request")) for quote: " + rfq.requests.map(\.category).joined(separator: ", "))
    }
}
