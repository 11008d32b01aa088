import Foundation
public import KijkoCore
public import KijkoPresets
import KijkoMedia

/// Audits one file against a profile in a single pass: each picture is read in full once for
/// black, freeze and level statistics, and the sound is measured alongside (loudness, true peak,
/// silence, clipping). Memory stays flat whatever the length: per frame only a few numbers are kept.
public struct QCAuditor {
    public let file: String
    public let profile: QCProfile
    /// A delivery preset the file must conform to (`--spec`), if any.
    public let spec: PlatformPreset?

    public init(file: String, profile: QCProfile, spec: PlatformPreset? = nil) {
        self.file = file
        self.profile = profile
        self.spec = spec
    }

    /// Runs the audit. `progress` gets pictures read and the expected total. Once `cancel` is set,
    /// picture and sound stop between frames and the audit throws `CancellationError`.
    public func run(cancel: CancellationFlag? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> QCReport {
        let info = try Probe.file(file)
        guard info.first(.video) != nil else {
            throw MediaError(file: file, stage: .probe, reason: "no video stream to audit")
        }
        let reader = try FrameReader(path: file, quantisers: profile.blockiness != nil)
        reader.skipsDamagedPackets = true
        let audio = info.first(.audio) != nil ? try FrameReader(path: file, type: .audio) : nil
        audio?.skipsDamagedPackets = true
        let sound = try audio.map { try SoundMeter(format: $0.frameFormat, profile: profile) }
        let meter = PictureMeter(profile: profile)
        let rate = reader.frameRate
        let total = info.first(.video)?.frameCount ?? Int(((info.first(.video)?.duration ?? 0) * rate.doubleValue).rounded())

        // Three threads: this one decodes the picture; one measures each picture (frame
        // references pass through a bounded queue, so memory stays flat); one decodes and
        // measures the sound from its own reader.
        let pictures = BoundedQueue<Frame>(capacity: 8)
        let analysis = PictureWork(meter: meter, input: reader.frameFormat, timeBase: reader.timeBase, startPTS: reader.startPTS)
        let pictureThread = Thread { analysis.run(pictures) }
        pictureThread.stackSize = 1 << 22
        pictureThread.start()
        let listening = SoundWork(reader: audio, meter: sound, cancel: cancel)
        if audio != nil {
            let soundThread = Thread { listening.run() }
            soundThread.stackSize = 1 << 22
            soundThread.start()
        } else {
            listening.done.signal()
        }
        var (_, note) = Self.decode(reader, into: pictures, total: total, cancel: cancel, progress: progress)
        pictures.close()
        analysis.done.wait()
        listening.done.wait()
        try cancel.check()
        let stats = analysis.stats
        var damageAt: Int?
        if reader.damagedPackets > 0 {
            let at = reader.firstDamageAtFrame ?? 0
            damageAt = at
            let damage = "\(reader.damagedPackets) damaged packet\(reader.damagedPackets == 1 ? "" : "s") skipped, the first after frame \(at); the rest was audited"
            note = note.map { "\($0); \(damage)" } ?? damage
        }
        if reader.concealedFrames > 0 {
            let at = reader.firstConcealedFrame ?? 0
            damageAt = min(damageAt ?? at, at)
            let damage = "\(English.count(reader.concealedFrames, "picture")) decoded with damage concealed by the decoder, the first at \(reader.firstConcealedFrameIsExact ? "" : "or just after ")frame \(at)"
            note = note.map { "\($0); \(damage)" } ?? damage
        } else if reader.loggedErrors > reader.damagedPackets {
            // Frame threading can hand a picture out before its concealment is flagged; the
            // decoder's own error messages are counted whatever the timing.
            let at = reader.firstLoggedErrorNearFrame ?? 0
            damageAt = min(damageAt ?? at, at)
            let damage = "the picture decoder met damaged data \(English.count(reader.loggedErrors - reader.damagedPackets, "time")) and concealed it, the first at or just after frame \(at)"
            note = note.map { "\($0); \(damage)" } ?? damage
        }
        if let failure = listening.failure {
            note = (note.map { $0 + "; " } ?? "") + "sound decoding stopped: \(failure)"
        }
        if let audio {
            var sound: [String] = []
            if audio.damagedPackets > 0 { sound.append("\(English.count(audio.damagedPackets, "damaged packet")) skipped") }
            if audio.concealedFrames > 0 { sound.append("\(English.count(audio.concealedFrames, "frame")) decoded with damage concealed") }
            else if audio.loggedErrors > audio.damagedPackets {
                sound.append("the decoder met damaged data \(English.count(audio.loggedErrors - audio.damagedPackets, "time"))")
            }
            if audio.decodedFrames == 0 { sound.append("the sound stream the file declares never decoded") }
            if !sound.isEmpty {
                note = (note.map { $0 + "; " } ?? "") + "sound: " + sound.joined(separator: ", ")
                damageAt = damageAt ?? 0
            }
        }
        return report(stats: stats, times: analysis.times, sound: listening.result, rate: rate, info: info, note: note, damageAt: damageAt,
                      unmeasured: analysis.unmeasured > 0 ? (analysis.unmeasured, analysis.firstUnmeasured ?? 0) : nil)
    }

    /// Decodes every picture into `queue`; returns how many, and where decoding broke if it did.
    static func decode(_ reader: FrameReader, into queue: BoundedQueue<Frame>, total: Int, cancel: CancellationFlag? = nil,
                       progress: ((Int, Int) -> Void)?) -> (Int, String?) {
        var count = 0
        do {
            let frame = try Frame()
            while cancel?.isCancelled != true, try reader.next(into: frame) {
                queue.put(try frame.reference())
                count += 1
                progress?(count, total)
            }
            return (count, nil)
        } catch {
            return (count, "decoding stopped after \(count) frames: \(error.reason)")
        }
    }

    func report(stats: [PictureStatistics], times: [Double] = [], sound: SoundMeter.Result?, rate: Rational, info: MediaInfo,
                note: String?, damageAt: Int? = nil, unmeasured: (count: Int, first: Int)? = nil) -> QCReport {
        var issues: [QCReport.Issue] = []
        let fps = rate.doubleValue
        let clock = FrameClock(times: times, fps: fps)
        func issue(_ check: String, _ run: Range<Int>, measured: Double?, threshold: Double?, _ message: String,
                   severity: QCReport.Severity = .error, fix: String?) {
            issues.append(QCReport.Issue(check: check, severity: severity, startFrame: run.lowerBound, endFrame: run.upperBound,
                                         start: clock.time(run.lowerBound), end: clock.time(run.upperBound),
                                         measured: measured, threshold: threshold, message: message, thumbnail: nil, fix: fix))
        }
        // Every check in the registry reads the same measurements.
        let evidence = QCEvidence(stats: stats, sound: sound, profile: profile, info: info, spec: spec, clock: clock, fps: fps,
                                  note: note, damageAt: damageAt, unmeasured: unmeasured)
        for check in QCChecks.all {
            for finding in check.findings(evidence) {
                issue(check.info.id, finding.run, measured: finding.measured, threshold: finding.threshold, finding.message, severity: finding.severity,
                      fix: check.fix(finding, evidence))
            }
        }
        let videoDuration = clock.time(stats.count)
        let audioDuration = sound.map { Double($0.samples) / Double($0.sampleRate) }
        issues.sort { ($0.startFrame, $0.check) < ($1.startFrame, $1.check) }
        let measurements = QCReport.Measurements(
            frames: stats.count, frameRate: rate, videoDuration: videoDuration, audioDuration: audioDuration,
            integratedLoudness: sound?.loudness.map { ($0.integrated * 10).rounded() / 10 },
            loudnessRange: sound?.loudness.map { ($0.range * 10).rounded() / 10 },
            truePeak: sound?.loudness.map { ($0.truePeak * 10).rounded() / 10 },
            lumaLow: stats.map(\.lumaLow).min(), lumaHigh: stats.map(\.lumaHigh).max(),
            variableFrameRate: clock.isVariable ? true : nil)
        let failed = issues.contains { $0.severity == .error }
        var made = QCReport(file: file, profile: profile.name, spec: spec?.name, status: note != nil && stats.isEmpty ? .unreadable : (failed ? .fail : .pass),
                            measurements: measurements, issues: issues, note: note)
        made.timeline = timeline(stats: stats, sound: sound, info: info)
        return made
    }

    /// The programme over time, thinned to at most ``QCReport/Timeline/most`` points.
    func timeline(stats: [PictureStatistics], sound: SoundMeter.Result?, info: MediaInfo) -> QCReport.Timeline? {
        guard !stats.isEmpty else { return nil }
        let most = QCReport.Timeline.most
        let per = max(1, (stats.count + most - 1) / most)
        var low: [Int] = [], mean: [Double] = [], high: [Int] = [], cb: [Double] = [], cr: [Double] = [], outside: [Double] = []
        for start in stride(from: 0, to: stats.count, by: per) {
            let group = stats[start..<min(stats.count, start + per)]
            func average(_ value: KeyPath<PictureStatistics, Float>) -> Double {
                (Double(group.reduce(Float(0)) { $0 + $1[keyPath: value] }) / Double(group.count) * 10).rounded() / 10
            }
            low.append(group.map(\.lumaLow).min() ?? 0)
            high.append(group.map(\.lumaHigh).max() ?? 0)
            mean.append(average(\.lumaMean))
            cb.append(average(\.cbMean))
            cr.append(average(\.crMean))
            outside.append(((group.map(\.chromaOutside).max() ?? 0) * 10_000).rounded() / 10_000)
        }
        var line = QCReport.Timeline(startTimecode: info.startTimecode, framesPerPoint: per, lumaLow: low, lumaMean: mean, lumaHigh: high,
                                     lumaLegal: profile.lumaRange.map { [$0.low, $0.high] }, loudnessTarget: profile.loudness?.target)
        line.cbMean = cb
        line.crMean = cr
        line.chromaOutside = profile.chromaRange == nil ? nil : outside
        line.chromaTolerated = profile.chromaRange?.pictureShare
        if let points = sound?.loudnessSeries, !points.isEmpty {
            let every = max(1, (points.count + most - 1) / most)
            func thin(_ value: (LoudnessPoint) -> Double) -> [Double] {
                stride(from: 0, to: points.count, by: every).map { i in
                    let group = points[i..<min(points.count, i + every)].map(value)
                    return ((group.max() ?? -70) * 10).rounded() / 10
                }.map { max(-70, $0) }
            }
            line.secondsPerLoudnessPoint = 0.1 * Double(every)
            line.momentary = thin(\.momentary)
            line.shortTerm = thin(\.shortTerm)
        }
        return line
    }
}

/// The picture thread: measures each frame against the one before. Pictures not in planar YUV
/// (RGB, semi-planar, grey) pass through a `format=yuv444p` graph first.
final class PictureWork: @unchecked Sendable {
    let meter: PictureMeter
    let input: FilterInputFormat
    let timeBase: Rational
    let startPTS: Int64
    let done = DispatchSemaphore(value: 0)
    private(set) var stats: [PictureStatistics] = []
    /// Pictures that could not be measured (a pixel format the meter cannot read, a conversion
    /// that failed), and the first: counted and reported, never taken as clean.
    private(set) var unmeasured = 0
    private(set) var firstUnmeasured: Int?
    /// Each picture's time from the start, seconds, from its timestamp.
    private(set) var times: [Double] = []

