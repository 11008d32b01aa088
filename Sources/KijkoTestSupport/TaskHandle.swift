import Foundation

/// Holds a task so the work it runs can cancel it from its own progress handler: the handler
/// waits (briefly) until the task is known, then cancels it — a cancellation at an exact point of
/// the work, with no timing in the test.
public final class TaskHandle<Success: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Success, Error>?

    public init() {}

    public func set(_ task: Task<Success, Error>) {
        lock.lock()
        self.task = task
        lock.unlock()
    }

    /// Cancels the task once it has been set.
    public func cancel() {
        while true {
            lock.lock()
            let known = task
            lock.unlock()
            if let known { known.cancel(); return }
            usleep(1000)
        }
    }
}

/// Files whose names start with `.` and hold `.partial-` in `folder`: half-written outputs.
public func partialFiles(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".partial-") }
}
