/// What `kijko probe` reports about a file. Encoded as JSON with snake_case keys; fields that
/// are unknown for a file are absent (as in ffprobe).
public struct MediaInfo: Codable, Sendable, Equatable {
    /// The path as given.
    public var file: String
    /// libav's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` (ffprobe `format_name`).
    public var container: String
    public var containerLongName: String?
    /// Seconds.
    public var duration: Double?
    /// Seconds.
    public var startTime: Double?
    /// Bits per second, over the whole file.
    public var bitRate: Int?
    /// Bytes.
    public var size: Int?
    /// SMPTE timecode of the first frame (`01:00:00:00`, `;` before frames when drop-frame).
    public var startTimecode: String?
    public var streams: [StreamInfo]

    /// The first stream of `type`, if any.
    public func first(_ type: MediaType) -> StreamInfo? { streams.first { $0.type == type } }
}

/// One elementary stream of a file.
public struct StreamInfo: Codable, Sendable, Equatable {
    public var index: Int
    public var type: MediaType
    /// Codec name, e.g. `h264` (ffprobe `codec_name`).
    public var codec: String
    public var codecLongName: String?
    public var profile: String?
    /// The stream's time base, `num/den`.
    public var timeBase: Rational
    /// Seconds.
    public var startTime: Double?
    /// Seconds.
    public var duration: Double?
    /// Bits per second.
    public var bitRate: Int?
    /// Frames (video) or packets (audio) in the stream, when the container says or when counted.
    public var frameCount: Int?
    /// Packets read (ffprobe `nb_read_packets`), when counted.
    public var packetCount: Int?
    /// Seconds: where the last packet read ends (its timestamp plus duration), when counted. Well
    /// before the file's `duration`, the file was cut short.
    public var endTime: Double?
    /// Frames decoded (ffprobe `nb_read_frames`), when counted by decoding.
    public var decodedFrames: Int?
    /// Packets the decoder rejected (damaged data), when counted by decoding.
    public var damagedPackets: Int?
    /// Frames decoded with damage the decoder concealed, when counted by decoding.
    public var damagedFrames: Int?
    /// Error messages the decoder logged (damage it met, e.g. H.264's "error while decoding
    /// MB"), when counted by decoding.
    public var decoderErrors: Int?
    public var language: String?
    public var startTimecode: String?

    // Video.
    public var width: Int?
    public var height: Int?
    /// `1:1`; absent when the file does not say.
    public var sampleAspectRatio: String?
    /// `16:9`; absent when the sample aspect ratio is unknown.
    public var displayAspectRatio: String?
    /// The stream's frame rate as an exact rational (`30000/1001`), ffprobe `r_frame_rate`.
    public var frameRate: Rational?
    /// Average frame rate (ffprobe `avg_frame_rate`).
    public var averageFrameRate: Rational?
    /// libav's name, e.g. `yuv420p` (ffprobe `pix_fmt`).
    public var pixelFormat: String?
    /// Bits per sample: video component depth, or audio sample depth.
    public var bitDepth: Int?
    public var colorPrimaries: String?
    public var colorTransfer: String?
    /// Matrix coefficients (ffprobe `color_space`).
    public var colorMatrix: String?
    /// `tv` (limited) or `pc` (full).
    public var colorRange: String?
    /// `progressive`, `tt`, `bb`, `tb`, `bt` (ffprobe `field_order`).
    public var fieldOrder: String?
    /// Display-matrix rotation in degrees, counter-clockwise, as ffprobe's side data reports it
    /// (a portrait phone clip says -90). Absent when the file carries no display matrix.
    public var rotation: Int?

    // Audio.
    public var sampleRate: Int?
    public var channels: Int?
    /// e.g. `stereo`, `5.1(side)`.
    public var channelLayout: String?
    /// e.g. `fltp`.
    public var sampleFormat: String?
}
