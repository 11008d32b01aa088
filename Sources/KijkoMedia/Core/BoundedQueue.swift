import Foundation

/// A first-in first-out hand-over between two threads, holding at most `capacity` items: the
/// producer waits while it is full, the consumer while it is empty. `close()` ends it (the
/// consumer then gets nil once drained; a producer's later items are dropped). Used to pass frame
/// references from a decoding thread to the threads that work on them, with flat memory.
public final class BoundedQueue<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private let capacity: Int
    private var closed = false

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Adds `item`, waiting while the queue is full. Returns false when the queue was closed.
    @discardableResult
    public func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting while the queue is empty; nil once it is closed and drained.
    public func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// No more items will come (the consumer drains what is there), or, with `discarding`, the
    /// consumer has stopped (what is queued is dropped and producers no longer wait).
    public func close(discarding: Bool = false) {
        condition.lock()
        closed = true
        if discarding { items.removeAll() }
        condition.broadcast()
        condition.unlock()
    }
}
