import Foundation

/// Heavy loops (decode, filter, encode, a job's steps) run on a dedicated thread, never on Swift's
/// cooperative pool; this is the `async` edge services put around them.
public enum BlockingWork {
    /// Runs `body` on a thread of its own named `name` and returns its result. Cancelling the
    /// calling task sets the flag `body` is given; `body` checks it between frames and throws
    /// `CancellationError`.
    public static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, Error>) in
                let thread = Thread { done.resume(with: Result { try body(flag) }) }
                thread.name = name
                thread.stackSize = 1 << 22
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
