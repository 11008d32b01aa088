import Foundation
import KijkoCore

/// The spans waiting for each trace destination, and what a destination took.
extension PipelineStore {
    /// A recorded span as the exporter sends it.
    struct RecordedSpan: Sendable {
        var spanID, traceID: String
        var parentID: String?
        var job: String
        var name, kind: String
        var start, end: Int64
        var attributes: [String: JSONValue]
        var error: String?
    }

    /// Up to `limit` spans `destination` has not taken, oldest first. An execution's own span
    /// carries its input and output, read from the execution row.
    func pendingSpans(for destination: String, limit: Int) throws -> [RecordedSpan] {
        try read { db in
            try db.rows("""
                SELECT s.*, x.input_data, x.output_data FROM trace_spans s
                LEFT JOIN trace_exports e ON e.span_id = s.span_id AND e.destination = ?
                LEFT JOIN agent_executions x ON x.id = s.agent_execution_id AND s.span_id = substr(replace(CAST(x.id AS TEXT), '-', ''), 1, 16)
                WHERE e.span_id IS NULL ORDER BY s.start_ns LIMIT ?
                """, [destination, limit]).map { r in
                var attributes = (try? JSONDecoder().decode([String: JSONValue].self, from: Data((r["attributes"] as String).utf8))) ?? [:]
                if let input = r["input_data"] as String? { attributes["langfuse.observation.input"] = .string(TraceRecorder.clipped(input)) }
                if let output = r["output_data"] as String? { attributes["langfuse.observation.output"] = .string(TraceRecorder.clipped(output)) }
                return RecordedSpan(spanID: r["span_id"], traceID: r["trace_id"], parentID: r["parent_span_id"], job: r["production_job_id"],
                                    name: r["name"], kind: r["kind"], start: r["start_ns"], end: r["end_ns"], attributes: attributes,
                                    error: (r["status"] as String) == "error" ? (r["status_message"] as String? ?? "error") : nil)
            }
        }
    }

    /// How many spans `destination` has not taken.
    func pendingSpanCount(for destination: String) throws -> Int {
        try read { db in
            try db.value(Int.self, """
                SELECT COUNT(*) FROM trace_spans s LEFT JOIN trace_exports e ON e.span_id = s.span_id AND e.destination = ?
                WHERE e.span_id IS NULL
                """, [destination]) ?? 0
        }
    }

    /// Records that `destination` is done with these spans (with `note`), and — with a Langfuse
    /// `traceLinkBase` — each job's trace link, once.
    func markExported(_ spans: [(span: String, job: String, trace: String)], destination: String, traceLinkBase: String?, note: String?) throws {
        try write { db in
            let now = PipelineStore.now()
            for span in spans {
                try db.execute("INSERT INTO trace_exports (span_id, destination, exported_at, note) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [span.span, destination, now, note])
            }
            if let base = traceLinkBase {
                for (job, trace) in Set(spans.map { [$0.job, $0.trace] }).map({ ($0[0], $0[1]) }) {
                    try db.execute("""
                        INSERT INTO langfuse_traces (id, production_job_id, langfuse_trace_id, langfuse_url, created_at)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """, [PipelineStore.newID(), job, trace, base + trace, now])
                }
            }
        }
    }
}
