import Foundation

/// Heavy loops (decode, filter, encode, a job's steps) run on a dedicated thread, never on Swift's
/// cooperative pool; this is the `async` edge services put around them.
public enum BlockingWork {
    /// Runs `body` on a thread of its own named `name` and returns its result. Cancelling the
    /// calling task sets the flag `body` is given; `body` checks it between frames and throws
    /// `CancellationError`.
    /// With `background`, the thread (and every thread it starts: encoders, filter graphs) runs
    /// at a lower scheduling priority (nice 10), so a server's requests go first on a busy machine.
    public static func run<T: Sendable>(_ name: String, background: Bool = false,
                                        _ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, Error>) in
                let thread = Thread {
                    if background { lowerPriority() }
                    done.resume(with: Result { try body(flag) })
                }
                thread.name = name
                thread.stackSize = 1 << 22
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }

    /// Nice 10 for the calling thread (on Linux the nice value is a thread's, and `who` 0 is the
    /// calling thread; threads it starts inherit it).
    static func lowerPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #else
        _ = setpriority(PRIO_DARWIN_THREAD, 0, PRIO_DARWIN_BG)
        #endif
    }
}
