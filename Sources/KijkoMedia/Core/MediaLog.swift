internal import CFFmpeg
import Foundation
import Synchronization

/// Routes libav's log: quiet on stderr unless asked, but the last error line is kept so that a
/// ``MediaError`` can say what the demuxer or codec actually complained about.
public enum MediaLog {
    private static let lastError = Mutex<String?>(nil)
    private static let printLevel = Atomic<Int32>(AV_LOG_QUIET)
    private static let installed = Mutex<Bool>(false)

    /// Installs the log hook once. `verbose` prints libav's messages (warnings and worse) to stderr.
    public static func install(verbose: Bool = false) {
        printLevel.store(verbose ? AV_LOG_WARNING : AV_LOG_QUIET, ordering: .relaxed)
        installed.withLock { done in
            guard !done else { return }
            done = true
            av_log_set_level(AV_LOG_WARNING)
            av_log_set_callback { avcl, level, format, args in
                guard level <= AV_LOG_WARNING, let format, let args else { return }
                var line = [CChar](repeating: 0, count: 1024)
                var prefix: Int32 = 0  // message only, no "[mov @ 0x…]"
                av_log_format_line2(avcl, level, format, args, &line, Int32(line.count), &prefix)
                let text = string(fromNulTerminated: line).trimmingCharacters(in: .whitespacesAndNewlines)
                if level <= AV_LOG_ERROR, !text.isEmpty { MediaLog.lastError.withLock { $0 = text } }
                if level <= MediaLog.printLevel.load(ordering: .relaxed) {
                    FileHandle.standardError.write(Data((text + "\n").utf8))
                }
            }
        }
    }

    /// Takes (and clears) the last error-level line libav logged.
    static func takeLastError() -> String? {
        lastError.withLock { value in
            defer { value = nil }
            return value
        }
    }

    static func clear() { lastError.withLock { $0 = nil } }
}
