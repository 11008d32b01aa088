import ArgumentParser
import Foundation
import KijkoCore
import KijkoMedia

/// How commands speak: data on stdout (JSON with sorted snake_case keys, or text), one error line
/// on stderr; progress on stderr — a bar on a terminal, a line per stage in a log.
enum Output {
    /// Sorted snake_case keys, pretty, slashes as they are.
    static var encoder: JSONEncoder { JSONCoding.encoder }

    static func json<T: Encodable>(_ value: T) throws {
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// One compact JSON object on one line of stdout (a log a program reads line by line), flushed.
    static func jsonLine<T: Encodable>(_ value: T) throws {
        var data = try JSONCoding.compact.encode(value)
        data.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(data)
    }

    /// Prints `error: …` as one line on stderr.
    static func fail(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    }

    /// Prints `warning: …` as one line on stderr.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// `count` and the noun, plural when it is not one: "1 error", "3 versions".
    static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String { English.count(count, noun, plural: plural) }
}

/// What every long command shares: `--json` and how much progress to show.
struct GlobalOptions: ParsableArguments {
    @Flag(help: "Machine-readable output (JSON) on stdout.") var json = false
    @Flag(name: .shortAndLong, help: "No progress on stderr: errors and warnings only.") var quiet = false

    /// Progress for a command labelled `label`.
    func progress(_ label: String) -> ProgressView { ProgressView(label: label, quiet: quiet) }
}

/// Draws a service's progress events on stderr: a one-line bar on a terminal; in a log (stderr
/// not a terminal) a line per stage started or finished and per note, with the time.
final class ProgressView: @unchecked Sendable {
    let label: String
    private let terminal: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var lastDrawn = -1
    private var lastDetail: String?

    init(label: String, quiet: Bool = false) {
        self.label = label
        self.quiet = quiet
        terminal = Output.stderrIsTerminal
    }

    /// The handler to give a service.
    var handler: ProgressHandler { { [self] event in self.show(event) } }

    /// Runs a service call with this view as its progress handler; the bar is cleared after,
    /// whether it returned or threw (so an error line starts on a clean line).
    func around<T>(_ call: (@escaping ProgressHandler) async throws -> T) async throws -> T {
        defer { finish() }
        return try await call(handler)
    }

    func show(_ event: ProgressEvent) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            switch event.kind {
            case .progress, .started:
                if let fraction = event.fraction {
                    draw(percent: Int((fraction * 100).rounded(.down)), detail: event.message ?? event.stage)
                } else {
                    // No fraction (a job's steps): the stage in words, no bar.
                    status("\(label): \(event.stage)" + (event.message.map { " — \($0)" } ?? ""))
                }
            case .note:
                status("\(label): \(event.stage): \(event.message ?? "")")
            case .finished:
                break
            }
        } else {
            // (Progress within a stage, every frame, gets no line in a log: return before the clock is read.)
            guard event.kind != .progress else { return }
            let time = Self.clock()
            switch event.kind {
            case .started: Self.line("\(time) \(label): \(event.stage)" + (event.message.map { " — \($0)" } ?? ""))
            case .finished: Self.line("\(time) \(label): \(event.stage) done" + (event.message.map { " (\($0))" } ?? ""))
            case .note, .progress: Self.line("\(time) \(label): \(event.stage): \(event.message ?? "")")
            }
        }
    }

    private func draw(percent: Int, detail: String?) {
        let percent = min(100, max(0, percent))
        guard percent != lastDrawn || detail != lastDetail else { return }
        lastDrawn = percent
        lastDetail = detail
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        overwrite("\(label) \(bar) \(percent)%" + (detail.map { " \($0)" } ?? ""))
    }

    /// A line of words in place of the bar.
    private func status(_ text: String) {
        overwrite(text)
        lastDrawn = max(lastDrawn, 0)
        lastDetail = nil
    }

    /// Replaces the terminal's current line with `text`, clipped to 160 characters.
    private func overwrite(_ text: String) {
        let line = text.count > 160 ? String(text.prefix(159)) + "…" : text
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    /// Frames `done` of `total` (a terminal's bar only; a log gets no line for it).
    func update(_ done: Int, of total: Int) {
        show(ProgressEvent(.progress, stage: "", fraction: Double(done) / Double(max(1, total)), frames: done, message: "(\(done)/\(total))"))
    }

    /// Clears the bar (terminal only).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard terminal, !quiet, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        lastDrawn = -1
    }

    private static func line(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    private static func clock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}

/// Runs a command body, turning errors into one stderr line and a non-zero exit.
func reportingErrors(_ body: () throws -> Void) throws {
    MediaLog.install(verbose: ProcessInfo.processInfo.environment["KIJKO_AV_LOG"] != nil)
    do {
        try body()
    } catch {
        throw exit(for: error)
    }
}

/// The async form, for commands that call a service: Ctrl-C cancels the service (it stops between
/// frames or steps and leaves nothing under a final name) instead of killing the process mid-write.
func interruptible(_ body: @escaping @Sendable () async throws -> Void) async throws {
    MediaLog.install(verbose: ProcessInfo.processInfo.environment["KIJKO_AV_LOG"] != nil)
    let task = Task { try await body() }
    signal(SIGINT, SIG_IGN)
    let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    interrupt.setEventHandler {
        FileHandle.standardError.write(Data("\r\u{1B}[2Kinterrupted: stopping (Ctrl-C again to quit at once)\n".utf8))
        signal(SIGINT, SIG_DFL)
        task.cancel()
    }
    interrupt.resume()
    defer { interrupt.cancel() }
    do {
        try await task.value
    } catch {
        throw exit(for: error)
    }
}

/// Prints `error` as its one line and gives the exit code to leave with.
private func exit(for error: Error) -> Error {
    switch error {
    case let error as ExitCode: return error
    case let error as CommandFailure:
        Output.fail(error.message)
        return ExitCode(error.code)
    case let error as ServiceError:
        Output.fail(error.message)
        return ExitCode(error.usage ? 64 : 1)
    case is CancellationError:
        Output.fail("interrupted: stopped before the end; nothing was left under a final name")
        return ExitCode(130)
    case let error as MediaError:
        Output.fail(error.description)
        return ExitCode.failure
    case let error as FileError:
        Output.fail(error.description)
        return ExitCode.failure
    case let error where FileError.isFileSystem(error):
        Output.fail(FileError(error).description)
        return ExitCode.failure
    default:
        Output.fail("\(error)")
        return ExitCode.failure
    }
}

/// A command's own failure: its one line and exit code.
struct CommandFailure: Error {
    let message: String
    var code: Int32 = 1
}

/// For a long-running command (a worker): `body` runs on a thread of its own with a flag that
/// Ctrl-C or SIGTERM sets — it finishes what it is doing and returns; a second signal quits at once.
func interruptibleWork(_ body: @escaping @Sendable (CancellationFlag) throws -> Void) async throws {
    MediaLog.install(verbose: ProcessInfo.processInfo.environment["KIJKO_AV_LOG"] != nil)
    let stop = CancellationFlag()
    var sources: [any DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            FileHandle.standardError.write(Data("stopping: the steps running finish first (again to quit at once)\n".utf8))
            signal(number, SIG_DFL)
            stop.cancel()
        }
        source.resume()
        sources.append(source)
    }
    defer { for source in sources { source.cancel() } }
    do {
        try await BlockingWork.run("kijko.worker") { _ in try body(stop) }
    } catch {
        throw exit(for: error)
    }
}
