import Foundation

/// A list several threads append to (results of `ParallelLoop.forEach` work, say), read once they
/// are done.
public final class SharedList<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    public init() {}

    public func append(_ element: Element) {
        lock.lock()
        elements.append(element)
        lock.unlock()
    }

    public var all: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return elements
    }
}
