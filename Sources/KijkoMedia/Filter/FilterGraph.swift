internal import CFFmpeg

/// The format of frames entering a filter graph through one buffer source.
public enum FilterInputFormat: Sendable {
    case video(width: Int, height: Int, pixelFormat: PixelFormat, timeBase: Rational,
               sampleAspectRatio: Rational = Rational(1, 1), frameRate: Rational? = nil)
    case audio(sampleRate: Int, sampleFormat: String, channelLayout: String, timeBase: Rational)

    /// The format of frames from `decoder`.
    public static func of(_ decoder: Decoder) -> FilterInputFormat {
        let ctx = decoder.context
        if ctx.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
            return .audio(sampleRate: decoder.sampleRate,
                          sampleFormat: av_get_sample_fmt_name(ctx.pointee.sample_fmt).map { String(cString: $0) } ?? "fltp",
                          channelLayout: channelLayoutName(&ctx.pointee.ch_layout) ?? defaultChannelLayoutName(channels: decoder.channelCount), timeBase: decoder.timeBase)
        }
        let sar = decoder.sampleAspectRatio
        return .video(width: decoder.width, height: decoder.height, pixelFormat: decoder.pixelFormat,
                      timeBase: decoder.timeBase, sampleAspectRatio: sar.num > 0 ? sar : Rational(1, 1),
                      frameRate: decoder.frameRate.num > 0 ? decoder.frameRate : nil)
    }

    var arguments: String {
        switch self {
        case let .video(w, h, pix, tb, sar, rate):
            var args = "video_size=\(w)x\(h):pix_fmt=\(pix.rawValue):time_base=\(tb):pixel_aspect=\(sar)"
            if let rate { args += ":frame_rate=\(rate)" }
            return args
        case let .audio(rate, fmt, layout, tb):
            return "sample_rate=\(rate):sample_fmt=\(fmt):channel_layout=\(layout):time_base=\(tb)"
        }
    }

    var isVideo: Bool { if case .video = self { true } else { false } }
}

/// A libavfilter graph built from a description, with named buffer sources and sinks.
///
/// Labels in the description connect to the inputs and outputs by name:
///
///     let graph = try FilterGraph("[in]split=2[a][b];[a]scale=640:-2[small];[b]hflip[flipped]",
///                                 inputs: ["in": .of(decoder)],
///                                 outputs: ["small": .video, "flipped": .video])
///
/// A graph with no inputs is a generator (`testsrc2=size=1280x720:rate=25`); an unlabelled
/// output is called `out`, an unlabelled input `in`. Owns its `AVFilterGraph`; one thread at a time.
public final class FilterGraph {
    let graph: UnsafeMutablePointer<AVFilterGraph>
    private var sources: [String: UnsafeMutablePointer<AVFilterContext>] = [:]
    private var sinks: [String: UnsafeMutablePointer<AVFilterContext>] = [:]
    /// The description, for error messages.
    public let description: String

    /// The kind of frames an output yields.
    public enum OutputKind: Sendable { case video, audio }

    /// Builds and configures the graph.
    ///
    /// - Parameter audioFrameSize: for audio outputs, the exact samples per frame an encoder wants.
    /// - Throws: ``MediaError`` at stage `.filter` naming the description and libav's complaint.
    public init(_ description: String, inputs: [String: FilterInputFormat] = [:],
                outputs: [String: OutputKind] = ["out": .video], audioFrameSize: [String: Int] = [:],
                threads: Int = 0) throws(MediaError) {
        self.description = description
        MediaLog.install()
        guard let g = avfilter_graph_alloc() else { throw .outOfMemory(.filter, description) }
        graph = g
        g.pointee.nb_threads = Int32(threads)

        // Sources: the graph's open inputs ("outputs" of the parser's point of view).
        var openOutputs: UnsafeMutablePointer<AVFilterInOut>? = nil
        var openInputs: UnsafeMutablePointer<AVFilterInOut>? = nil
        defer {
            avfilter_inout_free(&openOutputs)
            avfilter_inout_free(&openInputs)
        }
        for (name, format) in inputs.sorted(by: { $0.key < $1.key }) {
            let filter = avfilter_get_by_name(format.isVideo ? "buffer" : "abuffer")
            var ctx: UnsafeMutablePointer<AVFilterContext>? = nil
            try fail(avfilter_graph_create_filter(&ctx, filter, "src_\(name)", format.arguments, nil, g),
                     "source \(name)")
            sources[name] = ctx
            openOutputs = try Self.link(name, ctx!, next: openOutputs)
        }
        for (name, kind) in outputs.sorted(by: { $0.key < $1.key }) {
            let filter = avfilter_get_by_name(kind == .video ? "buffersink" : "abuffersink")
            var ctx: UnsafeMutablePointer<AVFilterContext>? = nil
            try fail(avfilter_graph_create_filter(&ctx, filter, "sink_\(name)", nil, nil, g), "sink \(name)")
            sinks[name] = ctx
            openInputs = try Self.link(name, ctx!, next: openInputs)
        }
        MediaLog.clear()
        try fail(avfilter_graph_parse_ptr(g, description, &openInputs, &openOutputs, nil), "parse")
        try fail(avfilter_graph_config(g, nil), "configure")
        for (name, size) in audioFrameSize {
            if let sink = sinks[name] { av_buffersink_set_frame_size(sink, UInt32(size)) }
        }
    }

