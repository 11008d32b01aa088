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
                if level <= AV_LOG_ERROR, let avcl { MediaLog.noteDecoderError(avcl) }
                if level <= MediaLog.printLevel.load(ordering: .relaxed) {
                    FileHandle.standardError.write(Data((text + "\n").utf8))
                }
            }
        }
    }

    // MARK: - Errors per decoder

    /// Error-level messages per registered decoder (its token), e.g. H.264's "error while
    /// decoding MB": logged as the damage is met, whatever the threads, where a frame's
    /// `decode_error_flags` can lose the race with frame threading.
    private static let decoderErrors = Mutex<[Int: Int]>([:])
    private static let nextToken = Atomic<Int>(1)

    /// A token for a codec context's `opaque` (frame threads copy it to their own contexts).
    static func registerDecoder() -> Int {
        let token = nextToken.add(1, ordering: .relaxed).oldValue
        decoderErrors.withLock { $0[token] = 0 }
        return token
    }

    static func unregisterDecoder(_ token: Int) { _ = decoderErrors.withLock { $0.removeValue(forKey: token) } }

    /// Error messages logged so far by the decoder holding `token`.
    static func decoderErrorCount(_ token: Int) -> Int { decoderErrors.withLock { $0[token] ?? 0 } }

    private static func noteDecoderError(_ avcl: UnsafeMutableRawPointer) {
        guard avcl.assumingMemoryBound(to: UnsafePointer<AVClass>?.self).pointee == avcodec_get_class() else { return }
        let context = avcl.assumingMemoryBound(to: AVCodecContext.self)
        guard av_codec_is_decoder(context.pointee.codec) != 0, let opaque = context.pointee.opaque else { return }
        let token = Int(bitPattern: opaque)
        decoderErrors.withLock { counts in
            if let count = counts[token] { counts[token] = count + 1 }
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
