import Dispatch

/// The entry point: the command runs on the concurrency runtime's threads while the main thread
/// waits for it, instead of handing the main thread to `dispatch_main()`, which ends it with
/// `pthread_exit` — a path valgrind 3.19 dies on (`scripts/leakcheck`). Nothing in Kijko runs on
/// the main actor.
func runKijko() {
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        await Kijko.main()
        finished.signal()
    }
    finished.wait()
}

runKijko()
