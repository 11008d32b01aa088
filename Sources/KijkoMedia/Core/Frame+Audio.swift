internal import CFFmpeg

extension Frame {
    /// A planar-float audio frame holding `samples` (one array per channel, all the same length),
    /// with `pts` in samples.
    public static func audio(_ samples: [[Float]], sampleRate: Int, pts: Int64) throws(MediaError) -> Frame {
        let frame = try Frame()
        let p = frame.pointer
        let count = samples.first?.count ?? 0
        p.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        p.pointee.sample_rate = Int32(sampleRate)
        p.pointee.nb_samples = Int32(count)
        av_channel_layout_default(&p.pointee.ch_layout, Int32(samples.count))
        try check(av_frame_get_buffer(p, 0), "", .allocate)
        for (c, channel) in samples.enumerated() {
            guard let out = frame.floatSamples(channel: c) else { continue }
            channel.withUnsafeBufferPointer { src in
                _ = out.update(from: src)
            }
        }
        frame.pts = pts
        return frame
    }
}
