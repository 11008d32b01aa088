internal import CFFmpeg

/// An error from the media layer: which file, which stage, and libav's own words.
///
/// `description` is one line, suitable for `error: …` on stderr:
/// `clip.mp4: open failed (Invalid data found when processing input)`.
public struct MediaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where in the work the failure happened.
    public enum Stage: String, Sendable {
        case open, probe, demux, seek, decode, filter, encode, mux, write, allocate, configure
    }

    /// The file (or graph description) being worked on.
    public let file: String
    public let stage: Stage
    /// libav's error code (negative AVERROR), or 0 when the error is Kijko's own.
    public let code: Int32
    /// `av_strerror`'s text, or Kijko's explanation.
    public let reason: String

    public init(file: String, stage: Stage, code: Int32 = 0, reason: String) {
        self.file = file
        self.stage = stage
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(file): \(stage.rawValue) failed (\(reason))" }

    static func outOfMemory(_ stage: Stage, _ file: String = "") -> MediaError {
        MediaError(file: file, stage: stage, code: kijko_averror_enomem(), reason: "out of memory")
    }
}

/// libav's text for an error code.
func avErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE))
    av_strerror(code, &buffer, buffer.count)
    return string(fromNulTerminated: buffer)
}

/// A Swift string from a NUL-terminated C buffer.
func string(fromNulTerminated buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Throws a ``MediaError`` when a libav return code is negative; returns it otherwise.
@discardableResult
func check(_ rc: Int32, _ file: String, _ stage: MediaError.Stage) throws(MediaError) -> Int32 {
    if rc < 0 { throw MediaError(file: file, stage: stage, code: rc, reason: avErrorText(rc)) }
    return rc
}

/// `AVERROR(EAGAIN)` and `AVERROR_EOF` are flow control, not failures.
let averrorAgain = kijko_averror_eagain()
let averrorEOF = kijko_averror_eof()
let noPTS = kijko_nopts()
