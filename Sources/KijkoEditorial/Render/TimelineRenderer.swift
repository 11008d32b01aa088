import Foundation
public import KijkoCore
public import KijkoMedia

/// Why a timeline could not be rendered: the event (and its EDL line) and what is wrong.
public struct RenderError: Error, CustomStringConvertible, Sendable {
    public let event: Int?
    public let clip: String?
    public let message: String

    public init(event: Int? = nil, clip: String? = nil, message: String) {
        self.event = event
        self.clip = clip
        self.message = message
    }

    public var description: String {
        var where_ = ""
        if let event { where_ += "event \(event)" }
        if let clip { where_ += where_.isEmpty ? "clip \(clip)" : " (\(clip))" }
        return where_.isEmpty ? message : "\(where_): \(message)"
    }
}

/// What a render made.
public struct RenderReport: Codable, Sendable {
    public var output: String
    public var frames: Int
    public var seconds: Double
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    public var clips: Int
    public var transitions: Int
    public var gaps: Int
    /// Clips rendered black because no media matched (lenient runs only).
    public var missing: [String]
    /// Events (or, with no event number, clip names) whose ASC CDL was applied.
    public var graded: [String]
    /// The show LUT applied to every clip's picture (its file), if any.
    public var lut: String?
    public var warnings: [String]
    /// Where the time went.
    public var timing: RenderTiming?
}

/// Renders a timeline's first picture track, and the sync sound of its clips, to one file:
/// each clip seeks to its first frame (keyframe before, decode and drop), conforms size and
/// format, follows M2 speed changes and freeze frames; dissolves blend exactly the frames the
/// timeline says; sound is cut with short crossfades and stays sample-locked to picture.
public final class TimelineRenderer {
    public let timeline: Timeline
    public let library: MediaLibrary
    public let settings: RenderSettings
    public let lenient: Bool

    public init(timeline: Timeline, library: MediaLibrary, settings: RenderSettings, lenient: Bool = false) {
        self.timeline = timeline
        self.library = library
        self.settings = settings
        self.lenient = lenient
    }

    /// One clip placed on the record timeline, with its media.
    struct Shot {
        let clip: Clip
        /// Record frame (from the timeline start).
        let start: Int
        let source: MediaLibrary.Source?
        let transition: Transition?
        /// Source frames per record frame: 1 for a cut, 0 for a freeze, M2 speed / rate.
        let scalar: Double
    }

    enum Element {
        case gap(Int)
        case shot(Shot)
    }

    /// Source frames per record frame for an M2 speed. M2 writes speed with one decimal, so 2×
    /// at 29.97 reads "059.9": a ratio within that precision of a hundredth is taken as meant.
    static func speedScalar(fps: Double, rate: Rational) -> Double {
        let scalar = fps / rate.doubleValue
        let snapped = (scalar * 100).rounded() / 100
        return abs(snapped - scalar) <= 0.05 / rate.doubleValue ? snapped : scalar
    }

    /// Places clips, finds their media and checks each has the frames its event needs.
    func plan(warnings: inout [String], missing: inout [String]) throws -> [Element] {
        guard let track = timeline.tracks.first(where: { $0.kind == .video }) else {
            throw RenderError(message: "the timeline has no picture track")
        }
        return try plan(track, warnings: &warnings, missing: &missing)
    }

