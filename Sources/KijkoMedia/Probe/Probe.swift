internal import CFFmpeg
import Foundation

/// Reads a file's container and stream properties (what ffprobe's `-show_format -show_streams`
/// shows, in Kijko's field names).
public enum Probe {
    /// What `file` reads beyond the header.
    public enum Counting: Sendable {
        /// The header only.
        case none
        /// Every packet, demuxed (no decoding; a few hundred MB/s): `packet_count`, and
        /// `frame_count` where the container keeps none.
        case packets
        /// Every audio and video frame, decoded: also `decoded_frames`, `damaged_packets`,
        /// `damaged_frames` and `decoder_errors` (decoding speed).
        case frames
    }

    /// Probes `path`.
    ///
    /// - Throws: ``MediaError`` for a missing, empty, truncated or non-media file.
    public static func file(_ path: String, counting: Counting = .none) throws(MediaError) -> MediaInfo {
        let input = try Demuxer(path: path)
        try input.verifyIndexWithinFile()
        var info = describe(input)
        let counts: [Int: StreamCounter.Counts]
        switch counting {
        case .none: return info
        case .packets: counts = try StreamCounter.packets(input)
        case .frames: counts = try StreamCounter.frames(input)
        }
        for i in info.streams.indices {
            let count = counts[info.streams[i].index] ?? StreamCounter.Counts()
            info.streams[i].packetCount = count.packets
            if let end = count.end { info.streams[i].endTime = micro(Double(end) * info.streams[i].timeBase.doubleValue) }
            if counting == .frames, count.decoded {
                info.streams[i].decodedFrames = count.frames
                info.streams[i].damagedPackets = count.damagedPackets
                info.streams[i].damagedFrames = count.damagedFrames
                info.streams[i].decoderErrors = count.decoderErrors
            }
            if info.streams[i].frameCount == nil {
                info.streams[i].frameCount = info.streams[i].decodedFrames ?? count.packets
            }
        }
        return info
    }

    static func describe(_ input: Demuxer) -> MediaInfo {
        let ctx = input.context
        let format = ctx.pointee.iformat.pointee
        let size = ctx.pointee.pb.map { avio_size($0) } ?? -1
        let streams = (0..<input.streamCount).map { describe(stream: input.stream($0), in: ctx) }
        return MediaInfo(
            file: input.path,
            container: String(cString: format.name),
            containerLongName: format.long_name.map { String(cString: $0) },
            duration: ctx.pointee.duration > 0 ? micro(Double(ctx.pointee.duration) / Double(AV_TIME_BASE)) : nil,
            startTime: ctx.pointee.start_time == noPTS ? nil : micro(Double(ctx.pointee.start_time) / Double(AV_TIME_BASE)),
            bitRate: ctx.pointee.bit_rate > 0 ? Int(ctx.pointee.bit_rate) : nil,
            size: size >= 0 ? Int(size) : nil,
            startTimecode: metadata(ctx.pointee.metadata, "timecode") ?? streams.lazy.compactMap(\.startTimecode).first,
            streams: streams)
    }

