import Foundation

/// What ``Synthesizer`` writes: deterministic test media from libavfilter sources, with the frame
/// number stamped into every picture and defects planted at known frames.
///
///     var spec = SynthSpec(width: 640, height: 360, frameRate: Rational(30000, 1001), frames: 90)
///     spec.defects = [Defect(.black, frames: 30..<40), Defect(.silence, frames: 60..<75)]
public struct SynthSpec: Codable, Hashable, Sendable {
    /// The moving picture the frames are made from (libavfilter source name).
    public enum Pattern: String, Codable, Sendable, CaseIterable {
        case testsrc2, testsrc, mandelbrot
        /// A detailed, moving subject (a fifth of the width, a third of the height) gliding over a
        /// flat grey ground: where it is in each frame is ``subjectBox(frame:)``.
        case subject
    }

    /// Video codec and its usual container settings.
    public enum VideoCodec: String, Codable, Sendable, CaseIterable {
        case h264, hevc, prores
    }

    /// Audio codec.
    public enum AudioCodec: String, Codable, Sendable, CaseIterable {
        case aac, pcm
    }

    public var width: Int
    public var height: Int
    public var frameRate: Rational
    /// Length in frames.
    public var frames: Int
    public var pattern: Pattern
    /// Frames at which a new shot starts (each shot has its own colours), ascending.
    public var cuts: [Int]
    /// Dissolves, each a new shot's colours blended in over its frames (the frame before is all
    /// old shot, the frame after all new): `[first, end)`, apart from the cuts.
    public var dissolves: [Range<Int>]?
    public var videoCodec: VideoCodec
    /// nil: no audio stream.
    public var audioCodec: AudioCodec?
    /// Samples per second.
    public var sampleRate: Int
    public var channels: Int
    /// Peak level of the 1 kHz tone per channel, dBFS. Stereo at −23 dBFS measures −23 LUFS.
    public var toneLevel: Double
    /// Stamp the frame number into each picture (see ``FrameStamp``).
    public var stamp: Bool
    public var defects: [Defect]
    /// Start timecode written to the file (`10:00:00:00`), or nil.
    public var startTimecode: String?
    /// Display-matrix rotation to write, degrees counter-clockwise (ffprobe convention: -90 for a
    /// portrait phone clip), or nil.
    public var rotation: Int?

    public init(width: Int = 640, height: Int = 360, frameRate: Rational = Rational(25, 1), frames: Int = 50,
                pattern: Pattern = .testsrc2, cuts: [Int] = [], videoCodec: VideoCodec = .h264,
                audioCodec: AudioCodec? = .aac, sampleRate: Int = 48000, channels: Int = 2,
                toneLevel: Double = -23, stamp: Bool = true, defects: [Defect] = [],
                startTimecode: String? = nil, rotation: Int? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.frames = frames
        self.pattern = pattern
        self.cuts = cuts
        self.videoCodec = videoCodec
        self.audioCodec = audioCodec
        self.sampleRate = sampleRate
        self.channels = channels
        self.toneLevel = toneLevel
        self.stamp = stamp
        self.defects = defects
        self.startTimecode = startTimecode
        self.rotation = rotation
    }

    /// The container this spec is written in when the caller does not choose: ProRes/PCM in mov,
    /// otherwise mp4.
    public var defaultExtension: String {
        videoCodec == .prores || audioCodec == .pcm ? "mov" : "mp4"
    }

    /// Checks the spec for values no file can have.
    public func validate() throws(MediaError) {
        func bad(_ why: String) -> MediaError { MediaError(file: "synth", stage: .configure, reason: why) }
        guard width >= 64, height >= 64, width % 2 == 0, height % 2 == 0, width <= 8192, height <= 8192 else {
            throw bad("size must be even, between 64 and 8192 (got \(width)x\(height))")
        }
        guard frameRate.num > 0, frameRate.den > 0, frameRate.doubleValue <= 240 else { throw bad("frame rate \(frameRate) is not usable") }
        guard frames > 0, frames <= 65_535 else { throw bad("frames must be 1…65535 (got \(frames))") }
        guard cuts == cuts.sorted(), cuts.allSatisfy({ $0 > 0 && $0 < frames }) else {
            throw bad("cuts must be ascending frame numbers inside 1..<\(frames)")
        }
        for d in dissolves ?? [] where d.lowerBound < 1 || d.upperBound >= frames || d.count < 2 {
            throw bad("dissolve \(d) must lie inside 1..<\(frames) and last at least 2 frames")
        }
        guard (1...8).contains(channels), (8000...192_000).contains(sampleRate) else {
            throw bad("audio must have 1–8 channels at 8–192 kHz")
        }
        for defect in defects where defect.frames.lowerBound < 0 || defect.frames.upperBound > frames || defect.frames.isEmpty {
            throw bad("defect \(defect.kind.rawValue) at frames \(defect.frames) is outside 0..<\(frames)")
        }
        if audioCodec == nil, let d = defects.first(where: { $0.kind.isAudio }) {
            throw bad("defect \(d.kind.rawValue) needs an audio stream")
        }
    }
}

