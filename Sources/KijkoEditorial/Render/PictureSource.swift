import KijkoMedia

/// Pictures of one source file, conformed to the output format: seeks once, then decodes forward,
/// holding the last picture when the wanted file frame does not advance (freeze frames, slow
/// motion, a source slower than the timeline). A clip's grade is applied to the decoded picture,
/// at the source's own depth, before it is conformed.
final class PictureSource {
    let source: MediaLibrary.Source
    private let reader: FrameReader
    private let conformer: VideoConformer
    private let decoded: Frame
    /// The decoded picture of `currentIndex`, and it conformed (made when first asked for).
    private var raw: Frame?
    private var current: Frame?
    private var currentIndex = Int.min
    /// The last graded picture: by which grader, of which frame (a held frame is graded once).
    private var graded: (grader: ObjectIdentifier, index: Int, frame: Frame)?
    /// Where grading time is counted.
    private let clock: RenderClock?

    init(_ source: MediaLibrary.Source, width: Int, height: Int, pixelFormat: PixelFormat, clock: RenderClock? = nil) throws(MediaError) {
        self.source = source
        self.clock = clock
        reader = try FrameReader(path: source.path)
        conformer = VideoConformer(width: width, height: height, pixelFormat: pixelFormat, timeBase: reader.timeBase)
        decoded = try Frame()
    }

    /// The conformed picture of file frame `index` (a new reference), graded by `grader` when
    /// given; nil past the end of the file.
    func picture(_ index: Int, grader: ColourGrader? = nil) throws(MediaError) -> Frame? {
        let wanted = max(0, index)
        // Backwards, or far ahead: seek (to the keyframe before, then decode forward).
        if raw == nil || wanted < currentIndex || wanted > currentIndex + 48 {
            try reader.seek(toFrame: wanted)
            raw = nil
            current = nil
            currentIndex = Int.min
        }
        while currentIndex < wanted {
            guard try reader.next(into: decoded) else { return nil }
            currentIndex = reader.frameIndex(ofPTS: decoded.pts ?? 0)
            let picture = try Frame()
            picture.take(from: decoded)
            raw = picture
            current = nil
        }
        guard let raw else { return nil }
        if let grader {
            let id = ObjectIdentifier(grader)
            if let graded, graded.grader == id, graded.index == currentIndex { return try graded.frame.reference() }
            let picture: Frame
            if let clock { picture = try clock.time(\.grade) { () throws(MediaError) -> Frame in try grader.grade(raw) } } else { picture = try grader.grade(raw) }
            try conformer.conform(picture)
            graded = (id, currentIndex, picture)
            return try picture.reference()
        }
        if current == nil {
            let picture = try raw.reference()
            try conformer.conform(picture)
            current = picture
        }
        return try current?.reference()
    }
}
