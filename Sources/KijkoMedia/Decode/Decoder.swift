internal import CFFmpeg

/// Decodes one stream of a ``Demuxer``, with libav's frame and slice threading on.
///
///     let decoder = try Decoder(input, stream: input.bestStream(.video)!)
///     try decoder.send(packet)
///     while try decoder.receive(into: frame) { … }
///
/// Owns its `AVCodecContext`; use it on one thread at a time.
public final class Decoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    /// The stream this decoder reads.
    public let streamIndex: Int
    /// The stream's time base: frame timestamps are in it.
    public let timeBase: Rational
    let file: String

    /// Opens a decoder for `stream` of `input`.
    ///
    /// - Parameter threads: 0 lets libav choose (one per core).
    /// - Throws: ``MediaError`` at stage `.decode` when no decoder exists or it will not open.
    /// - Parameter fast: for analysis only — skips the deblocking filter and takes libav's fast
    ///   paths (pictures are slightly rougher; cut and saliency measures do not notice).
    /// - Parameter quantisers: export each picture's quantisers (``Frame/meanH264Quantiser``).
    public init(_ input: Demuxer, stream: Int, threads: Int = 0, fast: Bool = false, quantisers: Bool = false) throws(MediaError) {
        let st = input.stream(stream)
        let par = st.pointee.codecpar!
        file = input.path
        streamIndex = stream
        timeBase = Rational(st.pointee.time_base)
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            let name = avcodec_get_name(par.pointee.codec_id).map { String(cString: $0) } ?? "unknown"
            throw MediaError(file: input.path, stage: .decode, reason: "no decoder for codec \(name)")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { throw .outOfMemory(.decode, input.path) }
        context = ctx
        try check(avcodec_parameters_to_context(ctx, par), file, .decode)
        ctx.pointee.pkt_timebase = st.pointee.time_base
        ctx.pointee.thread_count = Int32(threads)
        ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        if par.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            ctx.pointee.framerate = av_guess_frame_rate(input.context, st, nil)
        }
        if fast {
            ctx.pointee.skip_loop_filter = AVDISCARD_ALL
            ctx.pointee.flags2 |= AV_CODEC_FLAG2_FAST
        }
        ctx.pointee.opaque = UnsafeMutableRawPointer(bitPattern: errorToken)
        if quantisers { ctx.pointee.export_side_data |= AV_CODEC_EXPORT_DATA_VIDEO_ENC_PARAMS }
        try check(avcodec_open2(ctx, codec, nil), file, .decode)
    }

    /// This decoder's key in ``MediaLog``'s error counts.
    private let errorToken = MediaLog.registerDecoder()

    /// Error-level messages the codec has logged so far (damage met while decoding, counted as it
    /// is met on any thread; a frame's own error flags can miss it under frame threading).
    public var loggedErrors: Int { MediaLog.damage(errorToken).errors }

    /// Pictures whose damage error resilience has concealed so far, by its log line (counted on
    /// any thread; under frame threading a picture's own flag may be set after it was handed out).
    public var loggedConcealments: Int { MediaLog.damage(errorToken).concealments }

    deinit {
        MediaLog.unregisterDecoder(errorToken)
        var c: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&c)
    }

    /// Feeds one packet; nil signals the end of the stream (drain).
    /// Returns false when the decoder is full and frames must be received first.
    @discardableResult
    public func send(_ packet: Packet?) throws(MediaError) -> Bool {
        let rc = avcodec_send_packet(context, packet?.pointer)
        if rc == averrorAgain { return false }
        if rc == averrorEOF { return true }  // already draining
        try check(rc, file, .decode)
        return true
    }

    /// Receives the next decoded frame into `frame`; false when more input is needed or at the end.
    public func receive(into frame: Frame) throws(MediaError) -> Bool {
        frame.unref()
        let rc = avcodec_receive_frame(context, frame.pointer)
        if rc == averrorAgain || rc == averrorEOF { return false }
        try check(rc, file, .decode)
        return true
    }

    /// Discards buffered frames (after a seek).
    public func flush() { avcodec_flush_buffers(context) }

    public var width: Int { Int(context.pointee.width) }
    public var height: Int { Int(context.pointee.height) }
    public var pixelFormat: PixelFormat { PixelFormat(rawValue: context.pointee.pix_fmt.rawValue) }
    public var sampleAspectRatio: Rational { Rational(context.pointee.sample_aspect_ratio) }
    public var frameRate: Rational { Rational(context.pointee.framerate) }
    public var sampleRate: Int { Int(context.pointee.sample_rate) }
    public var channelCount: Int { Int(context.pointee.ch_layout.nb_channels) }
}
