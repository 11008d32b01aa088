import Foundation
import KijkoCore

/// Progress reported by the jobs this server runs, handed to whoever watches each job (the
/// server-sent event streams). Called on runners' threads; cheap and thread-safe. Progress within
/// a step is thinned to whole percents, so a render's every frame does not become an event.
final class EventHub: @unchecked Sendable {
    /// One watcher's events, waiting to be written.
    final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [ProgressEvent] = []

        func put(_ event: ProgressEvent) {
            lock.lock()
            defer { lock.unlock() }
            if events.count < 1000 { events.append(event) }
        }

        /// Everything waiting, oldest first.
        func take() -> [ProgressEvent] {
            lock.lock()
            defer { lock.unlock() }
            let taken = events
            events = []
            return taken
        }
    }

    private let lock = NSLock()
    private var inboxes: [String: [ObjectIdentifier: Inbox]] = [:]
    /// Last percent sent per job and step.
    private var sent: [String: Int] = [:]

    func subscribe(job: String) -> Inbox {
        let inbox = Inbox()
        lock.lock()
        inboxes[job, default: [:]][ObjectIdentifier(inbox)] = inbox
        lock.unlock()
        return inbox
    }

    func unsubscribe(job: String, _ inbox: Inbox) {
        lock.lock()
        inboxes[job]?[ObjectIdentifier(inbox)] = nil
        if inboxes[job]?.isEmpty == true { inboxes[job] = nil }
        lock.unlock()
    }

    /// The handler for a runner of `job`.
    func handler(job: String) -> ProgressHandler { { [self] event in publish(job: job, event) } }

    func publish(job: String, _ event: ProgressEvent) {
        lock.lock()
        defer { lock.unlock() }
        if event.kind == .progress, let fraction = event.fraction {
            let key = job + "/" + event.stage, percent = Int((fraction * 100).rounded(.down))
            guard sent[key] != percent else { return }
            sent[key] = percent
        } else if event.kind == .started {
            sent[job + "/" + event.stage] = nil
        }
        for inbox in (inboxes[job] ?? [:]).values { inbox.put(event) }
    }
}
