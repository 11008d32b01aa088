import Foundation

/// Concept Generator's concepts, ranked: relevance to the brief, uniqueness among the others.
public struct Concepts: AgentDocument, Equatable {
    public struct Concept: Codable, Sendable, Equatable {
        public var rank: Int
        public var title: String
        public var logline: String
        public var hook: String
        public var visualStyle: String
        /// 0–1: share of the brief's key words the concept takes up (with weight on brand and messages).
        public var relevance: Double
        /// 0–1: one minus its greatest word overlap with any other concept.
        public var uniqueness: Double
        /// 0.6 relevance + 0.4 uniqueness.
        public var score: Double
    }

    public var requested: Int
    public var batches: Int
    /// Near-duplicates dropped (word overlap ≥ 0.8 with a concept already kept).
    public var duplicatesRemoved: Int
    public var concepts: [Concept]

    public static let kind = "concepts"

    public static var example: Concepts {
        Concepts(requested: 100, batches: 10, duplicatesRemoved: 0,
                 concepts: [Concept(rank: 1, title: "Ride light", logline: "A commute without weight.", hook: "The bike floats.",
                                    visualStyle: "Sunlit city", relevance: 0.7, uniqueness: 0.9, score: 0.78)])
    }
}

/// One batch a model is asked for: ten concepts, unranked.
public struct ConceptBatch: AgentDocument, Equatable {
    public struct Idea: Codable, Sendable, Equatable {
        public var title: String
        public var logline: String
        public var hook: String
        public var visualStyle: String

        public init(title: String, logline: String, hook: String, visualStyle: String) {
            self.title = title
            self.logline = logline
            self.hook = hook
            self.visualStyle = visualStyle
        }
    }

    public var concepts: [Idea]

    public init(concepts: [Idea]) { self.concepts = concepts }

    public static let kind = "concept_batch"

    public static var example: ConceptBatch {
        ConceptBatch(concepts: [Idea(title: "Ride light", logline: "A commute without weight.", hook: "The bike floats.", visualStyle: "Sunlit city")])
    }
}
