import Foundation

/// Flushes the store's spans every `interval` seconds on a thread of its own until stopped, so a
/// long job's traces appear while it runs; never touches the run.
public final class BackgroundExport: @unchecked Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let active: Bool

    public init(_ exporter: TraceExporter?, interval: Double = 5) {
        active = exporter != nil
        guard let exporter else { return }
        let thread = Thread { [stopped, finished] in
            while stopped.wait(timeout: .now() + interval) == .timedOut { _ = try? exporter.flush() }
            finished.signal()
        }
        thread.name = "kijko.traces"
        thread.start()
    }

    /// Stops the thread and waits for a flush in progress to end (the final flush follows).
    public func stop() {
        guard active else { return }
        stopped.signal()
        finished.wait()
    }
}
