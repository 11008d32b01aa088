import Foundation
import KijkoCore
public import KijkoPipeline

/// VRD: the video requirements document, from the brief. What the brief states is kept, with a
/// model as offline: its currency, its deliverables and every platform it names, its dates in the
/// timeline, its mandatory elements in the guidelines, the duration it names (a model's draft that
/// drops or changes one is corrected in code, and the note says what).
public struct VRDAgent: DraftingAgent {
    public let name = "vrd"
    public let type = "pre-production"
    public let prompt = "vrd"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var facts: BriefFacts
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input { Input(facts: facts) }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> VideoRequirements {
        var deliverables = facts.deliverables.compactMap { Self.deliverable($0, facts: facts) }
        let platformFor: [String: String] = ["16:9": facts.platforms.contains("tv") ? "tv" : "youtube", "9:16": facts.platforms.contains("tiktok") ? "tiktok" : "instagram",
                                             "1:1": "instagram", "4:5": "instagram"]
        for duration in facts.durations where deliverables.isEmpty {
            for aspect in facts.aspects {
                deliverables.append(.init(name: "\(Int(duration))s \(aspect)", format: "mp4", duration: duration, aspect: aspect,
                                          platform: platformFor[aspect] ?? facts.videoPlatform))
            }
        }
        let budget = facts.budget ?? 25_000
        let feedback = given.feedback.isEmpty ? "" : " Revised for: " + given.feedback.joined(separator: "; ") + "."
        return VideoRequirements(
            title: facts.title,
            overview: "A \(Int(facts.target))-second film for \(facts.brand) (\(facts.product)), \(facts.tone) in tone, "
                + "running on \(facts.platforms.joined(separator: ", ")).\(feedback)",
            audience: facts.audience, keyMessages: facts.messages, targetDuration: facts.target, deliverables: deliverables,
            brandGuidelines: facts.mandatories.map { "Mandatory: \($0)" }
                + ["\(facts.brand) logo on the end card, clear of safe-area edges", "Tone: \(facts.tone)",
                   "Supers in the brand typeface, at least 4% of picture height"],
            technicalRequirements: ["Master 1920x1080, 25 fps, H.264 or ProRes", "Loudness -23 LUFS (broadcast) / -14 LUFS (social)",
                                    "Titles inside the 90% safe area", "Versions reframed for " + facts.aspects.joined(separator: ", ")],
            timeline: Self.withBriefDates(Schedule.milestones(from: context.today, [("Brief approved", 0), ("Script approved", 5), ("Shoot", 14),
                                                                                    ("Rough cut", 21), ("Final delivery", 28)]), facts: facts).timeline,
            budgetRange: .init(low: (budget * 0.8).rounded(), high: budget.rounded(), currency: currency(facts)))
    }

    /// The aspect a platform's main version takes.
    static let aspectFor = BriefFacts.aspectsOf.compactMapValues(\.first)

