import Foundation
import KijkoLLM
import KijkoCore

/// Langfuse's older batch ingestion API (`/api/public/ingestion`), for servers without the OTLP
/// endpoint: one `trace-create` per trace and one `span-create` or `generation-create` per span,
/// each event's id derived from its span (so a retry is deduplicated by the server). The reply is a
/// 207 whose `successes` and `errors` are read event by event — a 207 can hide refusals: events
/// refused with a 4xx (other than 429) are refused for good; 5xx and 429 are sent again later.
enum LangfuseIngestion {
    static func send(_ batch: [TraceExporter.Span], to url: String, headers: [(String, String)], timeout: Double) -> TraceExporter.Outcome {
        let body: Data
        do { body = try self.body(batch) } catch { return .failed("could not encode the events: \(error)") }
        let request = HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")] + headers.filter { $0.0 != "x-langfuse-ingestion-version" },
                                  body: body, timeout: timeout)
        let response: HTTPResponse
        do { response = try HTTPClient.send(request) } catch { return .failed("\(error)") }
        guard (200..<300).contains(response.status) else { return .failed("\(url) answered HTTP \(response.status)") }
        struct Reply: Decodable {
            struct Item: Decodable {
                var id: String
                var status: Int
                var message: String?
            }
            var successes: [Item]?
            var errors: [Item]?
        }
        guard let reply = try? JSONDecoder().decode(Reply.self, from: response.body) else {
            return .failed("\(url) answered \(response.status) without the ingestion reply")
        }
        let span = Dictionary(uniqueKeysWithValues: batch.map { (eventID($0), $0.spanID) })
        var settled = Set((reply.successes ?? []).compactMap { span[$0.id] })
        var rejected = 0
        var message: String?
        for error in reply.errors ?? [] {
            guard let id = span[error.id] else { continue }
            if (400..<500).contains(error.status) && error.status != 429 {
                settled.insert(id)
                rejected += 1
                message = message ?? "\(error.status) \(error.message ?? "")"
            } else {
                message = message ?? "\(error.status) \(error.message ?? "") (to retry)"
            }
        }
        return .accepted(settled: settled, rejected: rejected, message: message)
    }

    static func eventID(_ span: TraceExporter.Span) -> String { "kijko-\(span.spanID)" }

    static func body(_ batch: [TraceExporter.Span]) throws -> Data {
        let format = ISO8601DateFormatter()  // one for the whole batch
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func iso(_ nanoseconds: Int64) -> String { format.string(from: Date(timeIntervalSince1970: Double(nanoseconds) / 1_000_000_000)) }
        var events: [JSONValue] = []
        let now = iso(TraceRecorder.nanoseconds())
        for trace in Set(batch.map(\.traceID)).sorted() {
            let root = batch.first { $0.traceID == trace && $0.parentID == nil }
            var body: [String: JSONValue] = ["id": .string(trace)]
            if let root {
                body["name"] = root.attributes["langfuse.trace.name"] ?? .string(root.name)
                body["timestamp"] = .string(iso(root.start))
                if let input = root.attributes["langfuse.trace.input"] { body["input"] = input }
            }
            events.append(["id": .string("kijko-trace-\(trace)-\(UUID().uuidString.prefix(8).lowercased())"), "type": "trace-create",
                           "timestamp": .string(now), "body": .object(body)])
        }
        for span in batch {
            let generation = span.attributes["langfuse.observation.type"] == "generation"
            var body: [String: JSONValue] = [
                "id": .string(span.spanID), "traceId": .string(span.traceID), "name": .string(span.name),
                "startTime": .string(iso(span.start)), "endTime": .string(iso(span.end)),
                "metadata": .object(span.attributes.filter { !$0.key.hasPrefix("langfuse.observation.") }),
                "level": span.error == nil ? "DEFAULT" : "ERROR",
            ]
            if let parent = span.parentID { body["parentObservationId"] = .string(parent) }
            if let error = span.error { body["statusMessage"] = .string(error) }
            if let input = span.attributes["langfuse.observation.input"] { body["input"] = input }
            if let output = span.attributes["langfuse.observation.output"] { body["output"] = output }
            if generation {
                body["model"] = span.attributes["gen_ai.request.model"] ?? .null
                body["usageDetails"] = ["input": span.attributes["gen_ai.usage.input_tokens"] ?? 0,
                                        "output": span.attributes["gen_ai.usage.output_tokens"] ?? 0]
                if let cost = span.attributes["kijko.cost_usd"] { body["costDetails"] = ["total": cost] }
            }
            events.append(["id": .string(eventID(span)), "type": .string(generation ? "generation-create" : "span-create"),
                           "timestamp": .string(now), "body": .object(body)])
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(["batch": JSONValue.array(events)])
    }
}
