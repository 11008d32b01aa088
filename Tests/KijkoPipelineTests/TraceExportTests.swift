import Foundation
import KijkoLLM
@testable import KijkoPipeline
import KijkoTestSupport
import Testing

/// Spans recorded with every step and decision, sent over real HTTP to a collector on 127.0.0.1
/// that decodes each request with OpenTelemetry's own protocol definitions.
@Suite(.serialized) struct TraceExportTests {
    /// The test collector (`scripts/otlp_test_server.py` under `.build/otel-venv`).
    final class Collector {
        let process = Process()
        let log: String
        let port: Int

        init(mode: String) throws {
            let python = Program.root.appendingPathComponent(".build/otel-venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw PipelineError("opentelemetry-proto missing: run scripts/test (it installs .build/otel-venv)")
            }
            log = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID().uuidString.prefix(8)).jsonl").path
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [Program.root.appendingPathComponent("scripts/otlp_test_server.py").path, mode, log]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                process.terminate()
                throw PipelineError("the test collector did not start")
            }
            self.port = port
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        var url: String { "http://127.0.0.1:\(port)/v1/traces" }

        /// Every request received, decoded.
        var requests: [[String: Any]] {
            guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        var spans: [[String: Any]] { requests.flatMap { ($0["spans"] as? [[String: Any]]) ?? [] } }
    }

    /// A social job with one rejection, run to the end: 1 root + 5 + 4 re-run + 1 steps + 2 decisions.
    static func finishedJob() throws -> (PipelineRunner, String) {
        let runner = PipelineRunner(store: try PipelineStore(path: try PipelineFixture.scratch()))
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Clips for the launch.", options: .init(client: "Acme"))
        var rejected = false
        let outcome = try PipelineFixture.drive(runner, job: job) { _ in
            if rejected { return nil }
            rejected = true
            return "Shorter"
        }
        #expect(outcome == .complete)
        return (runner, job)
    }

    static func spanCount(_ store: PipelineStore) throws -> Int {
        try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM trace_spans") ?? 0 }
    }

    @Test func everySpanArrivesOnceAsValidOTLPWithItsParents() throws {
        let (runner, job) = try Self.finishedJob()
        let recorded = try Self.spanCount(runner.store)
        #expect(recorded == 13, "spans recorded: \(recorded)")
        let collector = try Collector(mode: "ok")
        let exporter = TraceExporter(store: runner.store, destinations: [.init(name: "otlp", url: collector.url)])
        let reports = try exporter.flush()
        #expect(reports.first?.accepted == recorded && reports.first?.pending == 0 && reports.first?.error == nil, "\(reports)")
        let spans = collector.spans
        #expect(collector.requests.allSatisfy { $0["invalid"] == nil }, "\(collector.requests.compactMap { $0["invalid"] })")
        #expect(spans.count == recorded && Set(spans.compactMap { $0["span_id"] as? String }).count == recorded)
        let trace = job.replacingOccurrences(of: "-", with: "")
        #expect(spans.allSatisfy { ($0["trace_id"] as? String) == trace && ($0["service"] as? String) == "kijko" })
        let root = try #require(spans.first { ($0["parent_span_id"] as? String)?.isEmpty == true })
        #expect((root["name"] as? String) == "job social")
        let rootID = root["span_id"] as? String
        let steps = spans.filter { (($0["attributes"] as? [String: Any])?["kijko.step"]) != nil && ($0["name"] as? String)?.hasPrefix("approval") == false }
        #expect(steps.count == 10 && steps.allSatisfy { ($0["parent_span_id"] as? String) == rootID })
        // Each step's span carries its input and output (read from the execution at export).
        #expect(steps.allSatisfy { (($0["attributes"] as? [String: Any])?["langfuse.observation.input"] as? String)?.contains("Clips for the launch.") == true })
        // (The drafting steps' outputs say they are drafts; the graph's media steps are no-ops.)
        let outputs = steps.compactMap { ($0["attributes"] as? [String: Any])?["langfuse.observation.output"] as? String }
        #expect(outputs.count == 10 && outputs.allSatisfy { $0.contains("offline-draft") || $0 == #"{"ok":true}"# }, "\(outputs)")
        let decisions = spans.filter { ($0["name"] as? String)?.hasPrefix("approval approval:") == true }
        #expect(decisions.count == 2)
        let rejection = decisions.first { (($0["attributes"] as? [String: Any])?["kijko.decision"] as? String) == "rejected" }
        #expect((rejection?["attributes"] as? [String: Any])?["kijko.feedback"] as? String == "Shorter")
        // Nothing is sent twice.
        let again = try exporter.flush()
        #expect(again.first?.sent == 0 && collector.spans.count == recorded)
    }