    /// Places one track's clips and finds their media.
    func plan(_ track: Track, warnings: inout [String], missing: inout [String]) throws -> [Element] {
        var elements: [Element] = []
        var position = 0
        var pending: Transition?
        for item in track.items {
            switch item {
            case .gap(let frames):
                elements.append(.gap(frames))
            case .transition(let t):
                pending = t
            case .clip(let clip):
                let scalar: Double = switch clip.speed {
                case .freeze?: 0
                case .rate(let fps)?: Self.speedScalar(fps: fps, rate: timeline.rate.rate)
                case nil: 1
                }
                var source: MediaLibrary.Source?
                if settings.applyCDL, let cdl = clip.colorDecision, let problem = cdl.problem {
                    throw RenderError(event: clip.event, clip: clip.name, message: "its ASC CDL cannot be applied: \(problem)")
                }
                if clip.isGenerator {
                    source = nil
                } else if let path = library.path(for: clip) {
                    source = try library.source(path)
                    try check(clip, source!, scalar: scalar, warnings: &warnings)
                } else {
                    let problem = RenderError(event: clip.event, clip: clip.name,
                                              message: "no media for reel \(clip.reel ?? "-") in \(library.folders.joined(separator: ", "))")
                    guard lenient else { throw problem }
                    warnings.append(problem.description + ": rendered black")
                    missing.append(clip.name)
                }
                elements.append(.shot(Shot(clip: clip, start: position, source: source, transition: pending, scalar: scalar)))
                pending = nil
            }
            position += item.duration
        }
        return elements
    }

    private func check(_ clip: Clip, _ source: MediaLibrary.Source, scalar: Double, warnings: inout [String]) throws {
        let first = source.fileFrame(atSourceFrame: Double(clip.source.start), timelineRate: timeline.rate)
        let last = source.fileFrame(atSourceFrame: Double(clip.source.start) + Double(max(0, clip.duration - 1)) * scalar,
                                    timelineRate: timeline.rate)
        var problem: String?
        if first < -0.001 {
            problem = "starts at \(Timecode.string(clip.source.start, rate: timeline.rate)), before \(source.path) begins"
                + " (\(Timecode.string(source.startFrame, rate: source.timecodeRate)))"
        } else if Int(last + 0.001) >= source.frames {
            problem = "needs source frame \(Int(last + 0.001)) but \(source.path) has \(source.frames) frames: the source is shorter than the event"
        }
        if let problem {
            let error = RenderError(event: clip.event, clip: clip.name, message: problem)
            guard lenient else { throw error }
            warnings.append(error.description + ": its last frame is held")
        }
    }

