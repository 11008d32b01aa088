internal import CFFmpeg

/// Decoded frames of one stream of a file, in presentation order, with frame-accurate seeking.
/// Video from phones is turned upright when the stream carries a display matrix.
///
///     let reader = try FrameReader(path: "master.mp4")
///     try reader.seek(toFrame: 48)
///     let frame = try Frame()
///     while try reader.next(into: frame) { … }
public final class FrameReader {
    public let input: Demuxer
    public let decoder: Decoder
    /// The stream read.
    public let streamIndex: Int
    /// Exact frame rate of a video stream (the stream's own, 30000/1001 for NTSC).
    public let frameRate: Rational
    /// The time base of frame timestamps (the stream's).
    public let timeBase: Rational
    /// The pts of the first frame (edit lists and B-frame delay already applied by the demuxer).
    public let startPTS: Int64
    /// The display-matrix rotation (ffprobe convention) that `next` undoes, or nil.
    public let rotation: Int?
    /// The stream's colour description, to carry to outputs.
    public let colour: ColourProperties

    private let packet: Packet
    private var upright: FilterGraph?
    private var draining = false
    private var dropBefore: Int64?

    /// Opens the best stream of `type` in `path`.
    ///
    /// - Parameter applyRotation: turn rotated video upright (ffmpeg's autorotate).
    /// - Throws: ``MediaError`` when the file has no such stream or it cannot be decoded.
    /// - Parameter fastDecode: for analysis only (see ``Decoder``): no deblocking, libav's fast paths.
    /// - Parameter quantisers: have the decoder export each picture's quantisers (H.264).
    public init(path: String, type: MediaType = .video, applyRotation: Bool = true, threads: Int = 0,
                fastDecode: Bool = false, quantisers: Bool = false) throws(MediaError) {
        input = try Demuxer(path: path)
        try input.verifyIndexWithinFile()
        guard let index = input.bestStream(type) else {
            throw MediaError(file: path, stage: .probe, reason: "no \(type.rawValue) stream")
        }
        streamIndex = index
        decoder = try Decoder(input, stream: index, threads: threads, fast: fastDecode, quantisers: quantisers)
        let st = input.stream(index)
        timeBase = Rational(st.pointee.time_base)
        let guessed = av_guess_frame_rate(input.context, st, nil)
        frameRate = guessed.num > 0 ? Rational(guessed) : Rational(25, 1)
        startPTS = st.pointee.start_time == noPTS ? 0 : st.pointee.start_time
        packet = try Packet()
        colour = ColourProperties(codec: st.pointee.codecpar)
        rotation = type == .video ? Rotation.displayMatrixDegrees(of: st) : nil
        if applyRotation, let rotation, let chain = Rotation.uprightFilter(degrees: rotation) {
            upright = try FilterGraph("[in]\(chain)[out]", inputs: ["in": .of(decoder)])
        }
    }

    /// The format of the frames ``next(into:)`` returns (upright, when the stream was rotated):
    /// what a filter graph fed from this reader takes.
    public var frameFormat: FilterInputFormat { upright?.outputFormat() ?? .of(decoder) }

    /// The pts of frame `n` (counted from the first frame at the stream's frame rate).
    public func pts(ofFrame n: Int) -> Int64 {
        startPTS + rescale(Int64(n), from: frameRate.inverted, to: timeBase)
    }

    /// The index of the frame with timestamp `pts` (nearest frame at the stream's frame rate).
    public func frameIndex(ofPTS pts: Int64) -> Int {
        Int(rescale(pts - startPTS, from: timeBase, to: frameRate.inverted))
    }

    /// Positions the reader so that the next frame is frame `n`: seeks to the keyframe at or
    /// before it, then decodes and drops the frames in between.
    public func seek(toFrame n: Int) throws(MediaError) {
        try seek(toPTS: pts(ofFrame: n))
    }

    /// Positions the reader so that the next frame is the first with pts at or after `target`
    /// (less half a frame, so rounding in the container's time base cannot skip the frame).
    public func seek(toPTS target: Int64) throws(MediaError) {
        try seekToKeyframe(before: target)
        let halfFrame = rescale(1, from: frameRate.inverted, to: timeBase) / 2
        dropBefore = target - halfFrame
    }

    /// Seeks to the keyframe at or before `target` and decodes from there, dropping nothing
    /// (callers that trim by themselves, such as ``AudioSampleReader``).
    public func seekToKeyframe(before target: Int64) throws(MediaError) {
        try input.seek(stream: streamIndex, toKeyframeBefore: target)
        decoder.flush()
        draining = false
        dropBefore = nil
        if upright != nil, let chain = Rotation.uprightFilter(degrees: rotation ?? 0) {
            upright = try FilterGraph("[in]\(chain)[out]", inputs: ["in": .of(decoder)])
        }
    }

