import ArgumentParser
import Foundation
import KijkoMedia

/// How commands speak: data on stdout (JSON with sorted snake_case keys, or text), one error line
/// on stderr, progress on stderr only when it is a terminal.
enum Output {
    /// Sorted snake_case keys, pretty, slashes as they are.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    static func json<T: Encodable>(_ value: T) throws {
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Prints `error: …` as one line on stderr.
    static func fail(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// A passing word on a terminal's stderr (erased by the next line drawn); nothing when piped.
    static func status(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(message)".utf8))
    }
}

/// A one-line progress bar on stderr, drawn only on a terminal.
final class ProgressBar {
    let total: Int
    let label: String
    private let enabled: Bool
    private var lastDrawn = -1
    private var lastDetail: String?

    init(total: Int, label: String, quiet: Bool = false) {
        self.total = max(total, 1)
        self.label = label
        enabled = !quiet && Output.stderrIsTerminal
    }

    /// Redraws at `done` of the total, with an optional detail after the bar (clipped to the
    /// terminal line).
    func update(_ done: Int, detail: String? = nil) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn || detail != lastDetail else { return }
        lastDrawn = percent
        lastDetail = detail
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var line = detail.map { "\(label) \(bar) \(percent)% \($0)" } ?? "\(label) \(bar) \(percent)% (\(done)/\(total))"
        if line.count > 160 { line = String(line.prefix(159)) + "…" }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// Runs a command body, turning errors into one stderr line and a non-zero exit.
func reportingErrors(_ body: () throws -> Void) throws {
    MediaLog.install(verbose: ProcessInfo.processInfo.environment["KIJKO_AV_LOG"] != nil)
    do {
        try body()
    } catch let error as MediaError {
        Output.fail(error.description)
        throw ExitCode.failure
    } catch let error as ExitCode {
        throw error
    } catch let error as CommandFailure {
        Output.fail(error.message)
        throw ExitCode(error.code)
    } catch {
        Output.fail("\(error)")
        throw ExitCode.failure
    }
}

/// A command's own failure: its one line and exit code.
struct CommandFailure: Error {
    let message: String
    var code: Int32 = 1
}
