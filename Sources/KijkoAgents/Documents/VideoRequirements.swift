import Foundation

/// The video requirements document (VRD): what is to be made, for whom, in which versions.
public struct VideoRequirements: AgentDocument, Equatable {
    public struct Deliverable: Codable, Sendable, Equatable {
        public var name: String
        /// `mp4`, `mov` …
        public var format: String
        /// Seconds.
        public var duration: Double
        /// `16:9`, `9:16`, `1:1`, `4:5`.
        public var aspect: String
        public var platform: String
    }

    public struct Milestone: Codable, Sendable, Equatable {
        public var milestone: String
        /// `YYYY-MM-DD`.
        public var date: String
    }

    public struct BudgetRange: Codable, Sendable, Equatable {
        public var low: Double
        public var high: Double
        public var currency: String
    }

    public var title: String
    public var overview: String
    public var audience: String
    public var keyMessages: [String]
    /// Seconds: the main film's length.
    public var targetDuration: Double
    public var deliverables: [Deliverable]
    public var brandGuidelines: [String]
    public var technicalRequirements: [String]
    public var timeline: [Milestone]
    public var budgetRange: BudgetRange

    public static let kind = "vrd"
    public static var enums: [String: [String]] {
        ["aspect": ["16:9", "9:16", "1:1", "4:5"], "platform": ["tv", "youtube", "instagram", "tiktok", "facebook", "linkedin", "x"],
         "format": ["mp4", "mov", "mxf"], "currency": MoneyText.codes]
    }

    /// Deliverables with lengths (up to four hours: long-form too), and a budget range that is one.
    public func violations() -> [String] {
        var found = deliverables.isEmpty ? ["$.deliverables: no deliverables"] : []
        for (i, d) in deliverables.enumerated() where !(d.duration > 0 && d.duration <= 14_400) {
            found.append("$.deliverables[\(i)].duration: \(d.duration) s is not a version's length (over 0, at most 4 hours)")
        }
        if !(budgetRange.low >= 0 && budgetRange.low <= budgetRange.high) {
            found.append("$.budget_range: \(budgetRange.low)–\(budgetRange.high) is not a range of money (0 ≤ low ≤ high)")
        }
        return found
    }

    public static var example: VideoRequirements {
        VideoRequirements(title: "Aurora launch", overview: "A 30-second launch film.", audience: "Urban cyclists 25-40",
                          keyMessages: ["Lighter than it looks"], targetDuration: 30,
                          deliverables: [Deliverable(name: "Hero 30s", format: "mp4", duration: 30, aspect: "16:9", platform: "youtube")],
                          brandGuidelines: ["Logo on the end card"], technicalRequirements: ["1920x1080, 25 fps"],
                          timeline: [Milestone(milestone: "Script approved", date: "2026-01-05")],
                          budgetRange: BudgetRange(low: 20000, high: 30000, currency: "USD"))
    }

    var markdown: String {
        var md = "# \(title)\n\n\(overview)\n\n**Audience:** \(audience)  \n**Target duration:** \(Int(targetDuration)) s  \n"
        md += String(format: "**Budget range:** %@ %.0f – %.0f\n\n## Key messages\n", budgetRange.currency, budgetRange.low, budgetRange.high)
        md += keyMessages.map { "- \($0)\n" }.joined()
        md += "\n## Deliverables\n| name | platform | aspect | duration | format |\n|---|---|---|---|---|\n"
        md += deliverables.map { "| \($0.name) | \($0.platform) | \($0.aspect) | \(Int($0.duration)) s | \($0.format) |\n" }.joined()
        md += "\n## Brand guidelines\n" + brandGuidelines.map { "- \($0)\n" }.joined()
        md += "\n## Technical requirements\n" + technicalRequirements.map { "- \($0)\n" }.joined()
        md += "\n## Timeline\n" + timeline.map { "- \($0.date): \($0.milestone)\n" }.joined()
        return md
    }
}
