internal import CFFmpeg

/// Encodes frames of one format into packets for a ``Muxer``.
///
///     let video = try Encoder(settings, format: graph.outputFormat()!, for: muxer)
///     try video.send(frame)            // nil to drain
///     while try video.receive(into: packet) { try muxer.write(packet, from: video) }
///
/// Owns its `AVCodecContext`; one thread at a time.
public final class Encoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let file: String
    /// The muxer stream this encoder feeds, set by ``Muxer/addStream(for:)``.
    public internal(set) var streamIndex: Int = -1

    /// Opens the encoder for frames of `format`.
    ///
    /// - Parameter muxer: the container it will feed (decides global headers).
    /// - Throws: ``MediaError`` at stage `.encode` for an unknown encoder or rejected settings.
    public init(_ settings: EncoderSettings, format: FilterInputFormat, for muxer: Muxer?) throws(MediaError) {
        file = muxer?.path ?? settings.codec
        guard let codec = avcodec_find_encoder_by_name(settings.codec) else {
            throw MediaError(file: file, stage: .encode, reason: "no encoder named \(settings.codec)")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { throw .outOfMemory(.encode, file) }
        context = ctx
        switch format {
        case let .video(w, h, pix, tb, sar, rate):
            ctx.pointee.width = Int32(w)
            ctx.pointee.height = Int32(h)
            ctx.pointee.pix_fmt = (settings.pixelFormat ?? pix).av
            ctx.pointee.time_base = tb.av
            ctx.pointee.sample_aspect_ratio = sar.av
            if let rate { ctx.pointee.framerate = rate.av }
            if let gop = settings.gopSize { ctx.pointee.gop_size = Int32(clamping: gop) }
            if let b = settings.maxBFrames { ctx.pointee.max_b_frames = Int32(b) }
            settings.colour?.apply(to: ctx)
        case let .audio(rate, fmt, layout, _):
            ctx.pointee.sample_rate = Int32(rate)
            ctx.pointee.sample_fmt = av_get_sample_fmt(fmt)
            ctx.pointee.time_base = AVRational(num: 1, den: Int32(rate))
            try check(av_channel_layout_from_string(&ctx.pointee.ch_layout, layout), file, .configure)
        }
        if let rate = settings.bitRate { ctx.pointee.bit_rate = Int64(rate) }
        if let rate = settings.maxRate { ctx.pointee.rc_max_rate = Int64(rate) }
        if let size = settings.bufferSize { ctx.pointee.rc_buffer_size = Int32(clamping: size) }
        ctx.pointee.thread_count = Int32(settings.threads)
        if muxer?.needsGlobalHeader == true { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }

        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        let given = settings.codec.hasPrefix("libx264") ? X264Determinism.options(settings.options) : settings.options
        for (key, value) in given { av_dict_set(&options, key, value, 0) }
        MediaLog.clear()
        let rc = avcodec_open2(ctx, codec, &options)
        if rc < 0 {
            var reason = avErrorText(rc)
            if let said = MediaLog.takeLastError() { reason += ": \(said)" }
            throw MediaError(file: file, stage: .encode, code: rc, reason: "\(settings.codec): \(reason)")
        }
        if let unused = av_dict_get(options, "", nil, AV_DICT_IGNORE_SUFFIX) {
            throw MediaError(file: file, stage: .configure,
                             reason: "\(settings.codec) has no option \(String(cString: unused.pointee.key))")
        }
    }

    deinit {
        var c: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&c)
    }

    /// Samples per frame the encoder requires (AAC: 1024), or nil when any size is accepted.
    public var frameSize: Int? {
        let size = Int(context.pointee.frame_size)
        let variable = context.pointee.codec.pointee.capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE != 0
        return size > 0 && !variable ? size : nil
    }

    /// The encoder's time base: frame timestamps must be in it.
    public var timeBase: Rational { Rational(context.pointee.time_base) }

    /// Sends one frame (its pts in ``timeBase``); nil drains the encoder.
    public func send(_ frame: Frame?) throws(MediaError) {
        if let frame {
            // A decoded frame keeps its source picture type; clear it so the encoder keeps its own GOP.
            frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        }
        let rc = avcodec_send_frame(context, frame?.pointer)
        if rc == averrorEOF { return }
        try check(rc, file, .encode)
    }

    /// Receives the next packet; false when the encoder needs more frames or is drained.
    public func receive(into packet: Packet) throws(MediaError) -> Bool {
        packet.unref()
        let rc = avcodec_receive_packet(context, packet.pointer)
        if rc == averrorAgain || rc == averrorEOF { return false }
        try check(rc, file, .encode)
        return true
    }
}