    static func describe(stream st: UnsafeMutablePointer<AVStream>, in ctx: UnsafeMutablePointer<AVFormatContext>) -> StreamInfo {
        let par = st.pointee.codecpar!
        let type = MediaType(par.pointee.codec_type)
        let tb = Rational(st.pointee.time_base)
        let codecDesc = avcodec_descriptor_get(par.pointee.codec_id)
        var info = StreamInfo(
            index: Int(st.pointee.index), type: type,
            codec: codecDesc.map { String(cString: $0.pointee.name) } ?? fourCC(par.pointee.codec_tag) ?? "unknown",
            codecLongName: codecDesc.flatMap { $0.pointee.long_name.map { String(cString: $0) } },
            profile: avcodec_profile_name(par.pointee.codec_id, par.pointee.profile).map { String(cString: $0) },
            timeBase: tb,
            startTime: st.pointee.start_time == noPTS ? nil : micro(Double(st.pointee.start_time) * tb.doubleValue),
            duration: st.pointee.duration == noPTS || st.pointee.duration <= 0 ? nil : micro(Double(st.pointee.duration) * tb.doubleValue),
            bitRate: par.pointee.bit_rate > 0 ? Int(par.pointee.bit_rate) : nil,
            frameCount: st.pointee.nb_frames > 0 ? Int(st.pointee.nb_frames) : nil,
            language: metadata(st.pointee.metadata, "language"),
            startTimecode: metadata(st.pointee.metadata, "timecode"))
        switch type {
        case .video:
            info.width = Int(par.pointee.width)
            info.height = Int(par.pointee.height)
            let sar = av_guess_sample_aspect_ratio(ctx, st, nil)
            if sar.num > 0, sar.den > 0 {
                info.sampleAspectRatio = Rational(sar).ratioDescription
                var dn: Int32 = 0, dd: Int32 = 0
                av_reduce(&dn, &dd, Int64(par.pointee.width) * Int64(sar.num), Int64(par.pointee.height) * Int64(sar.den), 1024 * 1024)
                info.displayAspectRatio = "\(dn):\(dd)"
            }
            if st.pointee.r_frame_rate.num > 0 { info.frameRate = Rational(st.pointee.r_frame_rate) }
            if st.pointee.avg_frame_rate.num > 0 { info.averageFrameRate = Rational(st.pointee.avg_frame_rate) }
            let pix = PixelFormat(rawValue: par.pointee.format)
            if par.pointee.format >= 0 {
                info.pixelFormat = pix.name
                info.bitDepth = pix.bitDepth
            }
            let colour = ColourProperties(codec: par)
            info.colorPrimaries = colour.primariesName
            info.colorTransfer = colour.transferName
            info.colorMatrix = colour.matrixName
            info.colorRange = colour.rangeName
            info.fieldOrder = fieldOrderName(par.pointee.field_order)
            info.rotation = Rotation.displayMatrixDegrees(of: st)
        case .audio:
            info.sampleRate = Int(par.pointee.sample_rate)
            info.channels = Int(par.pointee.ch_layout.nb_channels)
            info.channelLayout = channelLayoutName(&par.pointee.ch_layout)
            let fmt = AVSampleFormat(par.pointee.format)
            if let name = av_get_sample_fmt_name(fmt) { info.sampleFormat = String(cString: name) }
            let raw = Int(par.pointee.bits_per_raw_sample)
            // Lossy codecs have no sample depth; PCM's is fixed by the codec.
            let pcm = Int(av_get_bits_per_sample(par.pointee.codec_id))
            if raw > 0 { info.bitDepth = raw } else if pcm > 0 { info.bitDepth = pcm }
        default:
            break
        }
        return info
    }

    /// Seconds rounded to the microsecond, as ffprobe prints them.
    static func micro(_ seconds: Double) -> Double { (seconds * 1_000_000).rounded() / 1_000_000 }

    /// A codec tag as its four characters (`tmcd`), for streams libav has no codec for.
    static func fourCC(_ tag: UInt32) -> String? {
        guard tag != 0 else { return nil }
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: tag >> (8 * $0)) }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func metadata(_ dict: OpaquePointer?, _ key: String) -> String? {
        guard let dict, let entry = av_dict_get(dict, key, nil, 0) else { return nil }
        return String(cString: entry.pointee.value)
    }

    static func fieldOrderName(_ order: AVFieldOrder) -> String? {
        switch order {
        case AV_FIELD_PROGRESSIVE: "progressive"
        case AV_FIELD_TT: "tt"
        case AV_FIELD_BB: "bb"
        case AV_FIELD_TB: "tb"
        case AV_FIELD_BT: "bt"
        default: nil
        }
    }
}
