import Foundation
public import KijkoEditorial
public import KijkoPipeline

/// Budget Solver: prices the AI-only, hybrid and traditional methods from the shot list, the
/// breakdown and `rates.yaml` — in code, so totals add up exactly — and recommends the best
/// quality the budget covers. A model may only rewrite the quality notes and the reason.
public struct BudgetSolverAgent: DraftingAgent {
    public let name = "budget_solver"
    public let type = "pre-production"
    public let prompt = "budget_solver"
    public let context: AgentContext
    public var temperature: Double { 0.2 }

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var budget: Double?
        public var quantities: BudgetPlan.Quantities
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        Input(budget: facts.budget, quantities: Self.quantities(shots: AgentInputs.document(ShotList.self, in: given),
                                                                 breakdown: AgentInputs.document(Breakdown.self, in: given)))
    }

    /// What the rates multiply, counted from the shot list and the breakdown (either may be missing).
    public static func quantities(shots: ShotList?, breakdown: Breakdown?) -> BudgetPlan.Quantities {
        let list = shots?.shots ?? []
        let seconds = list.reduce(0) { $0 + $1.duration }
        // A day is 600 minutes: setups plus ten minutes of shooting per finished second.
        let minutes = list.reduce(0) { $0 + ($1.setupMinutes ?? 20) } + seconds * 10
        let days = max(1, (minutes / 600).rounded(.up))
        let cast = Double(breakdown?.unique(\.cast).count ?? 1)
        let locations = Double(breakdown?.unique(\.locations).count ?? 1)
        var q = BudgetPlan.Quantities()
        q.shot = Double(list.count)
        q.vfxShot = Double(list.filter { $0.vfx == true }.count)
        q.second = (seconds * 1000).rounded() / 1000
        q.shootDay = days
        q.cast = cast
        q.castDay = cast * days
        q.location = locations
        q.locationDay = locations * days
        q.prop = Double(breakdown?.unique(\.props).count ?? 0)
        q.vehicle = Double(breakdown?.unique(\.vehicles).count ?? 0)
        return q
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> BudgetPlan {
        BudgetPlan(currency: facts.currency ?? "USD", budget: input.budget ?? 0, quantities: input.quantities, methods: [], method: "hybrid", reason: "")
    }

    public func finish(_ output: BudgetPlan, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<BudgetPlan> {
        let path = context.preset("rates.yaml")
        let table = try RateCard.load(path: path)
        // Priced in the brief's currency: the budget is compared in the money it was given in.
        let wanted = input.budget == nil ? table.currency : (facts.currency ?? table.currency)
        guard let rates = table.priced(in: wanted) else {
            throw AgentError("the brief's budget is in \(wanted) and \(path) prices in \(table.currency) with no exchange rate for it: "
                + "add `exchange: {\(wanted): …}` (\(wanted) per \(table.currency))")
        }
        let converted = rates.currency == table.currency ? nil
            : String(format: "rates converted from %@ at %g %@ per %@ (rates.yaml exchange)", table.currency, table.exchange[wanted] ?? 0, wanted, table.currency)
        let budget = input.budget
        var options: [BudgetPlan.Option] = []
        for method in rates.methods {
            let lines = method.lines.map { line -> BudgetPlan.Line in
                let quantity = input.quantities[per: line.per]
                return BudgetPlan.Line(item: line.item, per: line.per, quantity: quantity, rate: line.rate, amount: quantity * line.rate)
            }
            let total = lines.reduce(0) { $0 + $1.amount }
            let drafted = output.methods.first { $0.method == method.name }
            options.append(BudgetPlan.Option(method: method.name, lines: lines, total: total, quality: method.quality,
                                             qualityNotes: drafted?.qualityNotes.isEmpty == false ? drafted!.qualityNotes : method.notes,
                                             risks: method.risks + (drafted?.risks ?? []).filter { !method.risks.contains($0) },
                                             withinBudget: budget.map { total <= $0 } ?? true))
        }
        // The best quality within the budget; with none within it, the cheapest; with no budget, hybrid.
        let chosen: BudgetPlan.Option
        var reason: String
        let money = { (v: Double) in String(format: "%@ %.0f", rates.currency, v) }
        if let budget {
            if let best = options.filter(\.withinBudget).max(by: { ($0.quality, -$0.total) < ($1.quality, -$1.total) }) {
                chosen = best
                reason = "\(best.method): the highest quality (\(best.quality)/5) within the \(money(budget)) budget, at \(money(best.total))"
            } else {
                chosen = options.min { $0.total < $1.total }!
                reason = "\(chosen.method): no method fits the \(money(budget)) budget; this is the cheapest at \(money(chosen.total))"
            }
        } else {
            chosen = options.first { $0.method == "hybrid" } ?? options[0]
            reason = "\(chosen.method): no budget given; the middle option at \(money(chosen.total))"
        }
        if context.client != nil, !output.reason.isEmpty, output.method == chosen.method { reason += ". " + output.reason }
        if let converted { reason += " (\(converted))" }
        let plan = BudgetPlan(currency: rates.currency, budget: budget ?? 0, quantities: input.quantities, methods: options,
                              method: chosen.method, reason: reason)
        var md = Provenance.header(context) + "# Budget\n\n**Recommended: \(plan.method)** — \(reason)\n\n"
        for option in options {
            md += "## \(option.method) — \(money(option.total))\(option.withinBudget ? "" : " (over budget)")\n\nQuality \(option.quality)/5: \(option.qualityNotes)\n\n"
            md += "| item | per | quantity | rate | amount |\n|---|---|---|---|---|\n"
            md += option.lines.map { "| \($0.item) | \($0.per) | \($0.quantity.formatted()) | \($0.rate.formatted()) | \($0.amount.formatted()) |\n" }.joined()
            md += "\nRisks: " + option.risks.joined(separator: "; ") + "\n\n"
        }
        return Finished(document: plan, artefacts: [try ArtefactFolder(given.workFolder).write(md, as: "budget.md", name: "budget (table)", type: "markdown")], summary: String(format: "Recommended: %@ at %@ %.0f%@", plan.method, rates.currency, options.first { $0.method == plan.method }?.total ?? 0, budget.map { String(format: " (budget %.0f)", $0) } ?? ""))
    }
}
