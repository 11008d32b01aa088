internal import CFFmpeg
import Foundation

/// Writes encoded streams into a container (mp4/mov with faststart, mkv, …), atomically: the file
/// is written beside `path` under a temporary name and renamed by ``finish()``. A muxer dropped
/// before `finish` removes its partial file.
public final class Muxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    /// The final path.
    public let path: String
    /// Where bytes go until ``finish()``.
    public let temporaryPath: String
    private var encoders: [Int: Rational] = [:]
    private var started = false
    private var finished = false

    /// Prepares a container for `path`; the format follows the extension unless `format` is given.
    ///
    /// - Throws: ``MediaError`` at stage `.mux` for an unknown format or an unwritable folder.
    public init(path: String, format: String? = nil) throws(MediaError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).partial-\(UInt32.random(in: 0...UInt32.max)).\(url.pathExtension)").path
        guard let oformat = av_guess_format(format, path, nil) else {
            throw MediaError(file: path, stage: .mux, reason: "no container format for .\(url.pathExtension)")
        }
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&ctx, oformat, nil, temporaryPath), path, .mux)
        // Until `context` is set, deinit does not run: free by hand on failure.
        if oformat.pointee.flags & AVFMT_NOFILE == 0 {
            let rc = avio_open(&ctx!.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
            if rc < 0 {
                avformat_free_context(ctx)
                throw MediaError(file: path, stage: .write, code: rc, reason: avErrorText(rc))
            }
        }
        context = ctx!
    }

    deinit {
        if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if !finished { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }

    /// Removes partial files a killed run left for `path` (`.NAME.partial-*.EXT` beside it).
    /// Returns how many were removed.
    @discardableResult
    public static func removeStalePartials(for path: String) -> Int {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let prefix = ".\(url.deletingPathExtension().lastPathComponent).partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".\(url.pathExtension)") {
            if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }

    /// The container wants codec headers out of band (mp4, mov, mkv).
    var needsGlobalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// libav's name of the container format, e.g. `mp4`.
    public var formatName: String { String(cString: context.pointee.oformat.pointee.name) }

    /// Adds a stream carrying `encoder`'s packets; returns its index.
    @discardableResult
    ///
    /// - Parameter rotation: display-matrix rotation to record, degrees counter-clockwise.
    public func addStream(for encoder: Encoder, metadata: [String: String] = [:],
                          rotation: Int? = nil) throws(MediaError) -> Int {
        guard let st = avformat_new_stream(context, nil) else { throw .outOfMemory(.mux, path) }
        try check(avcodec_parameters_from_context(st.pointee.codecpar, encoder.context), path, .mux)
        st.pointee.time_base = encoder.context.pointee.time_base
        if encoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            st.pointee.avg_frame_rate = encoder.context.pointee.framerate
            st.pointee.sample_aspect_ratio = encoder.context.pointee.sample_aspect_ratio
        }
        for (key, value) in metadata { av_dict_set(&st.pointee.metadata, key, value, 0) }
        if let rotation {
            let size = 9 * MemoryLayout<Int32>.size
            guard let data = av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, size) else {
                throw .outOfMemory(.mux, path)
            }
            // av_display_rotation_set turns the other way from what av_display_rotation_get reports.
            data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_set($0, Double(-rotation)) }
        }
        encoder.streamIndex = Int(st.pointee.index)
        encoders[encoder.streamIndex] = encoder.timeBase
        return encoder.streamIndex
    }

    /// Sets a container-level tag (e.g. `timecode`, `title`). Call before ``start()``.
    public func setMetadata(_ key: String, _ value: String) {
        av_dict_set(&context.pointee.metadata, key, value, 0)
    }

    /// Writes the header. mp4/mov get `+faststart` (index first, for streaming); `options` are the
    /// container's own (`loop` for gif and webp), as the CLI's output options.
    public func start(options given: [String: String] = [:]) throws(MediaError) {
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        for (key, value) in given { av_dict_set(&options, key, value, 0) }
        let name = formatName
        if name == "mp4" || name == "mov" { av_dict_set(&options, "movflags", "+faststart", 0) }
        try check(avformat_write_header(context, &options), path, .mux)
        started = true
    }

    /// Writes one packet from `encoder`, rescaling its timestamps to the stream's time base.
    public func write(_ packet: Packet, from encoder: Encoder) throws(MediaError) {
        let st = context.pointee.streams[encoder.streamIndex]!
        packet.pointer.pointee.stream_index = Int32(encoder.streamIndex)
        av_packet_rescale_ts(packet.pointer, encoder.timeBase.av, st.pointee.time_base)
        try check(av_interleaved_write_frame(context, packet.pointer), path, .write)
    }

    /// Drains `encoder` into the file (call after sending its last frame).
    public func drain(_ encoder: Encoder, packet: Packet) throws(MediaError) {
        try encoder.send(nil)
        while try encoder.receive(into: packet) { try write(packet, from: encoder) }
    }

    /// Writes the trailer, closes the file and renames it to ``path``.
    public func finish() throws(MediaError) {
        guard started else { throw MediaError(file: path, stage: .mux, reason: "finish before start") }
        try check(av_write_trailer(context), path, .mux)
        if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
        if rename(temporaryPath, path) != 0 {
            throw MediaError(file: path, stage: .write, reason: String(cString: strerror(errno)))
        }
        finished = true
    }
}
