import Foundation
public import KijkoDelivery
public import KijkoMedia

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

    /// Runs the audit. `progress` gets pictures read and the expected total.
    public func run(progress: ((Int, Int) -> Void)? = nil) throws -> QCReport {
        let info = try Probe.file(file)
        guard info.first(.video) != nil else {
            throw MediaError(file: file, stage: .probe, reason: "no video stream to audit")
        }
        let reader = try FrameReader(path: file)
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
        let listening = SoundWork(reader: audio, meter: sound)
        if audio != nil {
            let soundThread = Thread { listening.run() }
            soundThread.stackSize = 1 << 22
            soundThread.start()
        } else {
            listening.done.signal()
        }
        var (_, note) = Self.decode(reader, into: pictures, total: total, progress: progress)
        pictures.close()
        analysis.done.wait()
        listening.done.wait()
        let stats = analysis.stats
        var damageAt: Int?
        if reader.damagedPackets > 0 {
            let at = reader.firstDamageAtFrame ?? 0
            damageAt = at
            let damage = "\(reader.damagedPackets) damaged packet\(reader.damagedPackets == 1 ? "" : "s") skipped, the first after frame \(at); the rest was audited"
            note = note.map { "\($0); \(damage)" } ?? damage
        }
        if let failure = listening.failure, note == nil { note = "sound decoding stopped: \(failure)" }
        return report(stats: stats, times: analysis.times, sound: listening.result, rate: rate, info: info, note: note, damageAt: damageAt)
    }

    /// Decodes every picture into `queue`; returns how many, and where decoding broke if it did.
    static func decode(_ reader: FrameReader, into queue: BoundedQueue<Frame>, total: Int,
                       progress: ((Int, Int) -> Void)?) -> (Int, String?) {
        var count = 0
        do {
            let frame = try Frame()
            while try reader.next(into: frame) {
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
                note: String?, damageAt: Int? = nil) -> QCReport {
        var issues: [QCReport.Issue] = []
        let fps = rate.doubleValue
        let clock = FrameClock(times: times, fps: fps)
        func issue(_ check: String, _ run: Range<Int>, measured: Double?, threshold: Double?, _ message: String,
                   severity: QCReport.Severity = .error) {
            issues.append(QCReport.Issue(check: check, severity: severity, startFrame: run.lowerBound, endFrame: run.upperBound,
                                         start: clock.time(run.lowerBound), end: clock.time(run.upperBound),
                                         measured: measured, threshold: threshold, message: message, thumbnail: nil))
        }
        func frames(_ seconds: Double) -> Int { max(1, Int((seconds * fps).rounded())) }

        if let black = profile.black {
            for run in Runs.find(stats.map { $0.blackShare >= black.pictureShare }, minimum: frames(black.minSeconds)) {
                let worst = stats[run].map(\.blackShare).max() ?? 0
                issue("black", run, measured: worst, threshold: black.pictureShare,
                      String(format: "black picture for %.2f s (%d frames)", clock.seconds(run), run.count))
            }
        }
        if let freeze = profile.freeze {
            let flags = stats.map { ($0.difference ?? .infinity) <= freeze.differenceMax }
            for run in Runs.find(flags, minimum: frames(freeze.minSeconds)) {
                let worst = stats[run].compactMap(\.difference).max() ?? 0
                issue("freeze", run, measured: worst, threshold: freeze.differenceMax,
                      String(format: "frozen picture for %.2f s (%d frames)", clock.seconds(run), run.count))
            }
        }
        if let flash = profile.flash {
            // Luminance transitions: the area got brighter or darker. Red transitions: the share of
            // saturated red changed by the area, to or from red.
            let luminance = stats.map { $0.rose >= flash.area ? 1 : ($0.fell >= flash.area ? -1 : 0) }
            let red = stats.indices.map { n -> Int in
                guard n > 0 else { return 0 }
                let change = Double(stats[n].redShare - stats[n - 1].redShare)
                return change >= flash.area ? 1 : (change <= -flash.area ? -1 : 0)
            }
            for (kind, directions) in [("", luminance), ("saturated red ", red)] {
                for (run, count) in Self.flashRuns(directions, fps: fps, maxPerSecond: flash.maxPerSecond) {
                    issue("flash", run, measured: Double(count), threshold: Double(flash.maxPerSecond),
                          String(format: "%d %@flashes in %.2f s (more than %d in a second): a photosensitivity risk", count, kind,
                                 clock.seconds(run), flash.maxPerSecond))
                }
            }
        }
        if let box = profile.letterbox, let video = info.first(.video), let width = video.width, let height = video.height {
            let tall = Int16(box.maxShare * Double(height)), wide = Int16(box.maxShare * Double(width))
            for (kind, flags) in [("letterbox", stats.map { min($0.bars[0], $0.bars[1]) > tall }),
                                  ("pillarbox", stats.map { min($0.bars[2], $0.bars[3]) > wide })] {
                for run in Runs.find(flags, minimum: frames(box.minSeconds)) {
                    let bars = stats[run.lowerBound + run.count / 2].bars
                    let active = (width - Int(bars[2]) - Int(bars[3]), height - Int(bars[0]) - Int(bars[1]))
                    let sides = kind == "letterbox" ? "\(bars[0]) px top, \(bars[1]) px bottom" : "\(bars[2]) px left, \(bars[3]) px right"
                    var text = String(format: "%@: black bars %@, active picture %dx%d (%.2f:1) for %.2f s", kind, sides, active.0, active.1,
                                      Double(active.0) / Double(max(1, active.1)), clock.seconds(run))
                    if let spec { text += " (\(spec.name) wants the full \(spec.width)x\(spec.height) picture)" }
                    issue("letterbox", run, measured: Double(kind == "letterbox" ? bars[0] + bars[1] : bars[2] + bars[3]),
                          threshold: Double(kind == "letterbox" ? tall : wide), text, severity: box.severity)
                }
            }
        }
        if let block = profile.blockiness {
            let flags = stats.map { Double($0.blockEdge) >= block.edgeShare && Double($0.blockEdge) >= block.ratioMax * Double($0.blockInside) }
            for run in Runs.find(flags, minimum: frames(block.minSeconds)) {
                let worst = stats[run].map { Double($0.blockEdge) }.max() ?? 0
                issue("blockiness", run, measured: worst, threshold: block.edgeShare,
                      String(format: "compression blocking: the picture steps at %.0f %% of its 8x8 block edges for %.2f s", worst * 100,
                             clock.seconds(run)))
            }
        }
        if let comb = profile.interlace {
            let ratios = stats.map { Double($0.combAcross) / Double(max($0.combWithin, 0.5)) }
            let flags = stats.indices.map { Double(stats[$0].combAcross) >= comb.minStep && ratios[$0] >= comb.ratioMax }
            for run in Runs.find(flags, minimum: frames(comb.minSeconds)) {
                let worst = ratios[run].max() ?? 0
                issue("interlace", run, measured: worst, threshold: comb.ratioMax,
                      String(format: "interlace combing on a picture flagged progressive (%.1fx) for %.2f s", worst, clock.seconds(run)))
            }
        }
        for (check, range, value) in [("luma_range", profile.lumaRange, \PictureStatistics.lumaOutside),
                                      ("chroma_range", profile.chromaRange, \PictureStatistics.chromaOutside)] {
            guard let range else { continue }
            for run in Runs.find(stats.map { $0[keyPath: value] > range.pictureShare }, minimum: 1) {
                let worst = stats[run].map { $0[keyPath: value] }.max() ?? 0
                issue(check, run, measured: worst, threshold: range.pictureShare,
                      String(format: "%.1f %% of the picture outside %d–%d for %d frames", worst * 100, range.low, range.high, run.count))
            }
        }
        let all = 0..<stats.count
        if let sound {
            func toFrames(_ samples: Range<Int>) -> Range<Int> {
                let rate = Double(sound.sampleRate)
                return clock.frame(at: Double(samples.lowerBound) / rate)..<clock.frame(after: Double(samples.upperBound) / rate)
            }
            if let loud = sound.loudness, let target = profile.loudness, loud.integrated > -70,
               abs(loud.integrated - target.target) > target.tolerance {
                issue("loudness", all, measured: loud.integrated, threshold: target.target,
                      String(format: "integrated loudness %.1f LUFS, target %.1f ±%.1f", loud.integrated, target.target, target.tolerance))
            }
            if let loud = sound.loudness, let ceiling = profile.truePeakMax, loud.truePeak > ceiling {
                issue("true_peak", all, measured: loud.truePeak, threshold: ceiling,
                      String(format: "true peak %.1f dBTP over %.1f", loud.truePeak, ceiling))
            }
            if let silence = profile.silence {
                let minimum = max(1, Int((silence.minSeconds * Double(sound.sampleRate) / Double(sound.window)).rounded()))
                for run in Runs.find(sound.silentWindows, minimum: minimum) {
                    let samples = (run.lowerBound * sound.window)..<min(sound.samples, run.upperBound * sound.window)
                    issue("silence", toFrames(samples), measured: nil, threshold: silence.levelDb,
                          String(format: "silence (under %.0f dBFS) for %.2f s", silence.levelDb, Double(samples.count) / Double(sound.sampleRate)))
                }
            }
            if let seconds = profile.channelFaultSeconds {
                let minimum = max(1, Int((seconds * Double(sound.sampleRate) / Double(sound.window)).rounded()))
                for (kind, what) in [(UInt8(1), "silent"), (2, "a copy of channel 1"), (3, "channel 1 inverted")] {
                    for run in Runs.find(sound.channelFaults.map { $0 == kind }, minimum: minimum) {
                        let samples = (run.lowerBound * sound.window)..<min(sound.samples, run.upperBound * sound.window)
                        let channel = sound.faultChannels[run.lowerBound]
                        issue("channels", toFrames(samples), measured: Double(channel), threshold: nil,
                              String(format: "channel %d is %@ for %.2f s", channel, what, Double(samples.count) / Double(sound.sampleRate)))
                    }
                }
            }
            if profile.clipping != nil {
                // Clips under 100 ms apart are one event.
                var merged: [Range<Int>] = []
                for clip in sound.clips.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                    if let last = merged.last, clip.lowerBound <= last.upperBound + sound.sampleRate / 10 {
                        merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, clip.upperBound)
                    } else { merged.append(clip) }
                }
                for clip in merged {
                    issue("audio_clipping", toFrames(clip), measured: Double(clip.count), threshold: Double(profile.clipping!.minSamples),
                          String(format: "sound clipped at full scale over %.0f ms", Double(clip.count) * 1000 / Double(sound.sampleRate)))
                }
            }
        }
        let videoDuration = clock.time(stats.count)
        let audioDuration = sound.map { Double($0.samples) / Double($0.sampleRate) }
        if let audioDuration, abs(audioDuration - videoDuration) > 1 / fps + 0.001 {
            issue("av_duration", all, measured: audioDuration - videoDuration, threshold: 1 / fps,
                  String(format: "sound runs %.3f s, picture %.3f s", audioDuration, videoDuration), severity: .warning)
        }
        if let note {
            let at = damageAt ?? stats.count
            issue("decode", at..<min(max(at + 1, stats.count), at + 1), measured: nil, threshold: nil, note)
        }
        // A file that stops short of what it declares (cut off in a copy) never passes quietly.
        let declared = info.first(.video)?.frameCount ?? Int(((info.first(.video)?.duration ?? info.duration ?? 0) * fps).rounded())
        if damageAt == nil, note == nil, declared > 0, stats.count < declared - 1 {
            issue("decode", stats.count..<declared, measured: Double(stats.count), threshold: Double(declared),
                  "the picture ends after \(stats.count) of the \(declared) frames the file declares")
        }
        if let spec {
            for departure in SpecCheck.departures(info, from: spec) { issue("spec", all, measured: nil, threshold: nil, departure) }
        }
        issues.sort { ($0.startFrame, $0.check) < ($1.startFrame, $1.check) }
        let measurements = QCReport.Measurements(
            frames: stats.count, frameRate: rate, videoDuration: videoDuration, audioDuration: audioDuration,
            integratedLoudness: sound?.loudness.map { ($0.integrated * 10).rounded() / 10 },
            loudnessRange: sound?.loudness.map { ($0.range * 10).rounded() / 10 },
            truePeak: sound?.loudness.map { ($0.truePeak * 10).rounded() / 10 },
            lumaLow: stats.map(\.lumaLow).min(), lumaHigh: stats.map(\.lumaHigh).max(),
            variableFrameRate: clock.isVariable ? true : nil)
        let failed = issues.contains { $0.severity == .error }
        return QCReport(file: file, profile: profile.name, spec: spec?.name, status: note != nil && stats.isEmpty ? .unreadable : (failed ? .fail : .pass),
                        measurements: measurements, issues: issues, note: note)
    }
}

