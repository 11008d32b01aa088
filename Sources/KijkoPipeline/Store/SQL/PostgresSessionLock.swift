import Foundation
internal import PostgresNIO

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
            let unlocked = (try? connection.query(PostgresQuery(unsafeSQL: "SELECT pg_advisory_unlock(\(PostgresStoreDatabase.lockKey))",
                                                                binds: PostgresTransaction.bindings([name])), logger: database.logger).wait()) != nil
            database.release(connection, reuse: unlocked)
        }

        deinit { release() }
    }

    /// The advisory lock key of the name given as the statement's first argument.
    static let lockKey = "hashtextextended($1, 0)"

    /// Takes the advisory lock `name` for this process, without waiting; nil when another session
    /// holds it.
    func tryLock(_ name: String) throws -> SessionLock? {
        let connection = try acquire()
        let got: Bool
        do {
            let result = try connection.query(PostgresQuery(unsafeSQL: "SELECT CASE WHEN pg_try_advisory_lock(\(Self.lockKey)) THEN 1 ELSE 0 END AS got",
                                                            binds: PostgresTransaction.bindings([name])), logger: logger).wait()
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
