public import KijkoMedia

/// An edit: tracks of clips, gaps and transitions, every time an integer frame count at the
/// timeline's rate (so exact, never floating seconds). Words as OpenTimelineIO uses them.
public struct Timeline: Codable, Sendable, Equatable {
    public var name: String
    public var rate: TimecodeRate
    /// Record frame (timecode) of the timeline's first frame.
    public var startFrame: Int
    public var tracks: [Track]

    public init(name: String, rate: TimecodeRate, startFrame: Int = 0, tracks: [Track] = []) {
        self.name = name
        self.rate = rate
        self.startFrame = startFrame
        self.tracks = tracks
    }

    /// Frames from the start to the end of the longest track.
    public var duration: Int { tracks.map(\.duration).max() ?? 0 }
}

/// Picture or sound.
public enum TrackKind: String, Codable, Sendable {
    case video, audio
}

/// One track: items in record order. Transitions overlap their neighbours and take no time of their own.
public struct Track: Codable, Sendable, Equatable {
    public var name: String
    public var kind: TrackKind
    public var items: [TrackItem]

    public init(name: String, kind: TrackKind, items: [TrackItem] = []) {
        self.name = name
        self.kind = kind
        self.items = items
    }

    /// Frames the track runs (clips and gaps).
    public var duration: Int { items.reduce(0) { $0 + $1.duration } }

    /// Clips with their record start frame (relative to the timeline start).
    public var placedClips: [(start: Int, clip: Clip)] {
        var position = 0
        var placed: [(Int, Clip)] = []
        for item in items {
            if case .clip(let clip) = item { placed.append((position, clip)) }
            position += item.duration
        }
        return placed
    }
}

/// What a track holds.
public enum TrackItem: Codable, Sendable, Equatable {
    case clip(Clip)
    case gap(frames: Int)
    case transition(Transition)

    /// Record frames the item occupies (0 for transitions).
    public var duration: Int {
        switch self {
        case .clip(let clip): clip.duration
        case .gap(let frames): frames
        case .transition: 0
        }
    }
}

/// A frame range: first frame and length.
public struct FrameRange: Codable, Sendable, Equatable, Hashable {
    public var start: Int
    public var duration: Int

    public init(start: Int, duration: Int) {
        self.start = start
        self.duration = duration
    }

    public var end: Int { start + duration }
}

/// A piece of source media on a track.
public struct Clip: Codable, Sendable, Equatable {
    public var name: String
    /// Tape or clip identifier (`AX`: auxiliary; `BL`: black).
    public var reel: String?
    /// Path or name of the source file, when known.
    public var sourceFile: String?
    /// The source frames the clip uses (timecode frames of the source).
    public var source: FrameRange
    /// Record frames the clip occupies (differs from `source.duration` when retimed).
    public var duration: Int
    public var speed: Speed?
    /// Markers, in record frames relative to the timeline start.
    public var markers: [Marker]
    public var colorDecision: ColorDecision?
    public var comments: [String]
    /// The EDL event (or shot) it came from.
    public var event: Int?
    /// A generated card standing in for a missing or VFX shot.
    public var placeholder: Placeholder?
    /// A reframing crop over time (the smart reframe's keyframes), for the NLE to adjust.
    public var crop: [CropKeyframe]

    public init(name: String, reel: String? = nil, sourceFile: String? = nil, source: FrameRange, duration: Int? = nil,
                speed: Speed? = nil, markers: [Marker] = [], colorDecision: ColorDecision? = nil,
                comments: [String] = [], event: Int? = nil, placeholder: Placeholder? = nil, crop: [CropKeyframe] = []) {
        self.crop = crop
        self.name = name
        self.reel = reel
        self.sourceFile = sourceFile
        self.source = source
        self.duration = duration ?? source.duration
        self.speed = speed
        self.markers = markers
        self.colorDecision = colorDecision
        self.comments = comments
        self.event = event
        self.placeholder = placeholder
    }

    /// A generated clip (black, bars or a placeholder card) rather than media.
    public var isGenerator: Bool { placeholder != nil || ["BL", "BLACK", "BARS"].contains(reel ?? "") }
}

/// What a placeholder card says: a title line and details.
public struct Placeholder: Codable, Sendable, Equatable {
    public var title: String
    public var lines: [String]

    public init(title: String, lines: [String] = []) {
        self.title = title
        self.lines = lines
    }
}

/// A retime.
public enum Speed: Codable, Sendable, Equatable {
    /// One source frame held.
    case freeze
    /// The source plays at `fps` frames per second of source per second of record (M2's number).
    case rate(fps: Double)
}

/// A dissolve, wipe or key between the item before it and the clip after it. It starts at the
/// cut and lasts `frames`: the outgoing clip continues under it for `frames` past its out point.
public struct Transition: Codable, Sendable, Equatable {
    public var kind: EDLTransition
    public var frames: Int
    public var name: String
    /// The outgoing side as the EDL named it (reel and source in), so nothing is lost.
    public var from: EDLSource?

    public init(kind: EDLTransition, frames: Int, name: String, from: EDLSource? = nil) {
        self.kind = kind
        self.frames = frames
        self.name = name
        self.from = from
    }
}

/// A named point on the timeline.
public struct Marker: Codable, Sendable, Equatable {
    /// Record frame relative to the timeline start.
    public var frame: Int
    public var name: String
    public var color: String

    public init(frame: Int, name: String, color: String) {
        self.frame = frame
        self.name = name
        self.color = color
    }
}

/// One keyframe of a clip's crop window: frames from the clip's first, pixels of the source.
public typealias CropKeyframe = CropWindow
