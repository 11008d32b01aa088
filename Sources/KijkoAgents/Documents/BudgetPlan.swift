import Foundation

/// Budget Solver's plan: each production method priced line by line, and the one recommended.
public struct BudgetPlan: AgentDocument, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var item: String
        public var per: String
        public var quantity: Double
        public var rate: Double
        /// quantity × rate.
        public var amount: Double
    }

    public struct Option: Codable, Sendable, Equatable {
        public var method: String
        public var lines: [Line]
        /// Sum of the lines' amounts.
        public var total: Double
        public var quality: Int
        public var qualityNotes: String
        public var risks: [String]
        public var withinBudget: Bool
    }

    public var currency: String
    /// USD available; 0 when the brief names none.
    public var budget: Double
    /// The quantities the lines count: shots, seconds, shoot days …
    public var quantities: [String: Double]
    public var methods: [Option]
    /// The recommended method: `ai`, `hybrid` or `traditional` (the film workflow branches on it).
    public var method: String
    public var reason: String

    public static let kind = "budget"
    public static var enums: [String: [String]] { ["method": ["ai", "hybrid", "traditional"]] }

    public static var example: BudgetPlan {
        BudgetPlan(currency: "USD", budget: 40000, quantities: ["shot": 12],
                   methods: [Option(method: "hybrid", lines: [Line(item: "Small crew", per: "shoot_day", quantity: 1, rate: 4200, amount: 4200)],
                                    total: 4200, quality: 4, qualityNotes: "Hero shots live.", risks: ["Weather"], withinBudget: true)],
                   method: "hybrid", reason: "The best quality the budget covers.")
    }
}
