import Foundation
import KijkoCore

/// Words and numbers as the dashboard writes them.
enum PageText {
    /// HTML-escaped text.
    static func e(_ text: String) -> String { Markup.escape(text) }

    /// A job's state as the page names it: `running`, `waiting`, `completed`, `failed`, `stopped`, `interrupted`.
    static func state(_ runState: String) -> String { runState == "complete" ? "completed" : runState }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "" }
        if value < 1 { return String(format: "%.0f ms", value * 1000) }
        if value < 90 { return String(format: "%.1f s", value) }
        if value < 5400 { return String(format: "%.0f min", value / 60) }
        return String(format: "%.1f h", value / 3600)
    }

    static func money(_ value: Double) -> String { String(format: "$%.2f", value) }

    /// "2026-11-30T19:55:18.123Z" as "2026-11-30 19:55".
    static func time(_ iso: String?) -> String {
        guard let iso, iso.count >= 16 else { return "" }
        return String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// A CSS class for a state or status.
    static func tone(_ status: String) -> String {
        switch status {
        case "completed", "complete", "approved", "pass": "ok"
        case "failed", "rejected", "stopped", "interrupted": "bad"
        case "running": "run"
        case "waiting", "pending", "awaiting_approval": "wait"
        default: "idle"
        }
    }
}