    @Test func anOutageAndRefusalsKeepSpansQueuedUntilTheyAreTaken() throws {
        let (runner, _) = try Self.finishedJob()
        let recorded = try Self.spanCount(runner.store)
        // Down: nothing listens.
        let down = try TraceExporter(store: runner.store, destinations: [.init(name: "otlp", url: "http://127.0.0.1:9/v1/traces")]).flush()
        #expect(down.first?.pending == recorded && down.first?.error != nil)
        // Refused (401), then a 500 followed by success.
        let refusing = try Collector(mode: "unauthorized")
        let refused = try TraceExporter(store: runner.store, destinations: [.init(name: "otlp", url: refusing.url)]).flush()
        #expect(refused.first?.pending == recorded && refused.first?.error?.contains("HTTP 401") == true)
        let flaky = try Collector(mode: "flaky")
        let exporter = TraceExporter(store: runner.store, destinations: [.init(name: "otlp", url: flaky.url)])
        let first = try exporter.flush(), second = try exporter.flush()
        #expect(first.first?.error?.contains("HTTP 500") == true && first.first?.pending == recorded)
        #expect(second.first?.accepted == recorded && second.first?.pending == 0)
        #expect(flaky.spans.count == recorded, "each span accepted exactly once")
    }

    @Test func partialRejectionsAreCountedAndNotResent() throws {
        let (runner, _) = try Self.finishedJob()
        let collector = try Collector(mode: "partial")
        var exporter = TraceExporter(store: runner.store, destinations: [.init(name: "otlp", url: collector.url)])
        exporter.batchSize = 5
        let report = try #require(try exporter.flush().first)
        let requests = collector.requests.count
        #expect(report.rejected == requests && report.accepted == report.sent - requests && report.pending == 0)
        #expect(report.error?.contains("one span too old") == true)
        #expect(try exporter.flush().first?.sent == 0)
    }

