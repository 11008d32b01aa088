import Synchronization

/// Set once, from any thread, to ask long work to stop; the work checks it between frames (or
/// steps) and throws `CancellationError`, leaving no file under its final name.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// - Throws: `CancellationError` once cancelled.
    public func check() throws(CancellationError) {
        if isCancelled { throw CancellationError() }
    }
}

extension Optional where Wrapped == CancellationFlag {
    /// - Throws: `CancellationError` when there is a flag and it is set.
    public func check() throws(CancellationError) {
        if let flag = self { try flag.check() }
    }
}
