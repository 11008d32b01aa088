import Foundation
import KijkoCore
public import KijkoPipeline

/// Trend Analyst: trends from a file the user exported (`trends.csv` or `trends.json` in the job's
/// media folder: name, description, platforms, momentum), else the model's, else offline drafts.
/// Fit to the brief is scored in code from shared words.
public struct TrendAnalystAgent: DraftingAgent {
    public let name = "trend_analyst"
    public let type = "pre-production"
    public let prompt = "trend_analyst"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var platforms: [String]
        public var audience: String
        /// Trends read from the user's export, when there is one.
        public var exported: [TrendReport.Trend]?
        public var exportFile: String?
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        var input = Input(platforms: facts.platforms, audience: facts.audience)
        guard let media = given.media else { return input }
        for file in ["trends.json", "trends.csv"] {
            let path = (media as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            input.exported = try Self.read(path)
            input.exportFile = path
            break
        }
        return input
    }

    /// Reads a trends export: JSON (`[{name, description, platforms, momentum}]` or `{trends: […]}`) or CSV with a header row.
    static func read(_ path: String) throws -> [TrendReport.Trend] {
        guard let data = FileManager.default.contents(atPath: path) else { throw AgentError("\(path): cannot read the trends export") }
        if path.hasSuffix(".json") {
            struct Row: Decodable { var name: String; var description: String?; var platforms: [String]?; var momentum: Double? }
            struct Wrapped: Decodable { var trends: [Row] }
            let rows: [Row]
            if let list = try? JSONDecoder().decode([Row].self, from: data) { rows = list }
            else if let wrapped = try? JSONDecoder().decode(Wrapped.self, from: data) { rows = wrapped.trends }
            else { throw AgentError("\(path): expected a list of trends with at least a name each") }
            return rows.map { .init(name: $0.name, description: $0.description ?? "", platforms: $0.platforms ?? [], momentum: min(1, max(0, $0.momentum ?? 0.5)), fit: 0) }
        }
        let table = try CSVTable(data: data, file: path)
        guard let nameColumn = table.column("name", "trend", "hashtag", "sound") else { throw AgentError("\(path): no name or trend column") }
        return table.rows.map { row in
            TrendReport.Trend(name: row[nameColumn], description: table.value(row, "description", "notes") ?? "",
                              platforms: (table.value(row, "platforms", "platform") ?? "").split(whereSeparator: { ";|/".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty },
                              momentum: min(1, max(0, Double(table.value(row, "momentum", "growth") ?? "") ?? 0.5)), fit: 0)
        }.filter { !$0.name.isEmpty }
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> TrendReport {
        if let exported = input.exported { return TrendReport(source: "file", trends: exported) }
        let drafts: [(String, String, Double)] = [
            ("Day-in-the-life POV", "First-person routines filmed on a phone, product woven in.", 0.8),
            ("Before/after transition", "A hard cut on a beat from problem to solution.", 0.7),
            ("Silent storytelling", "No voice, big captions, built for sound-off feeds.", 0.6),
            ("Creator duet", "A reply video that invites the audience to join in.", 0.5),
            ("Behind the scenes", "How it is made, raw and unpolished.", 0.4),
        ]
        return TrendReport(source: "offline-draft", trends: drafts.map { .init(name: $0.0, description: $0.1, platforms: input.platforms, momentum: $0.2, fit: 0) })
    }

    public func finish(_ output: TrendReport, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<TrendReport> {
        var report = output
        if let exported = input.exported, report.source != "file" {
            // A model's reading of an export keeps the export's trends.
            report = TrendReport(source: "file", trends: exported)
        } else if input.exported == nil {
            report.source = context.provenance
        }
        let brief = Set(facts.keywords)
        for i in report.trends.indices {
            let words = Set("\(report.trends[i].name) \(report.trends[i].description)".lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
            let platformFit = report.trends[i].platforms.isEmpty || !Set(report.trends[i].platforms).isDisjoint(with: facts.platforms) ? 0.5 : 0
            report.trends[i].fit = min(1, ((platformFit + Double(words.intersection(brief).count) * 0.1) * 100).rounded() / 100)
        }
        report.trends.sort { ($0.momentum + $0.fit, $1.name) > ($1.momentum + $1.fit, $0.name) }
        var md = Provenance.header(context) + "# Trends (source: \(report.source)\(input.exportFile.map { ", \($0)" } ?? ""))\n\n| trend | platforms | momentum | fit | description |\n|---|---|---|---|---|\n"
        md += report.trends.map { "| \($0.name) | \($0.platforms.joined(separator: ", ")) | \($0.momentum) | \($0.fit) | \($0.description) |\n" }.joined()
        return Finished(document: report, artefacts: [try ArtefactFolder(given.workFolder).write(md, as: "trends.md", name: "trends (table)", type: "markdown")], summary: "\(English.count(report.trends.count, "trend")) (\(report.source)); top: \(report.trends.first?.name ?? "none")")
    }
}