    /// Decodes the next frame into `frame`; false at the end of the stream.
    public func next(into frame: Frame) throws(MediaError) -> Bool {
        while true {
            guard try nextDecoded(into: frame) else { return false }
            if let limit = dropBefore {
                if let ts = frame.bestEffortTimestamp, ts < limit { continue }
                dropBefore = nil
            }
            frame.pts = frame.bestEffortTimestamp
            return true
        }
    }

    private func nextDecoded(into frame: Frame) throws(MediaError) -> Bool {
        guard let graph = upright else { return try nextFromDecoder(into: frame) }
        while true {
            switch try graph.pull(into: frame) {
            case .frame: return true
            case .end: return false
            case .needsInput:
                let raw = try Frame()
                if try nextFromDecoder(into: raw) {
                    raw.pts = raw.bestEffortTimestamp
                    try graph.push(raw)
                } else {
                    try graph.push(nil)
                }
            }
        }
    }

    /// Go on past packets the decoder rejects (damaged data), counting them, instead of throwing:
    /// for audits that must see as much of a file as can be read.
    public var skipsDamagedPackets = false
    /// Packets rejected so far, and the frame count reached when the first was (with
    /// ``skipsDamagedPackets``).
    public private(set) var damagedPackets = 0
    public private(set) var firstDamageAtFrame: Int?
    /// Frames the decoder gave out with damage hidden (error concealment, a corrupt flag), and
    /// the index of the first: a picture or sound that looks whole but is not. Error resilience's
    /// concealments are counted from their flags or their log lines, whichever saw more: under
    /// frame threading a picture can be handed out before its flag is set, its line is always
    /// logged. Other damage flags are counted as they come.
    public var concealedFrames: Int { flagged.count(logged: decoder.loggedConcealments) }
    /// The first flagged frame, exact while the flags saw every concealment logged; else the
    /// earlier of it and the count of frames given out when the first line was logged (the
    /// picture is at or a few frames after that).
    public var firstConcealedFrame: Int? {
        if firstConcealedFrameIsExact { return firstFlaggedFrame }
        guard let near = firstLoggedConcealmentNearFrame else { return firstFlaggedFrame }
        return min(firstFlaggedFrame ?? near, near)
    }
    /// Whether ``firstConcealedFrame`` is exact (every concealment logged was flagged too).
    public var firstConcealedFrameIsExact: Bool { firstFlaggedFrame != nil && flagged.flagsSawAll(logged: decoder.loggedConcealments) }
    private var flagged = ConcealedFrames()
    private var firstFlaggedFrame: Int?
    private var firstLoggedConcealmentNearFrame: Int?
    /// Frames decoded so far (before any trim).
    public private(set) var decodedFrames = 0
    /// Error messages the decoder has logged (damage met, on whatever thread), and the count of
    /// frames given out when the first was noticed: with frame threading the damaged frame is at
    /// or a few frames after it. Deterministic where a frame's flags are not.
    public var loggedErrors: Int { decoder.loggedErrors }
    public private(set) var firstLoggedErrorNearFrame: Int?

    private func nextFromDecoder(into frame: Frame) throws(MediaError) -> Bool {
        var failures = 0
        while true {
            do {
                if try decoder.receive(into: frame) {
                    if flagged.saw(frame), firstFlaggedFrame == nil { firstFlaggedFrame = decodedFrames }
                    noteLoggedErrors()
                    decodedFrames += 1
                    return true
                }
            } catch {
                guard skipsDamagedPackets, failures < 1000 else { throw error }
                failures += 1
                noteDamage()
                continue
            }
            if draining {
                noteLoggedErrors()
                return false
            }
            if try input.read(into: packet) {
                guard packet.streamIndex == streamIndex else { continue }
                do {
                    try decoder.send(packet)
                } catch {
                    guard skipsDamagedPackets, failures < 1000 else { throw error }
                    failures += 1
                    noteDamage()
                }
            } else {
                try decoder.send(nil)
                draining = true
            }
        }
    }

    private func noteLoggedErrors() {
        if firstLoggedErrorNearFrame == nil, decoder.loggedErrors > 0 { firstLoggedErrorNearFrame = decodedFrames }
        if firstLoggedConcealmentNearFrame == nil, decoder.loggedConcealments > 0 { firstLoggedConcealmentNearFrame = decodedFrames }
    }

    private func noteDamage() {
        damagedPackets += 1
        if firstDamageAtFrame == nil { firstDamageAtFrame = decodedFrames }
    }
}
