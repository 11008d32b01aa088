public import Foundation
import KijkoLLM
import KijkoCore

/// Sends the spans recorded in the store to OpenTelemetry collectors over OTLP/HTTP (JSON
/// encoding): any collector (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
/// headers from `OTEL_EXPORTER_OTLP_HEADERS`) and Langfuse's OTLP endpoint
/// (`LANGFUSE_HOST` + `/api/public/otel/v1/traces`, Basic auth from `LANGFUSE_PUBLIC_KEY` /
/// `LANGFUSE_SECRET_KEY`). What a destination accepted is marked per span; what it did not
/// (an outage, a 5xx, a 429, a 401) stays queued for the next flush — nothing is lost and nothing
/// accepted is sent twice. Spans a collector rejects as invalid (OTLP partial success) are not
/// retried, as the protocol says; the count is reported. Secrets go in headers only.
public struct TraceExporter: Sendable {
    public struct Destination: Sendable {
        /// `otlp` or `langfuse`: the key under which acceptance is recorded.
        public var name: String
        public var url: String
        public var headers: [(String, String)]
        /// For Langfuse: where a trace can be opened (`HOST/trace/ID`).
        public var traceLinkBase: String?
        /// For Langfuse: the older batch ingestion API, used when the OTLP endpoint is not there
        /// (a server that answers 404 to it).
        public var ingestionURL: String?

        public init(name: String, url: String, headers: [(String, String)] = [], traceLinkBase: String? = nil, ingestionURL: String? = nil) {
            self.name = name
            self.url = url
            self.headers = headers
            self.traceLinkBase = traceLinkBase
            self.ingestionURL = ingestionURL
        }
    }

    /// What one flush did, per destination.
    public struct Report: Codable, Sendable {
        public var destination: String
        public var sent: Int
        public var accepted: Int
        /// Spans the collector refused as invalid (not retried).
        public var rejected: Int
        /// Spans still queued for the next flush.
        public var pending: Int
        public var error: String?
    }

    public let store: PipelineStore
    public let destinations: [Destination]
    public var batchSize = 256
    public var timeout = 10.0

    public init(store: PipelineStore, destinations: [Destination]) {
        self.store = store
        self.destinations = destinations
    }

    /// An exporter to the destinations the environment names, or nil when it names none.
    public static func fromEnvironment(store: PipelineStore, timeout: Double = 10) -> TraceExporter? {
        let found = destinations()
        guard !found.isEmpty else { return nil }
        var exporter = TraceExporter(store: store, destinations: found)
        exporter.timeout = timeout
        return exporter
    }