    init(meter: PictureMeter, input: FilterInputFormat, timeBase: Rational, startPTS: Int64) {
        self.meter = meter
        self.input = input
        self.timeBase = timeBase
        self.startPTS = startPTS
    }

    /// What stands for a picture that could not be measured: nothing wrong, nothing known.
    static let unmeasured = PictureStatistics(blackShare: 0, lumaOutside: 0, chromaOutside: 0, difference: nil, lumaLow: 0, lumaHigh: 255)

    static func isPlanarYUV(_ format: PixelFormat) -> Bool {
        format.name.hasPrefix("yuv") && !format.name.hasPrefix("yuyv") && format.bitDepth != nil
    }

    func run(_ queue: BoundedQueue<Frame>) {
        var previous: Frame?
        var scratch = EightBitPlanes()
        var checkedFormat: (format: PixelFormat, planar: Bool)?
        var converter: FilterGraph?
        while var frame = queue.take() {
            let pts = frame.pts ?? frame.bestEffortTimestamp
            let quantiser = frame.meanH264Quantiser
            times.append(pts.map { Double($0 - startPTS) * timeBase.doubleValue } ?? (times.last.map { $0 + 1e-9 } ?? 0))
            // Whether pictures need converting is decided once per pixel format, not per picture.
            if frame.pixelFormat != checkedFormat?.format {
                checkedFormat = (frame.pixelFormat, Self.isPlanarYUV(frame.pixelFormat))
            }
            if checkedFormat?.planar != true {
                if converter == nil { converter = try? FilterGraph("[in]format=yuv444p[out]", inputs: ["in": input]) }
                guard let graph = converter, let converted = try? Frame(), (try? graph.push(frame)) != nil,
                      (try? graph.pull(into: converted)) == .frame else {
                    noteUnmeasured()
                    stats.append(Self.unmeasured)
                    continue
                }
                frame = converted
            }
            var measured = meter.measure(frame, previous: previous, scratch: &scratch)
            if measured == nil { noteUnmeasured() }
            if let quantiser { measured?.quantiser = Float(quantiser) }
            stats.append(measured ?? Self.unmeasured)
            previous = frame
        }
        done.signal()
    }

    private func noteUnmeasured() {
        if firstUnmeasured == nil { firstUnmeasured = stats.count }
        unmeasured += 1
    }
}

/// The sound thread: decodes the audio stream and measures it.
final class SoundWork: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let reader: FrameReader?
    private let meter: SoundMeter?
    private let cancel: CancellationFlag?
    private(set) var result: SoundMeter.Result?
    private(set) var failure: String?

    init(reader: FrameReader?, meter: SoundMeter?, cancel: CancellationFlag? = nil) {
        self.reader = reader
        self.meter = meter
        self.cancel = cancel
    }

    func run() {
        guard let reader, let meter else { done.signal(); return }
        do {
            let frame = try Frame()
            while cancel?.isCancelled != true, try reader.next(into: frame) { try meter.add(frame) }
        } catch {
            failure = error.reason
        }
        result = try? meter.finish()
        done.signal()
    }
}
