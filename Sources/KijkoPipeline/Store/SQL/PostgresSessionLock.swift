import Foundation
internal import PostgresNIO
internal import NIOCore

extension PostgresStoreDatabase {
    /// A session-level advisory lock, held on a connection of its own until ``release()`` — or
    /// until the process holding it dies: the server drops a closed session's locks. So whether
    /// it is held is seen the same from every machine on the store, unlike a pid.
    final class SessionLock: @unchecked Sendable {
        let name: String
        private let connection: PostgresConnection
        private let database: PostgresStoreDatabase
        private let released = NSLock()
        private var done = false

        init(name: String, connection: PostgresConnection, database: PostgresStoreDatabase) {
            (self.name, self.connection, self.database) = (name, connection, database)
        }

        /// Lets the lock go (once; later calls do nothing). The connection goes back to the pool,
        /// or is closed when the unlock failed (its session, and the lock, end with it).
        func release() {
            released.lock()
            defer { released.unlock() }
            guard !done else { return }
            done = true
            // A session the server ended has no lock left to let go (and may never answer).
            let unlocked = !connection.isClosed && PostgresStoreDatabase.answer(
                connection.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_unlock(\(PostgresStoreDatabase.lockKey))",
                                               binds: PostgresTransaction.bindings([name])), logger: database.logger),
                within: 10, on: connection.eventLoop) != nil
            database.release(connection, reuse: unlocked)
        }

        /// Whether the lock is still this process's: its session answers within 30 s (a session
        /// ended by a server restart, a dropped network or `pg_terminate_backend` took the lock
        /// with it). One round trip.
        func stillHeld() -> Bool {
            released.lock()
            defer { released.unlock() }
            guard !done, !connection.isClosed else { return false }
            return PostgresStoreDatabase.answer(connection.query(PostgresQuery(unsafeSQL: "SELECT 1"), logger: database.logger),
                                                within: 30, on: connection.eventLoop) != nil
        }

        deinit { release() }
    }

    /// What `future` gives within `seconds`; nil when it failed or did not come (a query sent on
    /// a connection the server has just ended may never be answered).
    static func answer<Value: Sendable>(_ future: EventLoopFuture<Value>, within seconds: Int64, on loop: any EventLoop) -> Value? {
        let promise = loop.makePromise(of: Value.self)
        let once = FirstTime()
        @Sendable func settle(_ result: Result<Value, any Error>) {
            if once.first() { promise.completeWith(result) }
        }
        let timer = loop.scheduleTask(in: .seconds(seconds)) { settle(.failure(ChannelError.ioOnClosedChannel)) }
        future.whenComplete { result in
            timer.cancel()
            settle(result)
        }
        return try? promise.futureResult.wait()
    }

    /// The advisory lock key of the name given as the statement's first argument.
    static let lockKey = "hashtextextended($1, 0)"

    /// Takes the advisory lock `name` for this process, without waiting; nil when another session
    /// holds it. The session probes its peer every 10 s after 30 s of quiet, so the server ends it
    /// (and lets the lock go) about a minute after the holder's machine vanished, not after the
    /// system's two hours.
    func tryLock(_ name: String) throws -> SessionLock? {
        let connection = try acquire()
        let got: Bool
        do {
            let result = try connection.query(PostgresQuery(unsafeSQL: """
                SELECT set_config('tcp_keepalives_idle', '30', false), set_config('tcp_keepalives_interval', '10', false),
                  set_config('tcp_keepalives_count', '3', false), CASE WHEN pg_try_advisory_lock(\(Self.lockKey)) THEN 1 ELSE 0 END AS got
                """, binds: PostgresTransaction.bindings([name])), logger: logger).wait()
            got = (try PostgresTransaction.rows(of: result).first?["got"] as Int?) == 1
        } catch {
            release(connection, reuse: false)
            throw PipelineError("\(location.redacted): cannot take the lock \(name) (\(Self.describe(error)))")
        }
        guard got else {
            release(connection, reuse: true)
            return nil
        }
        return SessionLock(name: name, connection: connection, database: self)
    }

    /// SQL for the keys of the advisory locks granted in this database now (one `BIGINT` column);
    /// compare with `hashtextextended(name, 0)`.
    static let grantedLockKeys = """
        SELECT (CAST(classid AS BIGINT) << 32) | CAST(objid AS BIGINT) FROM pg_locks
        WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """
}

/// True the first time it is asked only, from any thread.
private final class FirstTime: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func first() -> Bool {
        lock.withLock {
            defer { done = true }
            return !done
        }
    }
}
