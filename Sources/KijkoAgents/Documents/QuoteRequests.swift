import Foundation

/// RFQ Forge's requests for quote, one per vendor category.
public struct QuoteRequests: AgentDocument, Equatable {
    public struct Request: Codable, Sendable, Equatable {
        public var category: String
        public var vendorType: String
        public var scope: [String]
        /// Counted from the shot list and breakdown: `3 shoot days`, `2 locations`.
        public var quantities: [String]
        /// `YYYY-MM-DD`.
        public var quoteDue: String
        public var questions: [String]
    }

    public var project: String
    public var method: String
    public var requests: [Request]

    public static let kind = "rfq"

    public static var example: QuoteRequests {
        QuoteRequests(project: "Aurora", method: "hybrid",
                      requests: [Request(category: "Locations", vendorType: "Location agency", scope: ["City street, day"], quantities: ["1 location day"],
                                         quoteDue: "2026-01-10", questions: ["Permit lead time?"])])
    }
}
