internal import CFFmpeg
import Foundation

/// An open media file: container headers read, packets on demand. Codecs stay closed.
///
///     let input = try Demuxer(path: "master.mp4")
///     let packet = try Packet()
///     while try input.read(into: packet) { … }
///
/// Owns its `AVFormatContext`; use it on one thread at a time.
public final class Demuxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    /// The path as given.
    public let path: String

    /// Opens `path` and reads stream information.
    ///
    /// - Throws: ``MediaError`` at stage `.open` (missing, a directory, empty, not media) or `.probe`.
    public init(path: String) throws(MediaError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError(file: path, stage: .open, reason: "no such file")
        }
        if isDirectory.boolValue { throw MediaError(file: path, stage: .open, reason: "is a directory, not a media file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MediaError(file: path, stage: .open, reason: "permission denied")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw MediaError(file: path, stage: .open, reason: "file is empty") }

        MediaLog.install()
        MediaLog.clear()
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        // avformat_open_input frees the context on failure: nothing to close.
        let rc = avformat_open_input(&ctx, path, nil, nil)
        guard rc >= 0, let opened = ctx else {
            throw MediaError(file: path, stage: .open, code: rc, reason: Self.explain(rc))
        }
        // Until `context` is set, deinit does not run: close by hand on failure.
        let info = avformat_find_stream_info(opened, nil)
        if info < 0 || opened.pointee.nb_streams == 0 {
            var c: UnsafeMutablePointer<AVFormatContext>? = opened
            avformat_close_input(&c)
            if info < 0 { throw MediaError(file: path, stage: .probe, code: info, reason: Self.explain(info)) }
            throw MediaError(file: path, stage: .probe, reason: "no audio or video streams")
        }
        context = opened
    }

    deinit {
        var c: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&c)
    }

    private static func explain(_ rc: Int32) -> String {
        let base = avErrorText(rc)
        if let said = MediaLog.takeLastError(), !said.isEmpty, said != base { return "\(base): \(said)" }
        return base
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    /// Index of the best stream of `type` (libav's choice: the default or largest), or nil.
    public func bestStream(_ type: MediaType) -> Int? {
        let i = av_find_best_stream(context, type.av, -1, -1, nil, 0)
        return i >= 0 ? Int(i) : nil
    }

    /// Reads the next packet of any stream into `packet`. Returns false at the end of the file.
    ///
    /// - Throws: ``MediaError`` at stage `.demux` on damaged data.
    public func read(into packet: Packet) throws(MediaError) -> Bool {
        packet.unref()
        let rc = av_read_frame(context, packet.pointer)
        if rc == averrorEOF { return false }
        try check(rc, path, .demux)
        return true
    }

    /// Seeks `stream` to the keyframe at or before `timestamp` (in the stream's time base).
    public func seek(stream: Int, toKeyframeBefore timestamp: Int64) throws(MediaError) {
        try check(av_seek_frame(context, Int32(stream), timestamp, AVSEEK_FLAG_BACKWARD), path, .seek)
    }

    /// Checks that the sample index of each stream lies inside the file: a file cut short after its
    /// header (a truncated "faststart" mp4) opens fine but points past its own end.
    ///
    /// - Throws: ``MediaError`` at stage `.probe` naming how many bytes are missing.
    public func verifyIndexWithinFile() throws(MediaError) {
        guard let io = context.pointee.pb else { return }
        let fileSize = avio_size(io)
        guard fileSize > 0 else { return }
        var furthest: Int64 = 0
        for i in 0..<streamCount {
            let st = stream(i)
            let count = avformat_index_get_entries_count(st)
            guard count > 0, let last = avformat_index_get_entry(st, count - 1) else { continue }
            furthest = max(furthest, last.pointee.pos + Int64(last.pointee.size))
        }
        if furthest > fileSize {
            throw MediaError(file: path, stage: .probe,
                             reason: "truncated: the index needs \(furthest) bytes but the file has \(fileSize)")
        }
    }
}

/// The kind of an elementary stream.
public enum MediaType: String, Codable, Sendable {
    case video, audio, subtitle, data, attachment, unknown

    init(_ av: AVMediaType) {
        switch av {
        case AVMEDIA_TYPE_VIDEO: self = .video
        case AVMEDIA_TYPE_AUDIO: self = .audio
        case AVMEDIA_TYPE_SUBTITLE: self = .subtitle
        case AVMEDIA_TYPE_DATA: self = .data
        case AVMEDIA_TYPE_ATTACHMENT: self = .attachment
        default: self = .unknown
        }
    }

    var av: AVMediaType {
        switch self {
        case .video: AVMEDIA_TYPE_VIDEO
        case .audio: AVMEDIA_TYPE_AUDIO
        case .subtitle: AVMEDIA_TYPE_SUBTITLE
        case .data: AVMEDIA_TYPE_DATA
        case .attachment: AVMEDIA_TYPE_ATTACHMENT
        case .unknown: AVMEDIA_TYPE_UNKNOWN
        }
    }
}
