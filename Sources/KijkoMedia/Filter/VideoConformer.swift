/// Brings decoded pictures of any size, pixel format and aspect to one output format: scaled to
/// fit inside `width`×`height` keeping their display aspect, centred on black, square pixels.
/// Pictures already in the output format pass through untouched (no copy).
public final class VideoConformer {
    public let width: Int
    public let height: Int
    public let pixelFormat: PixelFormat
    private var graph: FilterGraph?
    private var graphInput: (Int, Int, PixelFormat, Rational)?
    private let timeBase: Rational

    /// - Parameter timeBase: the time base of pts on frames pushed in (kept on frames out).
    public init(width: Int, height: Int, pixelFormat: PixelFormat, timeBase: Rational) {
        self.width = width
        self.height = height
        self.pixelFormat = pixelFormat
        self.timeBase = timeBase
    }

    /// Conforms `frame` in place (its buffers replaced by the conformed picture).
    public func conform(_ frame: Frame, sampleAspectRatio: Rational = Rational(1, 1)) throws(MediaError) {
        let sar = sampleAspectRatio.num > 0 ? sampleAspectRatio : Rational(1, 1)
        if frame.width == width, frame.height == height, frame.pixelFormat == pixelFormat, sar.num == sar.den { return }
        let key = (frame.width, frame.height, frame.pixelFormat, sar)
        if graphInput.map({ $0.0 != key.0 || $0.1 != key.1 || $0.2 != key.2 || $0.3 != key.3 }) ?? true {
            let description = "[in]scale=w=\(width):h=\(height):force_original_aspect_ratio=decrease:flags=bicubic,"
                + "pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=\(pixelFormat.name)[out]"
            graph = try FilterGraph(description, inputs: ["in": .video(width: frame.width, height: frame.height,
                                                                        pixelFormat: frame.pixelFormat, timeBase: timeBase,
                                                                        sampleAspectRatio: sar)])
            graphInput = key
        }
        let pts = frame.pts
        try graph!.push(frame)
        guard try graph!.pull(into: frame) == .frame else {
            throw MediaError(file: graph!.description, stage: .filter, reason: "conform gave no picture")
        }
        frame.pts = pts
    }
}