/// A fault planted at known frames, for QC tests to find.
public struct Defect: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Picture black (Y=16), no stamp.
        case black
        /// Picture repeats the frame before the range, stamp included.
        case freeze
        /// Alternating full white and black frames (a photosensitivity failure).
        case flash
        /// A band above 246 and a band below 5 (8-bit), outside EBU R103; stamp kept.
        case illegalLevels = "illegal_levels"
        /// Alternating saturated red and grey of the same luma (a red flash, no luminance flash).
        case redFlash = "red_flash"
        /// Black bars left and right leaving a 4:3 picture in the middle; stamp kept.
        case pillarbox
        /// Every 8×8 block flattened to its mean (heavy compression blocking); stamp kept.
        case blocky
        /// Every odd line shifted 8 pixels (two fields woven from different moments); stamp kept.
        case combing
        /// The picture fades to black over the frames (the frame after is all black if a `black`
        /// defect follows); no stamp.
        case fadeOut = "fade_out"
        /// The picture fades up from black over the frames; no stamp.
        case fadeIn = "fade_in"
        /// Digital silence.
        case silence
        /// Tone driven into hard clipping at full scale.
        case clipping
        /// The tone raised (or lowered) by `gain` dB.
        case loudness
        /// The last channel silent (a dropped channel).
        case silentChannel = "silent_channel"
        /// The last channel a copy of the first (dual mono where stereo was due).
        case identicalChannels = "identical_channels"
        /// The last channel the first turned upside down (a polarity fault).
        case invertedChannels = "inverted_channels"

        public var isAudio: Bool {
            [.silence, .clipping, .loudness, .silentChannel, .identicalChannels, .invertedChannels].contains(self)
        }
    }

    public var kind: Kind
    /// Frames affected; audio defects cover the same span of time.
    public var frames: Range<Int>
    /// dB, for `.loudness`.
    public var gain: Double?

    public init(_ kind: Kind, frames: Range<Int>, gain: Double? = nil) {
        self.kind = kind
        self.frames = frames
        self.gain = gain
    }
}

extension SynthSpec {
    /// The `subject` pattern's box in frame `n`: x, y, width, height in pixels. In the first shot it
    /// sweeps across the picture; after each cut it sweeps a narrower band elsewhere.
    public func subjectBox(frame n: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let w = (width / 5) & ~1, h = (height / 3) & ~1
        let shot = cuts.filter { n >= $0 }.count
        let x = Double(width - w) * Self.subjectPosition(frame: Double(n), shot: shot)
        let y = Double(height - h) * 0.5
        return (Int(x) & ~1, Int(y) & ~1, w, h)
    }

    /// Fraction of the free width at frame `n` of shot number `shot` (0 first).
    static func subjectPosition(frame n: Double, shot: Int) -> Double {
        if shot == 0 { return 0.5 + 0.4 * sin(n * 0.01) }
        let centre: Double = shot % 2 == 1 ? 0.15 : 0.8
        return centre + 0.1 * sin(n * 0.02)
    }

    /// The same motion as a libavfilter expression for the overlay filter, whose frame number
    /// is taken from its timestamp (its own `n` runs one frame ahead at the start).
    func subjectExpression() -> String {
        let n = "round(t*\(frameRate.num)/\(frameRate.den))"
        var expr = "0.5+0.4*sin(\(n)*0.01)"
        for (i, cut) in cuts.enumerated() {
            let shot = i + 1
            let here = "\(shot % 2 == 1 ? 0.15 : 0.8)+0.1*sin(\(n)*0.02)"
            expr = "if(gte(\(n),\(cut)),\(here),\(expr))"
        }
        return "(W-w)*(\(expr))"
    }
}
