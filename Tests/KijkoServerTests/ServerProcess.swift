import Foundation
import KijkoTestSupport

/// A `kijko serve` the test starts on a free port over a store of its own, with an admin, a
/// Creative Director and a client already added.
final class ServerProcess {
    let folder: String
    let db: String
    let media: String
    var url = ""
    private var process: Process?
    private(set) var tokens: [String: String] = [:]
    var probe: HTTPProbe { HTTPProbe(url: url) }

    init() throws {
        folder = NSTemporaryDirectory() + "kijko-serve-" + UUID().uuidString
        db = folder + "/studio.sqlite"
        media = folder + "/media"
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        for (name, role) in [("ada", "admin"), ("cleo", "creative_director"), ("carl", "client"), ("pam", "producer")] {
            let added = try Program.run(Program.kijko, ["users", "add", name, "--role", role, "--db", db, "--json"])
            guard added.status == 0, let json = try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any],
                  let token = json["token"] as? String else { throw ProbeError("users add: \(added.stderr)") }
            tokens[name] = token
        }
    }

    /// Starts the server and waits for its address.
    func start(environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Program.kijko)
        process.arguments = ["serve", "--port", "0", "--db", db, "--media-root", media, "--json"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { throw ProbeError("kijko serve ended before it listened") }
            line.append(byte)
        }
        guard let json = try JSONSerialization.jsonObject(with: line) as? [String: Any], let url = json["url"] as? String else {
            throw ProbeError("kijko serve said \(String(decoding: line, as: UTF8.self))")
        }
        self.url = url
    }

    /// SIGKILL: nothing of the server's runs after.
    func kill9() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    var isRunning: Bool { process?.isRunning == true }

    func stop() {
        guard let process else { return }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Looks at `check` until it gives a value (the server works in the background); nil after
    /// `attempts` looks a quarter-second apart.
    func eventually<T>(_ attempts: Int = 240, _ check: () throws -> T?) rethrows -> T? {
        for _ in 0..<attempts {
            if let value = try check() { return value }
            usleep(250_000)
        }
        return nil
    }
}
