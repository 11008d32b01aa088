internal import CFFmpeg

/// Owns one `AVFrame`: decoded pictures or audio samples, reference-counted by libav.
///
/// Frames move between stages by reference (`av_frame_move_ref`); pixel data is never copied on
/// the hot path. A `Frame` belongs to one thread at a time.
public final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    public init() throws(MediaError) {
        guard let p = av_frame_alloc() else { throw .outOfMemory(.allocate) }
        pointer = p
    }

    deinit {
        var p: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&p)
    }

    /// Drops the frame's buffers, keeping the allocation for reuse.
    public func unref() { av_frame_unref(pointer) }

    /// Moves `other`'s buffers into this frame (this frame's previous buffers are released).
    public func take(from other: Frame) {
        av_frame_unref(pointer)
        av_frame_move_ref(pointer, other.pointer)
    }

    /// A new frame referencing the same buffers (no pixel copy).
    public func reference() throws(MediaError) -> Frame {
        let copy = try Frame()
        try check(av_frame_ref(copy.pointer, pointer), "", .allocate)
        return copy
    }

    /// Makes the buffers writable, copying them only if another reference shares them.
    public func makeWritable() throws(MediaError) {
        try check(av_frame_make_writable(pointer), "", .allocate)
    }

    /// Presentation timestamp in the producing stage's time base, or nil when unknown.
    public var pts: Int64? {
        get { pointer.pointee.pts == noPTS ? nil : pointer.pointee.pts }
        set { pointer.pointee.pts = newValue ?? noPTS }
    }

    /// The decoder's best guess at the presentation time (handles missing pts).
    public var bestEffortTimestamp: Int64? {
        let ts = pointer.pointee.best_effort_timestamp
        return ts == noPTS ? pts : ts
    }

    /// A value filters attached to the frame (`lavfi.r128.I` from `ebur128`, `lavfi.signalstats.YAVG`, …).
    public func metadata(_ key: String) -> String? {
        guard let entry = av_dict_get(pointer.pointee.metadata, key, nil, 0) else { return nil }
        return String(cString: entry.pointee.value)
    }

    // MARK: video

    public var width: Int { Int(pointer.pointee.width) }
    public var height: Int { Int(pointer.pointee.height) }
    public var pixelFormat: PixelFormat { PixelFormat(rawValue: pointer.pointee.format) }
    public var isKeyframe: Bool { pointer.pointee.key_frame != 0 }
    /// The decoder says this picture holds two interlaced fields.
    public var isInterlaced: Bool { pointer.pointee.interlaced_frame != 0 }
    public var colour: ColourProperties { ColourProperties(frame: pointer) }

    /// Narrows the picture to the window at (`x`, `y`) of `width`x`height` pixels without copying:
    /// only this reference's data pointers and size change. Keep offsets even for 4:2:0.
    public func crop(x: Int, y: Int, width: Int, height: Int) throws(MediaError) {
        let f = pointer
        guard x >= 0, y >= 0, width > 0, height > 0, x + width <= self.width, y + height <= self.height else {
            throw MediaError(file: "", stage: .filter, reason: "crop \(width)x\(height)+\(x)+\(y) is outside the \(self.width)x\(self.height) picture")
        }
        f.pointee.crop_left = x
        f.pointee.crop_top = y
        f.pointee.crop_right = self.width - x - width
        f.pointee.crop_bottom = self.height - y - height
        try check(av_frame_apply_cropping(f, Int32(AV_FRAME_CROP_UNALIGNED)), "", .filter)
    }

    /// Number of bytes between the starts of two rows in `plane`.
    public func lineSize(_ plane: Int) -> Int {
        withUnsafeBytes(of: pointer.pointee.linesize) { $0.load(fromByteOffset: plane * 4, as: Int32.self) }
            .asInt
    }

    /// The base address of `plane` (nil for planes the format does not have).
    public func data(_ plane: Int) -> UnsafeMutablePointer<UInt8>? {
        withUnsafeBytes(of: pointer.pointee.data) {
            $0.load(fromByteOffset: plane * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
                    as: UnsafeMutablePointer<UInt8>?.self)
        }
    }

    /// Whether the decoder gave this frame out with damage it concealed (`decode_error_flags`, or
    /// the corrupt flag).
    var hasConcealedDamage: Bool {
        pointer.pointee.decode_error_flags != 0 || pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0
    }

    /// Whether error resilience concealed damage in this frame: the flag its "concealing …" log
    /// line comes with (``MediaLog``), which frame threading can set after the frame was handed out.
    var hasResilienceConcealment: Bool { pointer.pointee.decode_error_flags & FF_DECODE_ERROR_CONCEALMENT_ACTIVE != 0 }

    /// The picture's mean H.264 quantiser (0–51, area-weighted over its blocks) when the decoder
    /// exported it (``Decoder`` with `quantisers`); nil otherwise. High means few bits: a starved
    /// encode, whatever the deblocking filter hides.
    public var meanH264Quantiser: Double? {
        let qp = kijko_mean_h264_qp(pointer)
        return qp >= 0 ? qp : nil
    }

    // MARK: audio

    public var sampleCount: Int { Int(pointer.pointee.nb_samples) }
    public var sampleRate: Int { Int(pointer.pointee.sample_rate) }
    public var channelCount: Int { Int(pointer.pointee.ch_layout.nb_channels) }
    /// libav's sample format name, e.g. `fltp`.
    public var sampleFormatName: String {
        av_get_sample_fmt_name(AVSampleFormat(pointer.pointee.format)).map { String(cString: $0) } ?? "none"
    }

    /// Each channel's short name in order (`FL`, `FR`, `FC`, `LFE`, `BL`, `BR` for 5.1), from the
    /// frame's layout; a layout that names no positions is read as the default layout for its
    /// channel count, as players do.
    public var channelNames: [String] {
        let count = channelCount
        var layout = AVChannelLayout()
        if pointer.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&layout, Int32(count))
        } else {
            _ = av_channel_layout_copy(&layout, &pointer.pointee.ch_layout)
        }
        defer { av_channel_layout_uninit(&layout) }
        return (0..<count).map { index in
            let channel = av_channel_layout_channel_from_index(&layout, UInt32(index))
            var text = [CChar](repeating: 0, count: 32)
            guard channel != AV_CHAN_NONE, av_channel_name(&text, text.count, channel) > 0 else { return "ch\(index + 1)" }
            return string(fromNulTerminated: text)
        }
    }

    /// Planar float samples of `channel` (only for `fltp` frames).
    public func floatSamples(channel: Int) -> UnsafeMutableBufferPointer<Float>? {
        guard pointer.pointee.format == AV_SAMPLE_FMT_FLTP.rawValue,
              channel < channelCount,
              let base = pointer.pointee.extended_data?[channel] else { return nil }
        return UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(base).assumingMemoryBound(to: Float.self),
                                          count: sampleCount)
    }
}

extension Int32 {
    var asInt: Int { Int(self) }
}