    /// The destinations the environment names (none: nothing to export).
    public static func destinations(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [Destination] {
        var found: [Destination] = []
        let headers = (environment["OTEL_EXPORTER_OTLP_HEADERS"] ?? "").split(separator: ",").compactMap { pair -> (String, String)? in
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else { return nil }
            return (parts[0], parts[1].removingPercentEncoding ?? parts[1])
        }
        if let url = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].flatMap({ $0.isEmpty ? nil : $0 }) {
            found.append(Destination(name: "otlp", url: url, headers: headers))
        } else if let base = environment["OTEL_EXPORTER_OTLP_ENDPOINT"].flatMap({ $0.isEmpty ? nil : $0 }) {
            found.append(Destination(name: "otlp", url: (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/v1/traces", headers: headers))
        }
        if let host = environment["LANGFUSE_HOST"].flatMap({ $0.isEmpty ? nil : $0 }),
           let key = environment["LANGFUSE_PUBLIC_KEY"], let secret = environment["LANGFUSE_SECRET_KEY"], !key.isEmpty, !secret.isEmpty {
            let base = host.hasSuffix("/") ? String(host.dropLast()) : host
            let auth = Data("\(key):\(secret)".utf8).base64EncodedString()
            found.append(Destination(name: "langfuse", url: base + "/api/public/otel/v1/traces",
                                     // Langfuse asks direct OTLP exporters to name its ingestion version (v4: real-time).
                                     headers: [("Authorization", "Basic \(auth)"), ("x-langfuse-ingestion-version", "4")],
                                     traceLinkBase: base + "/trace/", ingestionURL: base + "/api/public/ingestion"))
        }
        return found
    }

    /// Sends everything not yet accepted, batch by batch, to every destination. Never throws for
    /// the network: a destination that fails keeps its spans queued and says why in its report.
    public func flush() throws -> [Report] {
        var reports: [Report] = []
        for destination in destinations {
            var report = Report(destination: destination.name, sent: 0, accepted: 0, rejected: 0, pending: 0, error: nil)
            batches: while true {
                let batch = try store.pendingSpans(for: destination.name, limit: batchSize)
                if batch.isEmpty { break }
                switch send(batch, to: destination) {
                case .accepted(let settled, let rejected, let message):
                    try markAccepted(batch.filter { settled.contains($0.spanID) }, destination: destination, note: rejected > 0 ? message : nil)
                    report.sent += batch.count
                    report.accepted += settled.count - rejected
                    report.rejected += rejected
                    if rejected > 0, report.error == nil { report.error = "\(rejected) spans rejected: \(message ?? "no reason given")" }
                    // Events the server could not take this time wait for the next flush.
                    if settled.count < batch.count {
                        report.error = "\(batch.count - settled.count) spans to send again later" + (message.map { ": \($0)" } ?? "")
                        break batches
                    }
                case .failed(let why):
                    report.error = why
                    break batches
                }
            }
            report.pending = try store.pendingSpanCount(for: destination.name)
            reports.append(report)
        }
        return reports
    }

    // MARK: - Store

    typealias Span = PipelineStore.RecordedSpan

    func markAccepted(_ batch: [Span], destination: Destination, note: String?) throws {
        try store.markExported(batch.map { ($0.spanID, $0.job, $0.traceID) }, destination: destination.name,
                               traceLinkBase: destination.traceLinkBase, note: note)
    }

    // MARK: - Wire

    /// `settled`: the span ids the destination is done with (taken, or refused for good —
    /// `rejected` of them); the rest of the batch is to be sent again.
    enum Outcome { case accepted(settled: Set<String>, rejected: Int, message: String?), failed(String) }

    func send(_ batch: [Span], to destination: Destination) -> Outcome {
        let body: Data
        do { body = try Self.body(batch) } catch { return .failed("could not encode the spans: \(error)") }
        let request = HTTPRequest(method: "POST", url: destination.url,
                                  headers: [("Content-Type", "application/json")] + destination.headers, body: body, timeout: timeout)
        do {
            let response = try HTTPClient.send(request)
            if response.status == 404, let ingestion = destination.ingestionURL {
                return LangfuseIngestion.send(batch, to: ingestion, headers: destination.headers, timeout: timeout)
            }
            guard (200..<300).contains(response.status) else {
                return .failed("\(destination.url) answered HTTP \(response.status)")
            }
            struct Reply: Decodable {
                struct Partial: Decodable {
                    var rejectedSpans: String?
                    var errorMessage: String?
                }
                var partialSuccess: Partial?
            }
            // rejectedSpans is an int64: a string in OTLP JSON, a number from some servers.
            let reply = try? JSONDecoder().decode(Reply.self, from: response.body)
            var rejected = Int(reply?.partialSuccess?.rejectedSpans ?? "") ?? 0
            if rejected == 0, let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
               let partial = object["partialSuccess"] as? [String: Any], let count = partial["rejectedSpans"] as? Int {
                rejected = count
            }
            return .accepted(settled: Set(batch.map(\.spanID)), rejected: min(rejected, batch.count), message: reply?.partialSuccess?.errorMessage)
        } catch {
            return .failed("\(error)")
        }
    }

    /// An OTLP `ExportTraceServiceRequest` in its JSON form (hex ids, nanoseconds as strings).
    static func body(_ spans: [Span]) throws -> Data {
        func value(_ v: JSONValue) -> JSONValue {
            switch v {
            case .string(let s): return ["stringValue": .string(s)]
            case .bool(let b): return ["boolValue": .bool(b)]
            case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? ["intValue": .string(String(Int64(n)))] : ["doubleValue": .number(n)]
            default:
                let text = (try? JSONEncoder().encode(v)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return ["stringValue": .string(text)]
            }
        }
        let kinds = ["internal": 1, "server": 2, "client": 3, "producer": 4, "consumer": 5]
        let encoded: [JSONValue] = spans.map { span in
            var fields: [String: JSONValue] = [
                "traceId": .string(span.traceID), "spanId": .string(span.spanID), "name": .string(span.name),
                "kind": .number(Double(kinds[span.kind] ?? 1)),
                "startTimeUnixNano": .string(String(span.start)), "endTimeUnixNano": .string(String(span.end)),
                "attributes": .array(span.attributes.keys.sorted().map { ["key": .string($0), "value": value(span.attributes[$0]!)] }),
                "status": span.error.map { ["code": 2, "message": .string($0)] } ?? ["code": 1],
            ]
            if let parent = span.parentID { fields["parentSpanId"] = .string(parent) }
            return .object(fields)
        }
        let request: JSONValue = ["resourceSpans": [[
            "resource": ["attributes": [["key": "service.name", "value": ["stringValue": "kijko"]]]],
            "scopeSpans": [["scope": ["name": "kijko", "version": "0.1.0"], "spans": .array(encoded)]],
        ]]]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(request)
    }
}
