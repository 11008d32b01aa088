import Foundation

/// A throwaway PostgreSQL cluster for tests, started once per test process: `initdb` in a temporary
/// folder (as the `postgres` user when the tests run as root, which PostgreSQL refuses), a free
/// port on loopback, trust authentication, stopped and removed when the process exits.
/// `KIJKO_TEST_POSTGRES` (a `postgres://` URL to a server of one's own) is used instead when set.
/// Each test takes a database of its own (`database()`), so tests run side by side.
public enum PostgresServer {
    /// The server's URL without a database (`postgres://postgres@127.0.0.1:PORT`), or why there is none.
    public static let base: Result<String, PostgresUnavailable> = start()

    /// Whether tests against PostgreSQL can run here.
    public static var available: Bool { (try? base.get()) != nil }

    /// A new, empty database on the server; its URL.
    public static func database(_ hint: String = "t") throws -> String {
        let base = try base.get()
        let name = "kijko_\(hint.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20))_\(UInt32.random(in: 0...UInt32.max))"
        let result = try Program.run("psql", [base + "/postgres", "-v", "ON_ERROR_STOP=1", "-qc", "CREATE DATABASE \(name)"])
        guard result.status == 0 else { throw PostgresUnavailable(why: "CREATE DATABASE \(name): \(result.stderr)") }
        return "\(base)/\(name)"
    }

    /// Runs SQL on `url` with psql and returns what it printed (unaligned, tuples only, `|` between columns).
    public static func query(_ url: String, _ sql: String) throws -> String {
        let result = try Program.run("psql", [url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql])
        guard result.status == 0 else { throw PostgresUnavailable(why: "psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    nonisolated(unsafe) private static var cluster: (bin: String, data: String, asPostgres: Bool)?

    private static func start() -> Result<String, PostgresUnavailable> {
        if let given = ProcessInfo.processInfo.environment["KIJKO_TEST_POSTGRES"], !given.isEmpty {
            return .success(given.hasSuffix("/") ? String(given.dropLast()) : given)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            return .failure(PostgresUnavailable(why: "no PostgreSQL server installed (scripts/test installs Debian's postgresql)"))
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("kijko-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let data = folder + "/data"
        let asPostgres = geteuid() == 0
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if asPostgres {
                guard let user = getpwnam("postgres") else { return .failure(PostgresUnavailable(why: "running as root and no postgres user to run the server as")) }
                chown(folder, user.pointee.pw_uid, user.pointee.pw_gid)
            }
            let port = freePort()
            func run(_ tool: String, _ arguments: [String]) throws -> ProgramResult {
                let output = folder + "/\(tool).out"
                let command = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", "\(bin)/\(tool)"] + arguments : ["\(bin)/\(tool)"] + arguments
                let status = spawn(command, output: output)
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                return ProgramResult(status: status, stdout: text, stderr: text)
            }
            let initdb = try run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
            guard initdb.status == 0 else { return .failure(PostgresUnavailable(why: "initdb: \(initdb.stderr)")) }
            // fsync off: a throwaway cluster that nobody pulls the plug on (commits still wait for the log write).
            let options = "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
            let started = try run("pg_ctl", ["-D", data, "-l", folder + "/log", "-w", "-o", options, "start"])
            guard started.status == 0 else { return .failure(PostgresUnavailable(why: "pg_ctl start: \(started.stderr)\(started.stdout)")) }
            cluster = (bin, data, asPostgres)
            // A watchdog stops the cluster once this process is gone, however it ended (atexit
            // below is the quick way; a test process killed, or ended without it, leaves this one).
            let stop = (asPostgres ? "/usr/sbin/runuser -u postgres -- " : "") + "\(bin)/pg_ctl -D \(data) -m immediate stop"
            spawn(["/bin/sh", "-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 2; done; \(stop) >/dev/null 2>&1; rm -rf \(folder)"],
                  output: "/dev/null", wait: false)
            atexit {
                guard let cluster = PostgresServer.cluster else { return }
                let stop = ["-D", cluster.data, "-m", "immediate", "stop"]
                let pgctl = "\(cluster.bin)/pg_ctl"
                _ = PostgresServer.spawn(cluster.asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", pgctl] + stop : [pgctl] + stop, output: "/dev/null")
                try? FileManager.default.removeItem(atPath: (cluster.data as NSString).deletingLastPathComponent)
            }
            return .success("postgres://postgres@127.0.0.1:\(port)")
        } catch {
            return .failure(PostgresUnavailable(why: "\(error)"))
        }
    }

    /// Runs `command` to its end with its output into the file `output`, and returns its exit
    /// status. (posix_spawn, not Foundation's Process: Process learns that its child ended from a
    /// socket the child inherits, and the server pg_ctl leaves running inherits it too.)
    @discardableResult
    static func spawn(_ command: [String], output: String, wait: Bool = true) -> Int32 {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, command[0], &actions, nil, arguments, environ) == 0 else { return -1 }
        if !wait { return 0 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A TCP port on loopback that nothing listens on now.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the tests' PostgreSQL server could not start.
public struct PostgresUnavailable: Error, CustomStringConvertible, Sendable {
    public let why: String
    public var description: String { why }
}
