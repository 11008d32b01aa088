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
            // A callback of our own receives every level (the level filters only libav's default
            // one); below warnings it keeps error resilience's line and drops the rest unformatted.
            av_log_set_level(AV_LOG_WARNING)
            av_log_set_callback { avcl, level, format, args in
                guard let format, let args else { return }
                guard level <= AV_LOG_WARNING else {
                    if level == AV_LOG_INFO, let avcl, strncmp(format, MediaLog.concealmentLine, MediaLog.concealmentLine.utf8.count) == 0 {
                        MediaLog.noteDecoder(avcl) { $0.concealments += 1 }
                    }
                    return
                }
                var line = [CChar](repeating: 0, count: 1024)
                var prefix: Int32 = 0  // message only, no "[mov @ 0x…]"
                av_log_format_line2(avcl, level, format, args, &line, Int32(line.count), &prefix)
                let text = string(fromNulTerminated: line).trimmingCharacters(in: .whitespacesAndNewlines)
                if level <= AV_LOG_ERROR, !text.isEmpty { MediaLog.lastError.withLock { $0 = text } }
                if level <= AV_LOG_ERROR, let avcl { MediaLog.noteDecoder(avcl) { $0.errors += 1 } }
                if level <= MediaLog.printLevel.load(ordering: .relaxed) {
                    FileHandle.standardError.write(Data((text + "\n").utf8))
                }
            }
        }
    }

    // MARK: - Damage per decoder

    /// What one decoder has logged of the damage it met.
    struct DecoderDamage {
        /// Error-level messages, e.g. H.264's "error while decoding MB".
        var errors = 0
        /// Pictures error resilience concealed: its "concealing N DC, N AC, N MV errors" line,
        /// logged at info level with the picture's `FF_DECODE_ERROR_CONCEALMENT_ACTIVE` flag.
        var concealments = 0
    }

    /// The start of error resilience's line (libavcodec/error_resilience.c, `ff_er_frame_end`).
    private static let concealmentLine = "concealing "

    /// Per registered decoder (its token): logged as the damage is met, whatever the threads,
    /// where a frame's `decode_error_flags` can lose the race with frame threading (the flag is
    /// set on a picture another thread may already have handed out).
    private static let decoderDamage = Mutex<[Int: DecoderDamage]>([:])
    private static let nextToken = Atomic<Int>(1)

    /// A token for a codec context's `opaque` (frame threads copy it to their own contexts).
    static func registerDecoder() -> Int {
        let token = nextToken.add(1, ordering: .relaxed).oldValue
        decoderDamage.withLock { $0[token] = DecoderDamage() }
        return token
    }

    static func unregisterDecoder(_ token: Int) { _ = decoderDamage.withLock { $0.removeValue(forKey: token) } }

    /// What the decoder holding `token` has logged so far.
    static func damage(_ token: Int) -> DecoderDamage { decoderDamage.withLock { $0[token] ?? DecoderDamage() } }

    private static func noteDecoder(_ avcl: UnsafeMutableRawPointer, _ change: (inout DecoderDamage) -> Void) {
        guard avcl.assumingMemoryBound(to: UnsafePointer<AVClass>?.self).pointee == avcodec_get_class() else { return }
        let context = avcl.assumingMemoryBound(to: AVCodecContext.self)
        guard av_codec_is_decoder(context.pointee.codec) != 0, let opaque = context.pointee.opaque else { return }
        let token = Int(bitPattern: opaque)
        decoderDamage.withLock { all in
            if var damage = all[token] {
                change(&damage)
                all[token] = damage
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
