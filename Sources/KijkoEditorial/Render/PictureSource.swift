import KijkoMedia

/// Pictures of one source file, conformed to the output format: seeks once, then decodes forward,
/// holding the last picture when the wanted file frame does not advance (freeze frames, slow
/// motion, a source slower than the timeline).
final class PictureSource {
    let source: MediaLibrary.Source
    private let reader: FrameReader
    private let conformer: VideoConformer
    private let decoded: Frame
    private var current: Frame?
    private var currentIndex = Int.min

    init(_ source: MediaLibrary.Source, width: Int, height: Int, pixelFormat: PixelFormat) throws(MediaError) {
        self.source = source
        reader = try FrameReader(path: source.path)
        conformer = VideoConformer(width: width, height: height, pixelFormat: pixelFormat, timeBase: reader.timeBase)
        decoded = try Frame()
    }

    /// The conformed picture of file frame `index` (a new reference); nil past the end of the file.
    func picture(_ index: Int) throws(MediaError) -> Frame? {
        let wanted = max(0, index)
        // Backwards, or far ahead: seek (to the keyframe before, then decode forward).
        if current == nil || wanted < currentIndex || wanted > currentIndex + 48 {
            try reader.seek(toFrame: wanted)
            current = nil
            currentIndex = Int.min
        }
        while currentIndex < wanted {
            guard try reader.next(into: decoded) else { return nil }
            currentIndex = reader.frameIndex(ofPTS: decoded.pts ?? 0)
            let picture = try Frame()
            picture.take(from: decoded)
            try conformer.conform(picture)
            current = picture
        }
        return try current?.reference()
    }
}
