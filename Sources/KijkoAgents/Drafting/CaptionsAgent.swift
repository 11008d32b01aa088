import Foundation
public import KijkoPipeline

/// Captions: a post caption per platform with hashtags (and `#ad` first when the brief is paid or
/// sponsored); lengths checked against each platform's limit in code.
public struct CaptionsAgent: DraftingAgent {
    public let name = "captions"
    public let type = "post"
    public let prompt = "captions"
    public let context: AgentContext
    public var temperature: Double { 0.8 }

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var platforms: [String]
        public var concept: Concepts.Concept?
        public var messages: [String]
        public var paid: Bool
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        let paid = given.brief.range(of: #"\b(paid|sponsored|partner(ship)?|influencer|creator|#ad)\b"#, options: [.regularExpression, .caseInsensitive]) != nil
        return Input(platforms: facts.platforms.filter { !["tv", "display", "print"].contains($0) }, concept: AgentInputs.chosenConcept(in: given),
                     messages: facts.messages, paid: paid)
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> Captions {
        let tag = "#" + facts.brand.filter { $0.isLetter || $0.isNumber }.lowercased()
        return Captions(posts: (input.platforms.isEmpty ? ["instagram"] : input.platforms).map { platform in
            let line = input.concept.map { "\($0.title) — \(input.messages.first ?? $0.idea.keyMessage)" } ?? (input.messages.first ?? facts.product)
            let caption = (input.paid ? "#ad " : "") + line + (platform == "x" ? "" : " Tell us where you'd take it.")
            return Captions.Post(platform: platform, caption: caption, hashtags: [tag, "#\(platform == "tiktok" ? "fyp" : "newin")"], characters: 0)
        })
    }

    public func finish(_ output: Captions, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<Captions> {
        var captions = output
        var notes: [String] = []
        for i in captions.posts.indices {
            let post = captions.posts[i]
            let full = ([post.caption] + post.hashtags).joined(separator: " ")
            captions.posts[i].characters = full.count
            if let limit = Captions.limits[post.platform], limit > 0, full.count > limit {
                notes.append("\(post.platform): \(full.count) characters, over the \(limit) limit")
            }
        }
        // One `POST` line per platform: the legal review checks each for required disclosures.
        var md = Provenance.header(context) + "# Captions\n\n"
        md += captions.posts.map { "POST \($0.platform): \($0.caption) \($0.hashtags.joined(separator: " "))\n" }.joined(separator: "\n")
        return Finished(document: captions, artefacts: [try ArtefactFolder(given.workFolder).write(md, as: "captions.md", name: "captions", type: "markdown")], notes: notes, summary: "\(captions.posts.count) caption\(captions.posts.count == 1 ? "" : "s"): " + captions.posts.map(\.platform).joined(separator: ", "))
    }
}
