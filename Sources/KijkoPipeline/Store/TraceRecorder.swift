public import Foundation
import KijkoLLM
import KijkoCore


/// Writes spans into the store, inside the transaction that records what they describe, so that
/// every job, execution, decision and model call is traced locally whatever the network does.
/// A job is a trace whose id is its UUID's 32 hex digits; its root span's id is derived from the
/// job, each execution's span id from the execution's UUID.
enum TraceRecorder {
    static func traceID(job: String) -> String { hexDigits(job) }

    /// The job's root span: the last 16 hex digits of its trace id (other spans take the first 16
    /// of their own random UUIDs).
    static func rootSpanID(job: String) -> String { String(traceID(job: job).suffix(16)) }

    static func spanID(_ uuid: String) -> String { hexDigits(uuid, limit: 16) }

    /// A UUID's hex digits, lower case, without its dashes (at most `limit`).
    static func hexDigits(_ uuid: String, limit: Int = .max) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(min(limit, 32))
        for byte in uuid.utf8 where byte != UInt8(ascii: "-") && digits.count < limit {
            digits.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        return String(decoding: digits, as: UTF8.self)
    }

    static func nanoseconds(_ date: Date = Date()) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000_000).rounded()) }

    /// Nanoseconds since 1970 of a timestamp as the store writes them ("2026-11-26T14:43:46.123Z").
    /// (Read by hand: the store writes one fixed form, and a date formatter's set-up costs more
    /// than a short job's steps.)
    static func nanoseconds(iso text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 24, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "."), b[23] == UInt8(ascii: "Z") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in b[from..<from + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2), let milli = number(20, 3),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Int64(timegm(&parts)) * 1_000_000_000 + Int64(milli) * 1_000_000
    }

    /// Longest input or output kept on a span (characters); the full text stays in the execution.
    static let payloadLimit = 8_000

    static func clipped(_ text: String) -> String {
        text.count <= payloadLimit ? text : String(text.prefix(payloadLimit)) + "…"
    }

    static func record(_ db: any SQLTransaction, job: String, span: String, parent: String?, execution: String?, name: String, kind: String,
                       start: Int64, end: Int64, attributes: [String: JSONValue], error: String? = nil) throws {
        try db.execute("""
            INSERT INTO trace_spans (span_id, trace_id, parent_span_id, production_job_id, agent_execution_id, name, kind,
              start_ns, end_ns, attributes, status, status_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (span_id) DO UPDATE SET trace_id = excluded.trace_id, parent_span_id = excluded.parent_span_id,
              production_job_id = excluded.production_job_id, agent_execution_id = excluded.agent_execution_id, name = excluded.name,
              kind = excluded.kind, start_ns = excluded.start_ns, end_ns = excluded.end_ns, attributes = excluded.attributes,
              status = excluded.status, status_message = excluded.status_message
            """, [span, traceID(job: job), parent, job, execution, name, kind, start, max(start, end),
                                     JSONValue.object(attributes).compactText, error == nil ? "ok" : "error", error])
    }

    /// The span of one agent execution, and one child span per model call it made (also kept in
    /// `llm_calls`). The step's input and output are not copied into the span: they are in the
    /// execution row, and the exporter adds them from there.
    static func execution(_ db: any SQLTransaction, job: String, execution: String, step: String, agent: String, type: String, revision: Int,
                          start: Int64, end: Int64, usage: LLMUsage, calls: [LLMCallRecord],
                          error: String?) throws {
        let span = spanID(execution)
        var attributes: [String: JSONValue] = [
            "kijko.step": .string(step), "kijko.agent": .string(agent), "kijko.agent_type": .string(type),
            "kijko.revision": .number(Double(revision)), "langfuse.observation.type": "span",
            "gen_ai.usage.input_tokens": .number(Double(usage.promptTokens)), "gen_ai.usage.output_tokens": .number(Double(usage.completionTokens)),
            "kijko.llm_calls": .number(Double(usage.calls)),
        ]
        if let cost = usage.cost { attributes["kijko.cost_usd"] = .number(cost) }
        try record(db, job: job, span: span, parent: rootSpanID(job: job), execution: execution, name: "\(step) (\(agent))",
                   kind: "internal", start: start, end: end, attributes: attributes, error: error)
        for call in calls {
            let id = PipelineStore.newID()
            let callStart = nanoseconds(call.started), callEnd = callStart + Int64(call.latency * 1_000_000_000)
            try db.execute("""
                INSERT INTO llm_calls (id, agent_execution_id, model, prompt_tokens, completion_tokens, cost, latency_seconds, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [id, execution, call.model, call.promptTokens, call.completionTokens, call.cost, call.latency,
                                         PipelineStore.now()])
            var generation: [String: JSONValue] = [
                "gen_ai.system": "openai", "gen_ai.operation.name": "chat", "gen_ai.request.model": .string(call.model),
                "gen_ai.response.model": .string(call.model), "langfuse.observation.type": "generation",
                "langfuse.observation.model.name": .string(call.model),
                "gen_ai.usage.input_tokens": .number(Double(call.promptTokens)), "gen_ai.usage.output_tokens": .number(Double(call.completionTokens)),
            ]
            if let cost = call.cost { generation["gen_ai.usage.cost"] = .number(cost); generation["kijko.cost_usd"] = .number(cost) }
            if let prompt = call.prompt { generation["langfuse.observation.input"] = .string(clipped(prompt)) }
            if let reply = call.reply { generation["langfuse.observation.output"] = .string(clipped(reply)) }
            try record(db, job: job, span: spanID(id), parent: span, execution: execution, name: "chat \(call.model)", kind: "client",
                       start: callStart, end: callEnd, attributes: generation, error: call.error)
        }
    }
}

/// One model call an agent made, for the trace and `llm_calls` (never the API key).
public struct LLMCallRecord: Sendable {
    public var model: String
    public var started: Date
    /// Seconds.
    public var latency: Double
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double?
    /// What was asked and answered (clipped on the span), when the agent shares them.
    public var prompt: String?
    public var reply: String?
    public var error: String?

    public init(model: String, started: Date, latency: Double, promptTokens: Int, completionTokens: Int, cost: Double?,
                prompt: String? = nil, reply: String? = nil, error: String? = nil) {
        self.model = model
        self.started = started
        self.latency = latency
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.prompt = prompt
        self.reply = reply
        self.error = error
    }
}
