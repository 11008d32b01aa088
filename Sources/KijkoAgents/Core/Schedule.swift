import Foundation

/// Calendar dates for schedules and timelines, in UTC, `YYYY-MM-DD`.
enum Schedule {
    static func day(_ date: Date, plus days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let shifted = calendar.date(byAdding: .day, value: days, to: date) ?? date
        let c = calendar.dateComponents([.year, .month, .day], from: shifted)
        return String(format: "%04d-%02d-%02d", c.year ?? 2000, c.month ?? 1, c.day ?? 1)
    }

    static func milestones(from date: Date, _ steps: [(String, Int)]) -> [VideoRequirements.Milestone] {
        steps.map { VideoRequirements.Milestone(milestone: $0.0, date: day(date, plus: $0.1)) }
    }
}

/// The line every human-readable artefact starts with, saying who drafted it.
enum Provenance {
    static func header(_ context: AgentContext) -> String {
        context.client == nil
            ? "> **Offline draft** — written by Kijko's offline provider from the brief, not by a model. Review before use.\n\n"
            : "> Drafted by a model (\(context.client!.endpoint.model)); review before use.\n\n"
    }
}
