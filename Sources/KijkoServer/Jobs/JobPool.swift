import Foundation
import KijkoAgents
import KijkoCore

/// Runs jobs off the request path, a bounded number at a time: a job started or decided through
/// the server goes in, runs on a thread of its own until it waits, completes or fails, and its
/// progress goes to the event hub. A job asked for again while it runs runs once more after.
actor JobPool {
    let jobs: JobsService
    let hub: EventHub
    let limit: Int
    /// Queue jobs' steps for workers (a shared store) instead of running them here.
    let enqueue: Bool
    private var running: [String: Task<Void, Never>] = [:]
    private var queued: [String] = []
    private var again: Set<String> = []

    init(jobs: JobsService, hub: EventHub, limit: Int = 2, enqueue: Bool = false) {
        self.enqueue = enqueue
        self.jobs = jobs
        self.hub = hub
        self.limit = max(1, limit)
    }

    /// Runs `job` (full id) as soon as a place is free.
    func submit(_ job: String) {
        if running[job] != nil { again.insert(job); return }
        if !queued.contains(job) { queued.append(job) }
        pump()
    }

    /// Jobs running or waiting for a place.
    var busy: Set<String> { Set(running.keys).union(queued) }

    private func pump() {
        while running.count < limit, !queued.isEmpty {
            let job = queued.removeFirst()
            running[job] = Task { [jobs, hub, enqueue] in
                do {
                    let result = enqueue ? try await BlockingWork.run("kijko.enqueue") { _ in try jobs.enqueue(job: job) }
                        : try await jobs.run(job: job, background: true, progress: hub.handler(job: job))
                    if let message = result.message { hub.publish(job: job, ProgressEvent(.note, stage: "job", message: message)) }
                    for warning in result.traceWarnings { hub.publish(job: job, ProgressEvent(.note, stage: "traces", message: warning)) }
                } catch {
                    hub.publish(job: job, ProgressEvent(.note, stage: "job", message: "\(error)"))
                }
                self.finished(job)
            }
        }
    }

    private func finished(_ job: String) {
        running[job] = nil
        if again.remove(job) != nil { queued.append(job) }
        pump()
    }

    /// Stops starting steps: every running job ends after the steps it is in (they go on when
    /// the server starts again), and nothing queued starts.
    func stop() async {
        queued = []
        again = []
        let tasks = Array(running.values)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
