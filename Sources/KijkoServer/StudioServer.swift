import Foundation
import Hummingbird
import Logging
public import KijkoAgents
import KijkoCore
import KijkoPipeline
import NIOCore

/// `kijko serve`: the studio's HTTP API, server-sent events and dashboard over one job store, on
/// Hummingbird. Jobs run in a bounded pool off the request path; on start the server takes up
/// every job left running by a process that is gone (killed mid-run), as `kijko resume` would,
/// and then looks again every few seconds (a decision made with the CLI).
///
///     let server = try StudioServer(jobs: JobsService(database: "studio.sqlite"), options: .init(port: 8080))
///     try await server.run { url in print("open \(url)") }
public final class StudioServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        /// 0: any free port (said to `onReady`).
        public var port: Int
        /// Folders jobs started through the server may use as media (nothing else on the machine is reachable).
        public var mediaRoots: [String]
        /// Jobs run side by side at most.
        public var concurrentJobs: Int
        /// Jobs started and decided here have their steps queued for workers (`kijko worker`, a
        /// shared store) instead of run in this process.
        public var enqueue: Bool

        public init(host: String = "127.0.0.1", port: Int = 8080, mediaRoots: [String] = [], concurrentJobs: Int = 2, enqueue: Bool = false) {
            self.enqueue = enqueue
            self.host = host
            self.port = port
            self.mediaRoots = mediaRoots.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
            self.concurrentJobs = concurrentJobs
        }
    }

    let jobs: JobsService
    let options: Options
    let hub = EventHub()
    let pool: JobPool
    let views: JobViewCache
    let people: PersonCache

    public init(jobs: JobsService, options: Options) throws {
        for root in options.mediaRoots {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &folder), folder.boolValue else {
                throw ServiceError("--media-root \(root): no such folder", usage: true)
            }
        }
        self.jobs = jobs
        self.options = options
        if options.enqueue { _ = try jobs.store.workers() }   // refused at once on a store that has no queue
        pool = JobPool(jobs: jobs, hub: hub, limit: options.concurrentJobs, enqueue: options.enqueue)
        views = JobViewCache(store: jobs.store)
        people = PersonCache(store: jobs.store)
    }

    /// Whether `host` is a loopback address (only this machine can reach the server).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Serves until SIGINT or SIGTERM; `onReady` hears the address once it listens.
    public func run(onReady: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let router = Router(context: ServerContext.self)
        router.add(middleware: Authenticator(people: people))
        addAPIRoutes(to: router)
        addArtefactRoutes(to: router)
        addPageRoutes(to: router)
        var logger = Logger(label: "kijko.serve")
        logger.logLevel = ProcessInfo.processInfo.environment["KIJKO_SERVER_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let host = options.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: options.port), serverName: "kijko"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onReady("http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
            },
            logger: logger)
        try await takeUpOrphans()
        let watcher = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                try? await takeUpOrphans(quiet: 5)
            }
        }
        defer { watcher.cancel() }
        try await app.runService()
        await pool.stop()
    }

    /// Runs the jobs that should be running and that no live process holds. (With `enqueue`,
    /// workers take up what their peers left.)
    func takeUpOrphans(quiet: Double = 0) async throws {
        if options.enqueue { return }
        for job in try jobs.store.orphanedJobs(quiet: quiet) { await pool.submit(job) }
    }
}
