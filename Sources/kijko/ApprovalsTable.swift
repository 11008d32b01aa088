import Foundation
import KijkoAgents
import KijkoPipeline

/// Pending approvals as a table a person reads at a glance: request, job, gate, who approves,
/// what, since when; and the two commands that decide the first one.
enum ApprovalsTable {
    static func render(_ pending: [PipelineStore.ApprovalRecord], now: Date = Date()) -> String {
        let header = ["REQUEST", "JOB", "GATE", "ROLE", "WHAT", "SINCE"]
        let rows = pending.map { r in
            [String(r.id.prefix(8)), String(r.job.prefix(8)), r.step, r.role, r.approval, since(r.createdAt, now: now)]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        var out = ([header] + rows).map(line)
        if let first = pending.first {
            out.append("")
            out.append("decide: kijko approve \(first.id.prefix(8)) [--feedback …]   |   kijko reject \(first.id.prefix(8)) --feedback …")
        }
        for request in pending { out += options(request) }
        return out.joined(separator: "\n")
    }

    /// The ranked options a request offers (the first five) and how to choose one; none when it offers none.
    static func options(_ request: PipelineStore.ApprovalRecord, shown: Int = 5) -> [String] {
        let options = ApprovalChoice.options(in: request.content?["content"])
        guard !options.isEmpty else { return [] }
        let more = options.count > shown ? ["    … \(options.count - shown) more (kijko approvals --json)"] : []
        return ["", "\(request.id.prefix(8)) ranks \(Output.count(options.count, "option")); choose with kijko approve \(request.id.prefix(8)) --choose N (default: 1):"]
            + options.prefix(shown).enumerated().map { "  \($0.offset + 1). \($0.element)" } + more
    }

    /// `2026-11-30 17:04 (12 min ago)` from the store's UTC timestamp.
    static func since(_ stamp: String, now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: stamp) ?? ISO8601DateFormatter().date(from: stamp) else { return stamp }
        let minutes = Int(now.timeIntervalSince(date) / 60)
        let ago = minutes < 1 ? "just now" : minutes < 60 ? "\(minutes) min ago"
            : minutes < 48 * 60 ? Output.count(minutes / 60, "hour") + " ago" : Output.count(minutes / 1440, "day") + " ago"
        let shown = stamp.replacingOccurrences(of: "T", with: " ").prefix(16)
        return "\(shown) UTC (\(ago))"
    }
}
