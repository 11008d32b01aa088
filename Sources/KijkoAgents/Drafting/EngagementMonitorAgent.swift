import Foundation
import KijkoMedia
public import KijkoPipeline

/// Engagement Monitor: platform analytics CSV exports in the job's media folder (files whose name
/// has `analytics` or `engagement`; columns post/version, platform, views, watch time, likes,
/// shares, comments) summarised per version and platform in code, a bar chart PNG of engagement
/// rates, and recommendations (computed, or a model's).
public struct EngagementMonitorAgent: DraftingAgent {
    public let name = "engagement_monitor"
    public let type = "post"
    public let prompt = "engagement_monitor"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var files: [String]
        public var rows: [EngagementReport.Row]
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        guard let media = given.media, let names = try? FileManager.default.contentsOfDirectory(atPath: media) else { return Input(files: [], rows: []) }
        let files = names.filter { $0.lowercased().hasSuffix(".csv") && ($0.lowercased().contains("analytics") || $0.lowercased().contains("engagement")) }
            .sorted().map { URL(fileURLWithPath: (media as NSString).appendingPathComponent($0)).standardizedFileURL.path }
        var totals: [String: EngagementReport.Row] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw AgentError("\(file): cannot read the analytics export") }
            let table = try CSVTable(data: data, file: file)
            guard table.column("views", "impressions", "plays") != nil else { throw AgentError("\(file): no views column") }
            func number(_ row: [String], _ names: String...) -> Double {
                guard let i = table.column(names) else { return 0 }
                return Double(row[i].replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)) ?? 0
            }
            for row in table.rows {
                let version = table.value(row, "version", "asset", "creative", "post", "post_id", "title") ?? "unknown"
                let platform = (table.value(row, "platform", "network", "channel") ?? "unknown").lowercased()
                let hours = table.column("watch_time_hours", "watch_hours") != nil
                let watch = hours ? number(row, "watch_time_hours", "watch_hours") * 3600
                    : number(row, "watch_time", "watch_time_seconds", "watch_seconds", "total_watch_time")
                let key = version + "\u{1}" + platform
                var t = totals[key] ?? .init(version: version, platform: platform, posts: 0, views: 0, watchSeconds: 0, likes: 0, shares: 0,
                                             comments: 0, engagementRate: 0, averageWatchSeconds: 0)
                t.posts += 1
                t.views += number(row, "views", "impressions", "plays")
                t.watchSeconds += watch
                t.likes += number(row, "likes", "reactions")
                t.shares += number(row, "shares", "reposts", "retweets")
                t.comments += number(row, "comments", "replies")
                totals[key] = t
            }
        }
        let rows = totals.values.map { row -> EngagementReport.Row in
            var r = row
            r.engagementRate = r.views > 0 ? ((r.likes + r.shares + r.comments) / r.views * 10000).rounded() / 10000 : 0
            r.averageWatchSeconds = r.views > 0 ? (r.watchSeconds / r.views * 100).rounded() / 100 : 0
            return r
        }.sorted { ($0.engagementRate, $1.version, $1.platform) > ($1.engagementRate, $0.version, $0.platform) }
        return Input(files: files, rows: rows)
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> EngagementReport {
        EngagementReport(files: input.files, rows: input.rows, recommendations: Self.recommendations(input.rows))
    }

    static func recommendations(_ rows: [EngagementReport.Row]) -> [String] {
        guard let best = rows.first, let worst = rows.last else { return ["No analytics export yet: put the platforms' CSV exports (analytics*.csv) in the media folder and run this step again"] }
        var list = [String(format: "%@ on %@ engages best (%.1f%%): give it more of the spend", best.version, best.platform, best.engagementRate * 100)]
        if rows.count > 1 { list.append(String(format: "%@ on %@ engages least (%.1f%%): try a new hook in its first two seconds", worst.version, worst.platform, worst.engagementRate * 100)) }
        if let watched = rows.max(by: { $0.averageWatchSeconds < $1.averageWatchSeconds }) {
            list.append(String(format: "%@ on %@ holds viewers longest (%.1f s a view): its pacing is the one to copy", watched.version, watched.platform, watched.averageWatchSeconds))
        }
        return list
    }

    public func finish(_ output: EngagementReport, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<EngagementReport> {
        var report = output
        report.files = input.files
        report.rows = input.rows
        if report.recommendations.isEmpty { report.recommendations = Self.recommendations(input.rows) }
        let folder = ArtefactFolder(given.workFolder)
        try folder.create()
        var artefacts: [Artefact] = []
        if !input.rows.isEmpty {
            let chart = folder.file("engagement.png")
            try Self.chart(input.rows).write(to: chart)
            artefacts.append(Artefact(name: "engagement chart", path: chart, type: "png"))
        }
        return Finished(document: report, artefacts: artefacts, notes: input.files.isEmpty ? ["no analytics export in the media folder yet"] : [], summary: report.rows.first.map { String(format: "Best: %@ on %@, %.1f%% engagement", $0.version, $0.platform, $0.engagementRate * 100) } ?? "No analytics yet")
    }

    /// Horizontal bars of engagement rate per version and platform, labelled with the figures.
    static func chart(_ rows: [EngagementReport.Row]) -> StillComposer {
        let shown = Array(rows.prefix(12))
        let barH = 36, gap = 14, left = 360, width = 1200
        var chart = StillComposer(width: width, height: 120 + shown.count * (barH + gap), background: "white")
        chart.add(.text("Engagement rate by version and platform", x: 30, y: 24, size: 30, colour: "0x222222"))
        let top = max(shown.map(\.engagementRate).max() ?? 0, 1e-9)
        for (i, row) in shown.enumerated() {
            let y = 90 + i * (barH + gap)
            let w = max(2, Int(Double(width - left - 300) * row.engagementRate / top))
            chart.add(.text("\(row.version) · \(row.platform)", x: 30, y: y + 6, size: 22, colour: "0x333333"))
            chart.add(.box(x: left, y: y, width: w, height: barH, colour: i == 0 ? "0x2f7d5b" : "0x5b8fc7", thickness: nil))
            chart.add(.text(String(format: "%.1f%%  (%.0f views)", row.engagementRate * 100, row.views), x: left + w + 12, y: y + 6, size: 20, colour: "0x333333"))
        }
        return chart
    }
}
