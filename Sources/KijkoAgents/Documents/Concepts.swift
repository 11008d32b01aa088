import Foundation

/// What a concept is, in the specification's terms: the big idea in one sentence, how it looks,
/// what it says, what the viewer should feel, and the angle that sets it apart; with a short title
/// and the hook of its first two seconds.
public struct ConceptIdea: Codable, Sendable, Equatable {
    public var title: String
    /// The big idea, one sentence.
    public var bigIdea: String
    public var visualApproach: String
    public var keyMessage: String
    public var targetEmotion: String
    /// The unique angle: what this concept does that the others do not.
    public var angle: String
    /// The first two seconds.
    public var hook: String

    public init(title: String, bigIdea: String, visualApproach: String, keyMessage: String, targetEmotion: String, angle: String, hook: String) {
        self.title = title
        self.bigIdea = bigIdea
        self.visualApproach = visualApproach
        self.keyMessage = keyMessage
        self.targetEmotion = targetEmotion
        self.angle = angle
        self.hook = hook
    }

    static let example = ConceptIdea(title: "Ride light", bigIdea: "A commute without weight.", visualApproach: "Sunlit city, long lenses",
                                     keyMessage: "Light enough to carry upstairs.", targetEmotion: "freedom", angle: "Slow reveal", hook: "The bike floats.")

    /// Lines naming each field a model left empty, under `path`.
    func violations(at path: String) -> [String] {
        [("title", title), ("big_idea", bigIdea), ("visual_approach", visualApproach), ("key_message", keyMessage),
         ("target_emotion", targetEmotion), ("angle", angle), ("hook", hook)]
            .filter { $0.1.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { "\(path).\($0.0): empty; every concept needs its \($0.0.replacingOccurrences(of: "_", with: " "))" }
    }
}

/// Concept Generator's concepts, ranked: relevance to the brief, uniqueness among the others.
public struct Concepts: AgentDocument, Equatable {
    public struct Concept: Codable, Sendable, Equatable {
        public var rank: Int
        public var idea: ConceptIdea
        /// 0–1: share of the brief's key words the concept takes up (with weight on brand and messages).
        public var relevance: Double
        /// 0–1: one minus its greatest word overlap with any other concept.
        public var uniqueness: Double
        /// 0.6 relevance + 0.4 uniqueness.
        public var score: Double

        public var title: String { idea.title }

        /// A ranked concept and its scores.
        public init(rank: Int, idea: ConceptIdea, relevance: Double, uniqueness: Double, score: Double) {
            self.rank = rank
            self.idea = idea
            self.relevance = relevance
            self.uniqueness = uniqueness
            self.score = score
        }

        enum CodingKeys: String, CodingKey { case rank, relevance, uniqueness, score }

        // The idea's fields sit beside the rank and scores in one flat object.
        public init(from decoder: any Decoder) throws {
            idea = try ConceptIdea(from: decoder)
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            rank = try fields.decode(Int.self, forKey: .rank)
            relevance = try fields.decode(Double.self, forKey: .relevance)
            uniqueness = try fields.decode(Double.self, forKey: .uniqueness)
            score = try fields.decode(Double.self, forKey: .score)
        }

        public func encode(to encoder: any Encoder) throws {
            try idea.encode(to: encoder)
            var fields = encoder.container(keyedBy: CodingKeys.self)
            try fields.encode(rank, forKey: .rank)
            try fields.encode(relevance, forKey: .relevance)
            try fields.encode(uniqueness, forKey: .uniqueness)
            try fields.encode(score, forKey: .score)
        }
    }

    public var requested: Int
    public var batches: Int
    /// Near-duplicates dropped (word overlap ≥ 0.8 with a concept already kept).
    public var duplicatesRemoved: Int
    public var concepts: [Concept]

    public static let kind = "concepts"

    public static var example: Concepts {
        Concepts(requested: 100, batches: 10, duplicatesRemoved: 0,
                 concepts: [Concept(rank: 1, idea: .example, relevance: 0.7, uniqueness: 0.9, score: 0.78)])
    }
}

/// One batch a model is asked for: ten concepts, unranked.
public struct ConceptBatch: AgentDocument, Equatable {
    public var concepts: [ConceptIdea]

    public init(concepts: [ConceptIdea]) { self.concepts = concepts }

    public static let kind = "concept_batch"

    public static var example: ConceptBatch { ConceptBatch(concepts: [.example]) }

    /// An empty batch, or a concept with an empty field.
    public func violations() -> [String] {
        (concepts.isEmpty ? ["$.concepts: empty; a batch needs concepts"] : [])
            + concepts.enumerated().flatMap { $0.element.violations(at: "$.concepts[\($0.offset)]") }
    }
}
