import Foundation
public import KijkoPipeline
import KijkoCore

/// Scheduler: one post per platform with its version and caption, at the platform's usual best
/// hour (a model may propose other times); files and captions filled from the job in code. Only
/// versions cleared for delivery are posted (``DeliveryClearance``): one that failed its checks or
/// QC is held, unless a person overrode the failure with a reason at the approval.
public struct SchedulerAgent: DraftingAgent {
    public let name = "scheduler"
    public let type = "post"
    public let prompt = "scheduler"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var versions: [VersionSet.Version]
        public var captions: [Captions.Post]
        /// Versions held back, and why (not shown to the model).
        var held: [String] = []

        enum CodingKeys: String, CodingKey { case versions, captions }
    }

    static let bestHour = ["instagram": 18, "tiktok": 19, "youtube": 17, "facebook": 13, "linkedin": 9, "x": 12]

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        guard let versions = AgentInputs.document(VersionSet.self, in: given) else { throw AgentError("schedule: no platform versions among the job's earlier steps") }
        let clearance = DeliveryClearance(given)
        var input = Input(versions: [], captions: AgentInputs.document(Captions.self, in: given)?.posts ?? [])
        // Posts are videos: stills and display ads go to print and ad servers, not to a feed.
        for version in versions.versions where version.isVideo {
            if case .held(let why) = clearance.decide(version.path) { input.held.append("\(version.preset) held, not posted: \(why)") }
            else { input.versions.append(version) }
        }
        return input
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> PostingSchedule {
        var seen = Set<String>()
        let platforms = input.versions.map(\.platform).filter { seen.insert($0).inserted }
        return PostingSchedule(posts: platforms.enumerated().map { i, platform in
            .init(platform: platform, file: "", caption: "", publishAt: Schedule.day(context.today, plus: 2 + i) + String(format: "T%02d:00:00Z", Self.bestHour[platform] ?? 12))
        })
    }

    public func finish(_ output: PostingSchedule, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<PostingSchedule> {
        var schedule = output
        var notes = input.held
        schedule.posts = schedule.posts.compactMap { post in
            guard let version = input.versions.first(where: { $0.platform == post.platform }) else {
                notes.append("\(post.platform): no version cleared for it; post dropped")
                return nil
            }
            var fixed = post
            fixed.file = version.path
            if let caption = input.captions.first(where: { $0.platform == post.platform }) {
                fixed.caption = ([caption.caption] + caption.hashtags).joined(separator: " ")
            } else if fixed.caption.isEmpty {
                notes.append("\(post.platform): no caption drafted")
            }
            return fixed
        }
        var csv = CSV.line(["platform", "publish_at", "file", "caption"]) + "\n"
        csv += schedule.posts.map { CSV.line([$0.platform, $0.publishAt, $0.file, $0.caption]) + "\n" }.joined()
        return Finished(document: schedule, artefacts: [try ArtefactFolder(given.workFolder).write(csv, as: "posting_schedule.csv", name: "posting schedule (CSV)", type: "csv")], notes: notes, summary: "\(schedule.posts.count) post\(schedule.posts.count == 1 ? "" : "s"), first \(schedule.posts.map(\.publishAt).min() ?? "none")")
    }
}