    /// A deliverable the brief lists (`15s 9:16 TikTok`), read as one: its duration (else the
    /// target), its platform (else the brief's first), its aspect (else the platform's); nil for an
    /// item that names none of the three (`punchy edits`).
    static func deliverable(_ line: String, facts: BriefFacts) -> VideoRequirements.Deliverable? {
        let words = BriefFacts(line, client: facts.brand)
        let lower = " " + String(line.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }) + " "
        if let picture = picture(line, words: words, facts: facts) { return picture }
        let namesPlatform = words.platforms != ["youtube"] || lower.contains(" youtube ")
        guard words.namesDuration || namesPlatform || ["16:9", "9:16", "1:1", "4:5"].contains(where: line.contains) else { return nil }
        let platform = namesPlatform ? words.platforms[0] : facts.videoPlatform
        let aspect = ["16:9", "9:16", "1:1", "4:5"].first { line.contains($0) } ?? aspectFor[platform] ?? "16:9"
        let duration = words.namesDuration ? words.durations[0] : facts.target
        let format = ["mov", "mxf"].first { lower.contains(" \($0) ") } ?? "mp4"
        return .init(name: line, format: format, duration: duration, aspect: aspect, platform: platform)
    }

    /// The IAB sizes Kijko makes display ads at (its `display-WxH` presets).
    static let iabSizes: [(Double, Double)] = [(300, 250), (728, 90), (160, 600), (300, 600), (320, 50)]

    /// A display ad or print still the line asks for (`300x250 banner`, `OOH poster 6096 x 3048`, a
    /// bare IAB size in a deliverables list): its size when named (else the platform's standard
    /// ones), a display ad's loop (the line's length up to 15 s, else 6 s), a still's format.
    static func picture(_ line: String, words: BriefFacts, facts: BriefFacts) -> VideoRequirements.Deliverable? {
        let lower = " " + String(line.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }) + " "
        let size = BriefFacts.sizes(in: line).first
        let iab = size.map { s in iabSizes.contains { Int($0.0) == s.width && Int($0.1) == s.height } } ?? false
        let platform: String
        if let named = ["display", "print"].first(where: words.platforms.contains) { platform = named }
        else if size != nil, words.platforms == ["youtube"], !lower.contains(" youtube ") {
            // A bare size: an IAB one is a banner; another, a picture only on a line that names no
            // length or aspect (`1920x1080 30s master` is a video), when the brief asks for pictures.
            let video = words.namesDuration || ["16:9", "9:16", "1:1", "4:5"].contains(where: line.contains)
            guard iab || (!video && (facts.platforms.contains("print") || facts.platforms.contains("display"))) else { return nil }
            platform = iab || !facts.platforms.contains("print") ? "display" : "print"
        } else { return nil }
        let width = size.map { Double($0.width) }, height = size.map { Double($0.height) }
        if platform == "print" {
            return .init(name: line, format: lower.contains(" jpg ") || lower.contains(" jpeg ") ? "jpg" : "png", duration: 0,
                         aspect: "custom", platform: platform, width: width, height: height)
        }
        let format = ["webp", "mp4"].first { lower.contains(" \($0) ") } ?? "gif"
        return .init(name: line, format: format, duration: words.namesDuration ? min(words.durations[0], 15) : 6,
                     aspect: "custom", platform: platform, width: width, height: height)
    }

    /// `timeline` with every date the brief names that it lacks, in date order; and those added.
    static func withBriefDates(_ timeline: [VideoRequirements.Milestone], facts: BriefFacts) -> (timeline: [VideoRequirements.Milestone], added: [BriefFacts.Dated]) {
        let missing = facts.dates.filter { dated in !timeline.contains { $0.date == dated.date } }
        let all = timeline + missing.map { VideoRequirements.Milestone(milestone: $0.label, date: $0.date) }
        return (all.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element), missing)
    }

    /// The brief's currency, else the rates table's (USD when it cannot be read).
    func currency(_ facts: BriefFacts) -> String {
        facts.currency ?? (try? RateCard.load(path: context.preset("rates.yaml")))?.currency ?? "USD"
    }

    public func finish(_ output: VideoRequirements, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<VideoRequirements> {
        var notes: [String] = []
        var document = output
        // A model's range in another currency than the brief's is the brief's money mislabelled.
        let money = currency(facts)
        if document.budgetRange.currency != money {
            notes.append("budget range currency \(document.budgetRange.currency) set to the brief's \(money)")
            document.budgetRange.currency = money
        }
        if !(document.targetDuration > 0) {
            document.targetDuration = facts.target
            notes.append("target duration missing: set to the brief's \(Int(facts.target)) s")
        } else if facts.namesDuration, !facts.durations.contains(document.targetDuration) {
            notes.append("target duration \(Int(document.targetDuration)) s is not one the brief names: set to its \(Int(facts.target)) s")
            document.targetDuration = facts.target
        }
        // Every deliverable the brief lists, and a deliverable for every platform it names.
        for line in facts.deliverables {
            guard let wanted = Self.deliverable(line, facts: facts),
                  !document.deliverables.contains(where: { $0.platform == wanted.platform && $0.aspect == wanted.aspect
                                                           && ($0.duration == wanted.duration || wanted.platform == "print")
                                                           && (wanted.width == nil || ($0.width == wanted.width && $0.height == wanted.height)) }) else { continue }
            document.deliverables.append(wanted)
            notes.append("the brief's deliverable “\(line)” was missing: added")
        }
        for platform in facts.platforms where !document.deliverables.contains(where: { $0.platform == platform }) {
            if platform == "display" {
                document.deliverables += Self.iabSizes.map { .init(name: String(format: "Display %.0fx%.0f", $0.0, $0.1), format: "gif", duration: 6,
                                                                   aspect: "custom", platform: "display", width: $0.0, height: $0.1) }
                notes.append("the brief asks for display ads and none was listed: added the IAB sizes")
                continue
            }
            if platform == "print" {
                document.deliverables.append(.init(name: "Print still", format: "png", duration: 0, aspect: "custom", platform: "print",
                                                   width: 3840, height: 2160))
                notes.append("the brief asks for print and no size was listed: added a 3840x2160 still")
                continue
            }
            let aspect = Self.aspectFor[platform] ?? "16:9"
            document.deliverables.append(.init(name: "\(Int(document.targetDuration))s \(aspect) \(platform)", format: "mp4",
                                               duration: document.targetDuration, aspect: aspect, platform: platform))
            notes.append("the brief names \(platform) and no deliverable was for it: added a \(aspect) version")
        }
        let dated = Self.withBriefDates(document.timeline, facts: facts)
        document.timeline = dated.timeline
        notes += dated.added.map { "the brief's date \($0.date) (\($0.label)) was missing from the timeline: added" }
        for mandatory in facts.mandatories where !document.brandGuidelines.contains(where: { $0.localizedCaseInsensitiveContains(mandatory) }) {
            document.brandGuidelines.insert("Mandatory: \(mandatory)", at: 0)
            notes.append("the brief's mandatory “\(mandatory)” was missing from the guidelines: added")
        }
        let md = try ArtefactFolder(given.workFolder).write(Provenance.header(context) + document.markdown, as: "vrd.md", name: "VRD", type: "markdown")
        return Finished(document: document, artefacts: [md], notes: notes, summary: "\(Int(document.targetDuration)) s, \(English.count(document.deliverables.count, "deliverable")) (\(Set(document.deliverables.map(\.aspect)).sorted().joined(separator: ", ")))")
    }
}
