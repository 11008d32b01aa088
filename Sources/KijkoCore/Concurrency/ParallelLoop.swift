import Foundation

/// Blocking work spread over a few dedicated threads (model calls, batches of steps): never on
/// Swift's cooperative pool, which blocking calls would starve.
public enum ParallelLoop {
    /// Runs `body` for each of `count` items on up to `limit` threads at once; returns when all are done.
    public static func forEach(_ count: Int, limit: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(limit, count)) {
            group.enter()
            let thread = Thread {
                while let i = next.take(below: count) { body(i) }
                group.leave()
            }
            thread.start()
        }
        group.wait()
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