    /// Renders to `path` (written under a temporary name, renamed when complete).
    ///
    /// - Parameters:
    ///   - cancel: checked before every frame; once set, the render throws `CancellationError` and
    ///     its partial file is removed.
    ///   - progress: frames written and total, after every frame.
    public func render(to path: String, cancel: CancellationFlag? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> RenderReport {
        var warnings: [String] = []
        var missing: [String] = []
        let elements = try plan(warnings: &warnings, missing: &missing)
        let rate = timeline.rate.rate
        let total = elements.reduce(0) { sum, e in
            switch e { case .gap(let n): sum + n; case .shot(let s): sum + s.clip.duration }
        }
        guard total > 0 else { throw RenderError(message: "the timeline is empty") }

        let clock = RenderClock()
        let muxer = try Muxer(path: path)
        let format = FilterInputFormat.video(width: settings.width, height: settings.height, pixelFormat: settings.pixelFormat,
                                             timeBase: rate.inverted, frameRate: rate)
        let video = try Encoder(settings.videoSettings(rate: rate), format: format, for: muxer)
        try muxer.addStream(for: video, metadata: ["timecode": Timecode.string(timeline.startFrame, rate: timeline.rate)])
        let sound = try AudioWriter(settings.audioSettings, sampleRate: settings.sampleRate, channels: settings.channels, muxer: muxer)
        muxer.setMetadata("timecode", Timecode.string(timeline.startFrame, rate: timeline.rate))
        try muxer.start()
        let mixer = SoundMixer(try soundPlan(pictureElements: elements, warnings: &warnings, missing: &missing),
                               sampleRate: settings.sampleRate, channels: settings.channels)
        let packet = try Packet()
        let black = try blackFrame()

        let burnIn = settings.burnIn.isEmpty ? nil
            : try BurnIn(options: settings.burnIn, width: settings.width, height: settings.height,
                         pixelFormat: settings.pixelFormat, rate: timeline.rate)
        var written = 0
        /// The encoding side: a picture encoded with its sound, or a clip's burn-in begun.
        func consume(_ item: Handed) throws {
            switch item {
            case .failed(let error):
                throw error
            case .begin(let clipName, let event):
                try clock.time(\.encode) { try burnIn?.begin(recordFrame: timeline.startFrame + written, clipName: clipName, event: event) }
            case .picture(let picture):
                try cancel.check()
                picture.pts = Int64(written)
                try clock.time(\.encode) {
                    let frame = try burnIn?.draw(picture) ?? picture
                    try video.send(frame)
                    while try video.receive(into: packet) { try muxer.write(packet, from: video) }
                }
                let from = rescale(Int64(written), from: rate.inverted, to: Rational(1, Int32(settings.sampleRate)))
                let to = rescale(Int64(written + 1), from: rate.inverted, to: Rational(1, Int32(settings.sampleRate)))
                try clock.time(\.sound) { try sound.write(try mixer.render(count: Int(to - from))) }
                written += 1
                progress?(written, total)
            }
        }
        let producerClock = RenderClock()
        var transitions = 0, gaps = 0, clips = 0
        var graded: [String] = []
        let counted = { (t: Int, g: Int, c: Int, d: [String]) in (transitions, gaps, clips, graded) = (t, g, c, d) }
        let ahead = decodesAhead(elements)
        if ahead {
            // Pictures are made (decoded, conformed, graded, blended) on a thread of their own, up to six
            // frames ahead, while this one encodes.
            let queue = BoundedQueue<Handed>(capacity: 6)
            let made = DispatchSemaphore(value: 0)
            let producer = Unchecked {
                do {
                    try self.pictures(elements, black: black, clock: producerClock, hand: { item in
                        guard producerClock.time(\.waitForEncoder, { queue.put(item) }) else { throw CancellationError() }
                    }, counted: counted)
                } catch {
                    queue.put(.failed(error))
                }
                producerClock.stop()
                queue.close()
                made.signal()
            }
            let thread = Thread { producer.body() }
            thread.name = "kijko.render.pictures"
            thread.stackSize = 1 << 23
            thread.start()
            // However this side ends, the producer is stopped and waited for before anything it holds goes.
            defer {
                queue.close(discarding: true)
                made.wait()
            }
            while let item = clock.time(\.waitForPictures, { queue.take() }) { try consume(item) }
        } else {
            // One thread: each picture is encoded as it is made (the encoding counted apart).
            try pictures(elements, black: black, clock: producerClock, hand: { item in
                try producerClock.time(\.waitForEncoder) { try consume(item) }
            }, counted: counted)
            producerClock.stop()
        }
        guard written == total else {
            throw RenderError(message: "wrote \(written) frames for a \(total)-frame timeline")
        }
        try clock.time(\.encode) { try muxer.drain(video, packet: packet) }
        try clock.time(\.sound) { try sound.finish() }
        try clock.time(\.encode) { try muxer.finish() }
        return RenderReport(output: path, frames: written, seconds: Double(written) / rate.doubleValue,
                            width: settings.width, height: settings.height, frameRate: rate, clips: clips,
                            transitions: transitions, gaps: gaps, missing: missing, graded: graded, lut: settings.lut?.file, warnings: warnings,
                            timing: clock.finished(with: producerClock, ahead: ahead))
    }

    /// Whether pictures are made on a thread of their own: when there are more than two cores, or
    /// when the render grades (a LUT, or a clip's CDL). Ungraded on two cores x264 (veryfast, 1080p)
    /// keeps both busy and a second thread only contends: measured 8.6 % slower than one thread
    /// (`scripts/bench assemble`), while a CDL or a LUT ran 3.6–3.9 % faster.
    func decodesAhead(_ elements: [Element]) -> Bool {
        if ProcessInfo.processInfo.activeProcessorCount > 2 || settings.lut != nil { return true }
        return settings.applyCDL && elements.contains { element in
            if case .shot(let shot) = element, shot.source != nil, let cdl = shot.clip.colorDecision { return !cdl.isIdentity }
            return false
        }
    }

    /// What the picture thread hands the encoding thread: a picture, the start of a clip (for the
    /// burn-in), or why it stopped.
    enum Handed {
        case picture(Frame)
        case begin(clipName: String, event: String)
        case failed(any Error)
    }

    /// Makes every picture of the planned elements in record order, handing each to `hand`:
    /// gaps black, clips from their sources (graded), cards, dissolves and wipes; `counted` gets
    /// the transitions, gaps and clips made and the events graded.
    private func pictures(_ elements: [Element], black: Frame, clock: RenderClock, hand: (Handed) throws -> Void,
                          counted: (Int, Int, Int, [String]) -> Void) throws {
        let rate = timeline.rate.rate
        var sources: [String: PictureSource] = [:]
        var graders: [CDL: ColourGrader] = [:]
        var graded: [String] = []
        var previous: Shot?
        func picture(_ shot: Shot, offset: Int) throws -> Frame? {
            try self.picture(shot, offset: offset, sources: &sources, graders: &graders, clock: clock)
        }
        var transitions = 0, gaps = 0, clips = 0
        for element in elements {
            switch element {
            case .gap(let frames):
                gaps += 1
                try hand(.begin(clipName: "", event: ""))
                for _ in 0..<frames { try hand(.picture(try black.reference())) }
                previous = nil
            case .shot(let shot):
                clips += 1
                if settings.applyCDL, shot.source != nil, let cdl = shot.clip.colorDecision, !cdl.isIdentity {
                    graded.append(shot.clip.event.map { String(format: "%03d", $0) } ?? shot.clip.name)
                }
                try hand(.begin(clipName: shot.clip.name, event: shot.clip.event.map { String(format: "%03d", $0) } ?? ""))
                let length = min(shot.transition?.frames ?? 0, shot.clip.duration)
                var wipe: Wipe?
                if let t = shot.transition, length > 0 {
                    transitions += 1
                    if case .wipe(let code) = t.kind {
                        wipe = try Wipe(code: code, length: length, width: settings.width, height: settings.height,
                                        pixelFormat: settings.pixelFormat, rate: rate)
                    }
                }
                let card = try shot.clip.placeholder.map {
                    try PlaceholderCard.frame($0, width: settings.width, height: settings.height,
                                              pixelFormat: settings.pixelFormat, rate: rate)
                }
                for k in 0..<shot.clip.duration {
                    var frame = try picture(shot, offset: k) ?? card?.reference() ?? black.reference()
                    if k < length {
                        // The outgoing clip continues under the transition.
                        let a = try previous.flatMap { try picture($0, offset: $0.clip.duration + k) }
                            ?? black.reference()
                        if let wipe {
                            // xfade may hold frames back until its inputs close: hand them on in order as they come.
                            var wiped = try wipe.push(a, frame, index: k)
                            if k == length - 1 { wiped += try wipe.finish() }
                            for done in wiped { try hand(.picture(done)) }
                            continue
                        } else {
                            try PictureTransition.dissolve(a, frame, index: k, length: length)
                            frame = a
                        }
                    }
                    try hand(.picture(frame))
                }
                previous = shot
            }
        }
        counted(transitions, gaps, clips, graded)
    }

    /// The picture of `shot` at record offset `offset` (which may run past its end, for the
    /// outgoing side of a transition), graded by its clip's ASC CDL and the show LUT; nil when the
    /// clip has no media.
    private func picture(_ shot: Shot, offset: Int, sources: inout [String: PictureSource],
                         graders: inout [CDL: ColourGrader], clock: RenderClock) throws -> Frame? {
        var grader: ColourGrader?
        let cdl = settings.applyCDL ? shot.clip.colorDecision ?? CDL() : CDL()
        if !cdl.isIdentity || settings.lut != nil {
            if let known = graders[cdl] { grader = known } else {
                grader = try ColourGrader(cdl: cdl, lut: settings.lut)
                graders[cdl] = grader
            }
        }
        guard let source = shot.source else { return nil }
        let picture: PictureSource
        if let open = sources[source.path] { picture = open } else {
            picture = try PictureSource(source, width: settings.width, height: settings.height, pixelFormat: settings.pixelFormat, clock: clock)
            sources[source.path] = picture
        }
        let sourceFrame = Double(shot.clip.source.start) + Double(offset) * shot.scalar
        let index = Int((source.fileFrame(atSourceFrame: sourceFrame, timelineRate: timeline.rate) + 1e-6).rounded(.down))
        if let frame = try picture.picture(min(index, source.frames - 1), grader: grader) { return frame }
        return try picture.picture(source.frames - 1, grader: grader)
    }

    private func blackFrame() throws -> Frame {
        let graph = try FilterGraph("color=c=black:s=\(settings.width)x\(settings.height):r=\(timeline.rate.rate),format=\(settings.pixelFormat.name)")
        let frame = try Frame()
        guard try graph.pull(into: frame) == .frame else { throw RenderError(message: "no black frame") }
        return frame
    }

    /// The sound of the cut. With audio tracks (an EDL's A1, A2 …), their clips: A1 plays its
    /// source's first channel on the left, A2 its second on the right, and a lone A1 plays on both.
    /// Without, each picture clip brings its own sound (sync sound).
    func soundPlan(pictureElements: [Element], warnings: inout [String], missing: inout [String]) throws -> [SoundSegment] {
        let audioTracks = timeline.tracks.filter { $0.kind == .audio }
        guard !audioTracks.isEmpty else { return soundSegments(pictureElements) }
        var segments: [SoundSegment] = []
        var ignored = Set<String>()
        for (index, track) in audioTracks.enumerated() {
            guard index < 2 else { ignored.insert(track.name); continue }
            var trackMissing: [String] = []
            let elements = try plan(track, warnings: &warnings, missing: &trackMissing)
            let routing: [(output: Int, source: Int)]
            if audioTracks.count == 1 {
                routing = (0..<settings.channels).map { ($0, 0) }
            } else {
                routing = [(min(index, settings.channels - 1), index)]
            }
            segments += soundSegments(elements).map { segment in
                var routed = segment
                routed.routing = routing
                return routed
            }
        }
        if !ignored.isEmpty {
            warnings.append("audio tracks \(ignored.sorted().joined(separator: ", ")) are not mixed (A1 and A2 are)")
        }
        return segments
    }

    /// Sound segments for planned clips: each clip's own source sound, overlapping its
    /// neighbours by a short crossfade at cuts and by the transition's length at dissolves and wipes.
    func soundSegments(_ elements: [Element]) -> [SoundSegment] {
        let sr = Rational(1, Int32(settings.sampleRate))
        let frame = timeline.rate.rate.inverted
        func samples(_ frames: Int) -> Int64 { rescale(Int64(frames), from: frame, to: sr) }
        let h = Int64(settings.cutCrossfadeSamples / 2)
        var segments: [SoundSegment] = []
        for (i, element) in elements.enumerated() {
            guard case .shot(let shot) = element else { continue }
            let start = samples(shot.start), end = samples(shot.start + shot.clip.duration)
            var segment = SoundSegment(path: shot.scalar == 1 ? shot.source?.path : nil, sourceSample: 0,
                                       start: start, end: end, fadeIn: 0, fadeOut: 0)
            if let t = shot.transition, t.frames > 0 {
                segment.fadeIn = samples(min(t.frames, shot.clip.duration))
            } else if i > 0 {
                if case .shot = elements[i - 1] { segment.start -= h; segment.fadeIn = 2 * h } else { segment.fadeIn = h }
            }
            if i + 1 < elements.count {
                switch elements[i + 1] {
                case .shot(let next):
                    if let t = next.transition, t.frames > 0 {
                        let extra = samples(min(t.frames, next.clip.duration))
                        segment.end += extra
                        segment.fadeOut = extra
                    } else {
                        segment.end += h
                        segment.fadeOut = 2 * h
                    }
                case .gap:
                    segment.fadeOut = h
                }
            }
            if let source = shot.source {
                let fileFrame = source.fileFrame(atSourceFrame: Double(shot.clip.source.start), timelineRate: timeline.rate)
                let seconds = fileFrame / source.rate.doubleValue
                segment.sourceSample = Int64((seconds * Double(settings.sampleRate)).rounded()) - (start - segment.start)
            }
            segments.append(segment)
        }
        return segments
    }
}
