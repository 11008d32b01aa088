internal import CFFmpeg

/// Owns one `AVPacket`: compressed data between demuxer, decoder, encoder and muxer.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() throws(MediaError) {
        guard let p = av_packet_alloc() else { throw .outOfMemory(.allocate) }
        pointer = p
    }

    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }

    /// Index of the stream this packet belongs to.
    public var streamIndex: Int { Int(pointer.pointee.stream_index) }
    public var pts: Int64? { pointer.pointee.pts == noPTS ? nil : pointer.pointee.pts }
    public var dts: Int64? { pointer.pointee.dts == noPTS ? nil : pointer.pointee.dts }
    public var duration: Int64 { pointer.pointee.duration }
    public var size: Int { Int(pointer.pointee.size) }
    public var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }

    /// Drops the payload, keeping the allocation for reuse.
    public func unref() { av_packet_unref(pointer) }
}
