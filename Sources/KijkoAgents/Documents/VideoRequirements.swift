import Foundation

/// The video requirements document (VRD): what is to be made, for whom, in which versions.
public struct VideoRequirements: AgentDocument, Equatable {
    public struct Deliverable: Codable, Sendable, Equatable {
        public var name: String
        /// `mp4`, `mov` …
        public var format: String
        /// Seconds.
        public var duration: Double
        /// `16:9`, `9:16`, `1:1`, `4:5`; `custom` for a still or display ad of the size given.
        public var aspect: String
        /// A video platform, `display` (an animated IAB ad) or `print` (a still for print or out-of-home).
        public var platform: String
        /// Pixels: a display ad's or print still's size (nil for a video: its aspect's preset).
        public var width: Double?
        public var height: Double?

        public init(name: String, format: String, duration: Double, aspect: String, platform: String, width: Double? = nil, height: Double? = nil) {
            self.name = name
            self.format = format
            self.duration = duration
            self.aspect = aspect
            self.platform = platform
            self.width = width
            self.height = height
        }

        /// A still or an animated ad, made at its own size.
        public var isPicture: Bool { platform == "display" || platform == "print" }
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
    public static var optionalKeys: Set<String> { ["width", "height"] }
    public static var enums: [String: [String]] {
        ["aspect": ["16:9", "9:16", "1:1", "4:5", "custom"],
         "platform": ["tv", "youtube", "instagram", "tiktok", "facebook", "linkedin", "x", "display", "print"],
         "format": ["mp4", "mov", "mxf", "gif", "webp", "png", "jpg"], "currency": MoneyText.codes]
    }

    /// Deliverables with lengths (up to four hours: long-form too), and a budget range that is one.
    public func violations() -> [String] {
        var found = deliverables.isEmpty ? ["$.deliverables: no deliverables"] : []
        for (i, d) in deliverables.enumerated() {
            if d.platform != "print", !(d.duration > 0 && d.duration <= 14_400) {
                found.append("$.deliverables[\(i)].duration: \(d.duration) s is not a version's length (over 0, at most 4 hours)")
            }
            if d.aspect == "custom" && !d.isPicture {
                found.append("$.deliverables[\(i)].aspect: custom is for a display ad or print still; a \(d.platform) video takes 16:9, 9:16, 1:1 or 4:5")
            }
            if (d.width == nil) != (d.height == nil) {
                found.append("$.deliverables[\(i)]: give width and height together, or neither")
            }
            // A size is whole pixels (none: the platform's standard sizes).
            for (key, value) in [("width", d.width), ("height", d.height)] {
                if let value, !(value >= 16 && value <= 20_000 && value == value.rounded()) {
                    found.append("$.deliverables[\(i)].\(key): \(value) is not a picture's size in pixels (whole, 16–20000)")
                }
            }
        }
        if !(budgetRange.low >= 0 && budgetRange.low <= budgetRange.high) {
            found.append("$.budget_range: \(budgetRange.low)–\(budgetRange.high) is not a range of money (0 ≤ low ≤ high)")
        }
        return found
    }

    public static var example: VideoRequirements {
        VideoRequirements(title: "Aurora launch", overview: "A 30-second launch film.", audience: "Urban cyclists 25-40",
                          keyMessages: ["Lighter than it looks"], targetDuration: 30,
                          deliverables: [Deliverable(name: "Hero 30s", format: "mp4", duration: 30, aspect: "16:9", platform: "youtube", width: 1920, height: 1080)],
                          brandGuidelines: ["Logo on the end card"], technicalRequirements: ["1920x1080, 25 fps"],
                          timeline: [Milestone(milestone: "Script approved", date: "2026-01-05")],
                          budgetRange: BudgetRange(low: 20000, high: 30000, currency: "USD"))
    }

    var markdown: String {
        var md = "# \(title)\n\n\(overview)\n\n**Audience:** \(audience)  \n**Target duration:** \(Int(targetDuration)) s  \n"
        md += String(format: "**Budget range:** %@ %.0f – %.0f\n\n## Key messages\n", budgetRange.currency, budgetRange.low, budgetRange.high)
        md += keyMessages.map { "- \($0)\n" }.joined()
        md += "\n## Deliverables\n| name | platform | aspect | duration | format |\n|---|---|---|---|---|\n"
        md += deliverables.map { d in
            let shape = d.width.flatMap { w in d.height.map { String(format: "%.0f×%.0f", w, $0) } } ?? d.aspect
            return "| \(d.name) | \(d.platform) | \(shape) | \(d.platform == "print" ? "still" : "\(Int(d.duration)) s") | \(d.format) |\n"
        }.joined()
        md += "\n## Brand guidelines\n" + brandGuidelines.map { "- \($0)\n" }.joined()
        md += "\n## Technical requirements\n" + technicalRequirements.map { "- \($0)\n" }.joined()
        md += "\n## Timeline\n" + timeline.map { "- \($0.date): \($0.milestone)\n" }.joined()
        return md
    }
}