    @Test func langfuseGetsBasicAuthAndTheJobItsLinkWithNoSecretStored() throws {
        let (runner, job) = try Self.finishedJob()
        let collector = try Collector(mode: "ok")
        let environment = ["LANGFUSE_HOST": "http://127.0.0.1:\(collector.port)", "LANGFUSE_PUBLIC_KEY": "pk-lf-test",
                           "LANGFUSE_SECRET_KEY": "sk-lf-secret-42"]
        let destinations = TraceExporter.destinations(environment)
        #expect(destinations.map(\.name) == ["langfuse"] && destinations.first?.url.hasSuffix("/api/public/otel/v1/traces") == true)
        _ = try TraceExporter(store: runner.store, destinations: destinations).flush()
        let expected = "Basic " + Data("pk-lf-test:sk-lf-secret-42".utf8).base64EncodedString()
        #expect(collector.requests.allSatisfy { ($0["authorization"] as? String) == expected && ($0["path"] as? String) == "/api/public/otel/v1/traces" })
        #expect(collector.requests.allSatisfy { ($0["ingestion_version"] as? String) == "4" })
        let link = try runner.store.read { db in
            try db.value(String.self, "SELECT langfuse_url FROM langfuse_traces WHERE production_job_id = ?", [job])
        }
        #expect(link == "http://127.0.0.1:\(collector.port)/trace/" + job.replacingOccurrences(of: "-", with: ""))
        // The secret is in no table of the store.
        let file = try Data(contentsOf: URL(fileURLWithPath: runner.store.path))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: runner.store.path + "-wal"))) ?? Data()
        #expect(file.range(of: Data("sk-lf-secret-42".utf8)) == nil && wal.range(of: Data("sk-lf-secret-42".utf8)) == nil)
    }

    /// A Langfuse without the OTLP endpoint: the batch ingestion API, its 207 read event by event —
    /// an event refused for good is not resent, one failed for now is, nothing else twice.
    @Test func olderLangfuseGetsTheIngestionAPIAndIts207IsReadEventByEvent() throws {
        let (runner, job) = try Self.finishedJob()
        let recorded = try Self.spanCount(runner.store)
        let collector = try Collector(mode: "legacy")
        let environment = ["LANGFUSE_HOST": "http://127.0.0.1:\(collector.port)", "LANGFUSE_PUBLIC_KEY": "pk", "LANGFUSE_SECRET_KEY": "sk"]
        let exporter = TraceExporter(store: runner.store, destinations: TraceExporter.destinations(environment))
        let first = try #require(try exporter.flush().first)
        #expect(first.accepted == recorded - 2 && first.rejected == 1 && first.pending == 1, "\(first)")
        #expect(first.error?.contains("1 spans to send again later") == true, "\(first.error ?? "")")
        let second = try #require(try exporter.flush().first)
        #expect(second.accepted == 1 && second.pending == 0, "\(second)")
        #expect(try exporter.flush().first?.sent == 0)
        // What the server was sent: every span as an observation of the job's trace, parents kept.
        let ingestions = collector.requests.filter { ($0["path"] as? String) == "/api/public/ingestion" }
        #expect(ingestions.count == 2)
        let events = ingestions.flatMap { ($0["events"] as? [[String: Any]]) ?? [] }
        let observations = events.filter { ($0["type"] as? String) != "trace-create" }
        #expect(observations.count == recorded + 1, "one observation sent twice (the one that failed for now)")
        let trace = job.replacingOccurrences(of: "-", with: "")
        #expect(observations.allSatisfy { (($0["body"] as? [String: Any])?["traceId"] as? String) == trace })
        #expect(events.contains { ($0["type"] as? String) == "trace-create" && (($0["body"] as? [String: Any])?["id"] as? String) == trace })
        let accepted = ingestions.flatMap { ($0["successes"] as? [String]) ?? [] }.filter { $0.hasPrefix("kijko-") && !$0.hasPrefix("kijko-trace-") }
        #expect(accepted.count == recorded - 1 && Set(accepted).count == accepted.count)
    }

    /// `kijko run` sends the spans itself when the run stops; a collector that is down is one
    /// warning line and the run still succeeds.
    @Test func aRunSendsItsOwnSpans() throws {
        let db = try PipelineFixture.scratch()
        let down = try Program.run(Program.kijko, ["run", PipelineFixture.workflows + "/social.yaml", "--brief", "Clips", "--db", db],
                                   environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"])
        #expect(down.status == 0 && down.stderr.contains("warning: traces to otlp") && down.stderr.contains("5 spans wait"), "\(down.stderr)")
        let collector = try Collector(mode: "ok")
        let waiting = try PipelineStore(path: db).pendingApprovals()
        let request = try #require(waiting.first?.id)
        let approved = try Program.run(Program.kijko, ["approve", request, "--db", db, "--quiet"],
                                       environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collector.port)"])
        #expect(approved.status == 0 && approved.stderr.isEmpty, "\(approved.stderr)")
        // The five from the first run, the decision, the last step and the job's root.
        #expect(collector.spans.count == 8 && Set(collector.spans.compactMap { $0["span_id"] as? String }).count == 8)
    }

    /// A step's model calls: rows in `llm_calls` and generation spans under the step's span, with
    /// the model, tokens, cost and latency Langfuse reads.
    @Test func modelCallsBecomeGenerations() throws {
        struct Writer: PipelineAgent {
            let name = "copywriter"
            let type = "pre-production"
            func run(_ input: AgentInput) throws -> AgentOutput {
                let started = Date(timeIntervalSince1970: 1_800_000_000)
                let calls = [LLMCallRecord(model: "gpt-4o-mini", started: started, latency: 1.25, promptTokens: 900, completionTokens: 300,
                                           cost: 0.000315, prompt: "Write a tagline", reply: "Run further."),
                             LLMCallRecord(model: "gpt-4o-mini", started: started.addingTimeInterval(2), latency: 0.5, promptTokens: 100,
                                           completionTokens: 20, cost: 0.000027)]
                return AgentOutput(output: ["tagline": "Run further."],
                                   usage: LLMUsage(calls: 2, promptTokens: 1000, completionTokens: 320, cost: 0.000342), calls: calls)
            }
        }
        var agents = BuiltinAgents.registry
        agents.add(Writer())
        let file = try PipelineFixture.templateFile("name: copy\nsteps:\n  tagline: {agent: copywriter}\n")
        let runner = PipelineRunner(store: try PipelineStore(path: try PipelineFixture.scratch()), agents: agents)
        let job = try runner.start(try WorkflowTemplate.load(path: file, agents: agents.names), brief: "Tagline for the Aurora shoe")
        #expect(try runner.run(job: job) == .complete)
        let rows = try runner.store.read { db in try db.rows("SELECT model, prompt_tokens, completion_tokens, cost, latency_seconds FROM llm_calls ORDER BY prompt_tokens DESC") }
        #expect(rows.count == 2 && (rows[0]["prompt_tokens"] as Int) == 900 && (rows[0]["latency_seconds"] as Double) == 1.25)
        let collector = try Collector(mode: "ok")
        _ = try TraceExporter(store: runner.store, destinations: [.init(name: "otlp", url: collector.url)]).flush()
        let spans = collector.spans
        let step = try #require(spans.first { ($0["name"] as? String) == "tagline (copywriter)" })
        let generations = spans.filter { (($0["attributes"] as? [String: Any])?["langfuse.observation.type"] as? String) == "generation" }
        #expect(generations.count == 2 && generations.allSatisfy { ($0["parent_span_id"] as? String) == (step["span_id"] as? String) })
        let first = try #require(generations.first { (($0["attributes"] as? [String: Any])?["gen_ai.usage.input_tokens"] as? Int) == 900 })
        let attributes = try #require(first["attributes"] as? [String: Any])
        #expect(attributes["gen_ai.request.model"] as? String == "gpt-4o-mini" && attributes["gen_ai.usage.output_tokens"] as? Int == 300)
        #expect(attributes["langfuse.observation.input"] as? String == "Write a tagline")
        #expect((first["kind"] as? Int) == 3, "a client span")
        let start = first["start"] as? Int ?? 0, end = first["end"] as? Int ?? 0
        #expect(start == 1_800_000_000_000_000_000 && end - start == 1_250_000_000)
        let stepAttributes = try #require(step["attributes"] as? [String: Any])
        #expect(stepAttributes["gen_ai.usage.input_tokens"] as? Int == 1000 && stepAttributes["kijko.llm_calls"] as? Int == 2)
    }

    @Test func theCommandFlushesAndSaysWhatWaits() throws {
        let (runner, _) = try Self.finishedJob()
        let down = try Program.run(Program.kijko, ["traces", "flush", "--db", runner.store.path],
                                   environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"])
        #expect(down.status == 1 && down.stdout.contains("otlp: 0 accepted, 0 rejected, 13 pending"), "\(down.stdout) \(down.stderr)")
        let collector = try Collector(mode: "ok")
        let up = try Program.run(Program.kijko, ["traces", "flush", "--db", runner.store.path, "--json"],
                                 environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collector.port)"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("\"accepted\" : 13") && collector.spans.count == 13)
    }
}
