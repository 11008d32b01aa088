import Foundation
public import KijkoMedia

/// A CMX 3600 edit decision list as read: the title, and each event with everything its lines said.
/// Timecodes are kept as frame counts at the list's ``TimecodeRate`` (drop-frame per event, as the
/// FCM lines say).
public struct EDL: Codable, Sendable, Equatable {
    public var title: String?
    /// The counting rate; `dropFrame` is the header's FCM.
    public var rate: TimecodeRate
    /// Comment lines before the first event.
    public var headerComments: [String]
    public var events: [EDLEvent]

    public init(title: String? = nil, rate: TimecodeRate, headerComments: [String] = [], events: [EDLEvent] = []) {
        self.title = title
        self.rate = rate
        self.headerComments = headerComments
        self.events = events
    }
}

/// How an event begins.
public enum EDLTransition: Codable, Sendable, Equatable, Hashable {
    case cut
    case dissolve
    /// SMPTE wipe, by its code (`W001` is code 1).
    case wipe(code: Int)
    /// A key: `K` (foreground), `KB` (background), `KO` (overlay).
    case key(String)

    /// The EDL spelling: `C`, `D`, `W001`, `K`, `KB`, `KO`.
    public var code: String {
        switch self {
        case .cut: "C"
        case .dissolve: "D"
        case .wipe(let code): "W" + String(format: "%03d", code)
        case .key(let kind): kind
        }
    }

    init?(code: String) {
        switch code {
        case "C": self = .cut
        case "D": self = .dissolve
        case "K", "KB", "KO": self = .key(code)
        default:
            guard code.count == 4, code.hasPrefix("W"), let n = Int(code.dropFirst()) else { return nil }
            self = .wipe(code: n)
        }
    }
}

/// One side of an edit: a reel and its four timecodes, in frames.
public struct EDLSource: Codable, Sendable, Equatable {
    public var reel: String
    public var track: String
    public var sourceIn: Int
    public var sourceOut: Int
    public var recordIn: Int
    public var recordOut: Int

    public init(reel: String, track: String, sourceIn: Int, sourceOut: Int, recordIn: Int, recordOut: Int) {
        self.reel = reel
        self.track = track
        self.sourceIn = sourceIn
        self.sourceOut = sourceOut
        self.recordIn = recordIn
        self.recordOut = recordOut
    }

    public var sourceDuration: Int { sourceOut - sourceIn }
    public var recordDuration: Int { recordOut - recordIn }
}

/// An `M2` motion effect: the source plays at `speed` frames per second (0: freeze frame,
/// negative: reverse) from `sourceIn`.
public struct EDLSpeed: Codable, Sendable, Equatable {
    public var reel: String
    public var speed: Double
    public var sourceIn: Int

    public init(reel: String, speed: Double, sourceIn: Int) {
        self.reel = reel
        self.speed = speed
        self.sourceIn = sourceIn
    }
}

/// A `* LOC:` locator, placed in record time.
public struct EDLMarker: Codable, Sendable, Equatable {
    /// Record frame (as the LOC timecode says).
    public var recordFrame: Int
    public var color: String
    public var text: String

    public init(recordFrame: Int, color: String, text: String) {
        self.recordFrame = recordFrame
        self.color = color
        self.text = text
    }
}

/// An ASC CDL colour decision (`* ASC_SOP`, `* ASC_SAT`): the grader's own numbers (``CDL``).
public typealias ColorDecision = CDL

/// One event: its edit line (the incoming side for a transition), the outgoing side of a
/// transition, and what its comments said.
public struct EDLEvent: Codable, Sendable, Equatable {
    public var number: Int
    /// The (incoming) edit.
    public var edit: EDLSource
    public var transition: EDLTransition
    /// Length of the dissolve, wipe or key, frames (0 for a cut).
    public var transitionFrames: Int
    /// For a transition: the outgoing clip's line (its reel and where it continues from).
    public var from: EDLSource?
    /// Whether the event's source timecodes count drop-frame (the FCM in force for the event;
    /// record timecodes follow the list's header FCM).
    public var dropFrame: Bool
    public var speed: EDLSpeed?
    public var freezeFrame: Bool
    public var clipName: String?
    public var toClipName: String?
    /// `* SOURCE FILE:`, `* FROM CLIP:` or `* FROM FILE:`.
    public var sourceFile: String?
    public var markers: [EDLMarker]
    public var colorDecision: ColorDecision?
    /// Every other comment line, as written (without the leading `*`).
    public var comments: [String]
    /// Line of the edit in the file (1-based).
    public var line: Int

    public init(number: Int, edit: EDLSource, transition: EDLTransition = .cut, transitionFrames: Int = 0,
                from: EDLSource? = nil, dropFrame: Bool = false, speed: EDLSpeed? = nil, freezeFrame: Bool = false,
                clipName: String? = nil, toClipName: String? = nil, sourceFile: String? = nil,
                markers: [EDLMarker] = [], colorDecision: ColorDecision? = nil, comments: [String] = [], line: Int = 0) {
        self.number = number
        self.edit = edit
        self.transition = transition
        self.transitionFrames = transitionFrames
        self.from = from
        self.dropFrame = dropFrame
        self.speed = speed
        self.freezeFrame = freezeFrame
        self.clipName = clipName
        self.toClipName = toClipName
        self.sourceFile = sourceFile
        self.markers = markers
        self.colorDecision = colorDecision
        self.comments = comments
        self.line = line
    }

    /// A motion effect or freeze lets source and record durations differ.
    public var isRetimed: Bool { freezeFrame || speed != nil }
}

/// Something wrong in an EDL, located by line (and event, when known).
public struct EDLDiagnostic: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var event: Int?
    public var message: String

    /// `message` is kept to 240 characters: what it quotes from the file (a 2 MB line, say) is cut
    /// short, so the error stays one readable line.
    public init(file: String, line: Int, event: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.event = event
        self.message = message.count > 240 ? String(message.prefix(239)) + "…" : message
    }

    public var description: String {
        "\(file):\(line): \(event.map { "event \($0): " } ?? "")\(message)"
    }
}

