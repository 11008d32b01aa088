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
    public var quantities: Quantities
    public var methods: [Option]
    /// The recommended method: `ai`, `hybrid` or `traditional` (the film workflow branches on it).
    public var method: String
    public var reason: String

    /// What a rate is multiplied by, counted from the shot list and the breakdown (`rates.yaml`'s `per`).
    public struct Quantities: Codable, Sendable, Equatable {
        public var job = 1.0
        public var shot = 0.0
        public var vfxShot = 0.0
        /// Finished seconds.
        public var second = 0.0
        public var shootDay = 1.0
        public var cast = 0.0
        public var castDay = 0.0
        public var location = 0.0
        public var locationDay = 0.0
        public var prop = 0.0
        public var vehicle = 0.0

        public init() {}

        /// The quantity a rate's `per` names (0 for a name it does not know).
        public subscript(per per: String) -> Double {
            switch per {
            case "job": job
            case "shot": shot
            case "vfx_shot": vfxShot
            case "second": second
            case "shoot_day": shootDay
            case "cast": cast
            case "cast_day": castDay
            case "location": location
            case "location_day": locationDay
            case "prop": prop
            case "vehicle": vehicle
            default: 0
            }
        }
    }

    public static let kind = "budget"
    public static var enums: [String: [String]] { ["method": ["ai", "hybrid", "traditional"], "currency": MoneyText.codes] }

    public static var example: BudgetPlan {
        BudgetPlan(currency: "USD", budget: 40000, quantities: Quantities(),
                   methods: [Option(method: "hybrid", lines: [Line(item: "Small crew", per: "shoot_day", quantity: 1, rate: 4200, amount: 4200)],
                                    total: 4200, quality: 4, qualityNotes: "Hero shots live.", risks: ["Weather"], withinBudget: true)],
                   method: "hybrid", reason: "The best quality the budget covers.")
    }
}