extension QCAuditor {
    /// Runs of frames where a one-second window holds more than `maxPerSecond` flashes, with the
    /// flashes in each. `directions` is +1 / −1 where the picture changed one way or the other
    /// (0 elsewhere); a run of one direction is one transition, and two opposing ones make a flash.
    static func flashRuns(_ directions: [Int], fps: Double, maxPerSecond: Int) -> [(Range<Int>, Int)] {
        var direction = 0
        var transitions: [Int] = []
        for (n, now) in directions.enumerated() where now != 0 && now != direction {
            transitions.append(n)
            direction = now
        }
        let second = max(1, Int(fps.rounded()))
        var over = [Bool](repeating: false, count: directions.count)
        var first = 0
        for last in transitions.indices {
            while transitions[last] - transitions[first] >= second { first += 1 }
            if (last - first + 1) / 2 > maxPerSecond {
                for n in transitions[first]...transitions[last] { over[n] = true }
            }
        }
        return Runs.find(over, minimum: 1).map { run in (run, transitions.filter { run.contains($0) }.count / 2) }
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
            times.append(pts.map { Double($0 - startPTS) * timeBase.doubleValue } ?? (times.last.map { $0 + 1e-9 } ?? 0))
            // Whether pictures need converting is decided once per pixel format, not per picture.
            if frame.pixelFormat != checkedFormat?.format {
                checkedFormat = (frame.pixelFormat, Self.isPlanarYUV(frame.pixelFormat))
            }
            if checkedFormat?.planar != true {
                if converter == nil { converter = try? FilterGraph("[in]format=yuv444p[out]", inputs: ["in": input]) }
                guard let graph = converter, let converted = try? Frame(), (try? graph.push(frame)) != nil,
                      (try? graph.pull(into: converted)) == .frame else {
                    stats.append(Self.unmeasured)
                    continue
                }
                frame = converted
            }
            let measured = meter.measure(frame, previous: previous, scratch: &scratch)
            stats.append(measured ?? Self.unmeasured)
            previous = frame
        }
        done.signal()
    }
}

/// The sound thread: decodes the audio stream and measures it.
final class SoundWork: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let reader: FrameReader?
    private let meter: SoundMeter?
    private(set) var result: SoundMeter.Result?
    private(set) var failure: String?

    init(reader: FrameReader?, meter: SoundMeter?) {
        self.reader = reader
        self.meter = meter
    }

    func run() {
        guard let reader, let meter else { done.signal(); return }
        do {
            let frame = try Frame()
            while try reader.next(into: frame) { try meter.add(frame) }
        } catch let error as MediaError {
            failure = error.reason
        } catch {
            failure = "\(error)"
        }
        result = try? meter.finish()
        done.signal()
    }
}
