import Foundation
import Hummingbird
import KijkoAgents
import KijkoCore
import KijkoPipeline
import ServiceLifecycle

/// A job's server-sent events: first a `snapshot` (the job as `GET /api/production/{id}` shows
/// it), then what changes — read from the store, so changes made by another process (the CLI)
/// show too — and the progress this server's runners report:
///
/// - `step.started`, `step.completed`, `step.failed`, `step.state` (any other change): the step;
/// - `step.progress`: `{step, fraction, frames, stage}` from renders, versions and QC;
/// - `approval.requested`, `approval.decided`: the request;
/// - `job.state`: the job's summary, when its state, phase, current agent or cost changes;
/// - `note`: `{stage, message}` (a run ended with a message, a trace export failed).
enum JobEventStream {
    /// How often the store is looked at, and after how many quiet looks a comment keeps the
    /// connection open through proxies.
    static let interval: Duration = .milliseconds(250)
    static let keepAlive = 60

    struct Snapshot {
        var job: PipelineStore.JobSummary
        var steps: [String: (status: String, earlier: Int)]
        var approvals: [String: String]

        init(_ view: JobView) {
            job = view.job
            steps = Dictionary(uniqueKeysWithValues: view.steps.map { ($0.step, ($0.status, $0.earlier)) })
            approvals = Dictionary(uniqueKeysWithValues: view.approvals.map { ($0.id, $0.status) })
        }
    }

    static func response(job: String, views: JobViewCache, hub: EventHub) -> Response {
        let body = ResponseBody { writer in
            let inbox = hub.subscribe(job: job)
            defer { hub.unsubscribe(job: job, inbox) }
            var view = try views.entry(job).view
            var last = Snapshot(view)
            try await writer.write(ByteBuffer(string: "retry: 2000\n" + frame("snapshot", view)))
            var quiet = 0
            // (A server shutting down ends its streams at once: they would hold the shutdown until their next write.)
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try await Task.sleep(for: interval)
                var out = ""
                // Steps this server started since the last look (a fast one may be done before the store is read).
                var started: Set<String> = []
                for event in inbox.take() {
                    if event.kind == .started { started.insert(event.stage) } else { out += progressFrame(event) }
                }
                view = try views.entry(job).view
                let now = Snapshot(view)
                for step in view.steps where started.contains(step.step) && step.status != "running" {
                    var running = step
                    running.status = "running"
                    out += frame("step.started", running)
                }
                out += changes(from: last, to: now, view)
                last = now
                if out.isEmpty {
                    quiet += 1
                    guard quiet >= keepAlive else { continue }
                    out = ": keep-alive\n\n"
                }
                quiet = 0
                try await writer.write(ByteBuffer(string: out))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
    }

    /// One event: its name and its data as one line of JSON.
    static func frame<T: Encodable>(_ name: String, _ value: T) -> String {
        "event: \(name)\ndata: " + String(decoding: JSONResponse.data(value), as: UTF8.self) + "\n\n"
    }

    static func progressFrame(_ event: ProgressEvent) -> String {
        switch event.kind {
        case .progress:
            var fields: [String: JSONValue] = ["step": .string(event.stage)]
            if let fraction = event.fraction { fields["fraction"] = .number(min(1, max(0, fraction))) }
            if let frames = event.frames { fields["frames"] = .number(Double(frames)) }
            if let message = event.message { fields["stage"] = .string(message) }
            return frame("step.progress", JSONValue.object(fields))
        case .note:
            return frame("note", JSONValue.object(["stage": .string(event.stage), "message": .string(event.message ?? "")]))
        case .started, .finished:
            return ""  // the store's rows say when steps start and end
        }
    }

    static func changes(from old: Snapshot, to new: Snapshot, _ view: JobView) -> String {
        var out = ""
        for step in view.steps {
            guard let before = old.steps[step.step], before.status != step.status || before.earlier != step.earlier else { continue }
            let name = switch step.status {
            case "running": "step.started"
            case "completed": "step.completed"
            case "failed": "step.failed"
            default: "step.state"
            }
            out += frame(name, step)
        }
        for approval in view.approvals {
            switch (old.approvals[approval.id], approval.status) {
            case (nil, _): out += frame("approval.requested", approval)
            case (let before?, let now) where before != now: out += frame("approval.decided", approval)
            default: break
            }
        }
        let a = old.job, b = new.job
        if a.runState != b.runState || a.status != b.status || a.currentAgent != b.currentAgent || a.totalCost != b.totalCost || a.error != b.error {
            out += frame("job.state", b)
        }
        return out
    }
}