    deinit {
        var g: UnsafeMutablePointer<AVFilterGraph>? = graph
        avfilter_graph_free(&g)
    }

    private func fail(_ rc: Int32, _ what: String) throws(MediaError) {
        guard rc < 0 else { return }
        var reason = avErrorText(rc)
        if let said = MediaLog.takeLastError(), !said.isEmpty { reason += ": \(said)" }
        throw MediaError(file: description, stage: .filter, code: rc, reason: "\(what): \(reason)")
    }

    private static func link(_ name: String, _ ctx: UnsafeMutablePointer<AVFilterContext>,
                             next: UnsafeMutablePointer<AVFilterInOut>?) throws(MediaError) -> UnsafeMutablePointer<AVFilterInOut> {
        guard let io = avfilter_inout_alloc() else { throw .outOfMemory(.filter) }
        io.pointee.name = av_strdup(name)
        io.pointee.filter_ctx = ctx
        io.pointee.pad_idx = 0
        io.pointee.next = next
        return io
    }

    /// Pushes `frame` into input `name`, taking its reference (the frame is left empty).
    /// `nil` closes the input.
    public func push(_ frame: Frame?, into name: String = "in") throws(MediaError) {
        guard let src = sources[name] else {
            throw MediaError(file: description, stage: .filter, reason: "no input named \(name)")
        }
        try check(av_buffersrc_add_frame_flags(src, frame?.pointer, 0), description, .filter)
    }

    /// The result of asking an output for a frame.
    public enum Pull { case frame, needsInput, end }

    /// Takes the next frame from output `name` into `frame`.
    public func pull(from name: String = "out", into frame: Frame) throws(MediaError) -> Pull {
        guard let sink = sinks[name] else {
            throw MediaError(file: description, stage: .filter, reason: "no output named \(name)")
        }
        frame.unref()
        let rc = av_buffersink_get_frame(sink, frame.pointer)
        if rc == averrorAgain { return .needsInput }
        if rc == averrorEOF { return .end }
        try check(rc, description, .filter)
        return .frame
    }

    /// The time base of frames from output `name`.
    public func outputTimeBase(_ name: String = "out") -> Rational? {
        sinks[name].map { Rational(av_buffersink_get_time_base($0)) }
    }

    /// Names of the outputs.
    public var outputNames: [String] { sinks.keys.sorted() }

    /// The negotiated format of output `name`, for configuring an encoder.
    public func outputFormat(_ name: String = "out") -> FilterInputFormat? {
        guard let sink = sinks[name] else { return nil }
        let tb = Rational(av_buffersink_get_time_base(sink))
        if av_buffersink_get_type(sink) == AVMEDIA_TYPE_AUDIO {
            var layout = AVChannelLayout()
            av_buffersink_get_ch_layout(sink, &layout)
            defer { av_channel_layout_uninit(&layout) }
            let fmt = av_get_sample_fmt_name(AVSampleFormat(av_buffersink_get_format(sink))).map { String(cString: $0) } ?? "fltp"
            return .audio(sampleRate: Int(av_buffersink_get_sample_rate(sink)), sampleFormat: fmt,
                          channelLayout: channelLayoutName(&layout) ?? defaultChannelLayoutName(channels: Int(layout.nb_channels)), timeBase: tb)
        }
        let rate = Rational(av_buffersink_get_frame_rate(sink))
        let sar = Rational(av_buffersink_get_sample_aspect_ratio(sink))
        return .video(width: Int(av_buffersink_get_w(sink)), height: Int(av_buffersink_get_h(sink)),
                      pixelFormat: PixelFormat(rawValue: av_buffersink_get_format(sink)), timeBase: tb,
                      sampleAspectRatio: sar.num > 0 ? sar : Rational(1, 1), frameRate: rate.num > 0 ? rate : nil)
    }
}
