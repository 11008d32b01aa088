public import KijkoPresets
import Foundation
import KijkoMedia
public import KijkoCore

/// Every deliverable from one master in one decode: the master's picture and sound are decoded
/// once and handed, by reference, to one worker thread per deliverable (reframe, rate, loudness,
/// encode, mux). Stills are grabbed afterwards. Outputs are atomic; existing ones are kept unless
/// `force`; a failed deliverable is reported while the others complete. Measured back into
/// `manifest.json`.
public final class VersionGenerator {
    public struct Request: Sendable {
        public var master: String
        public var presets: [PlatformPreset]
        /// Overrides every preset's own reframe mode.
        public var reframe: PlatformPreset.Reframe?
        public var outputFolder: String
        public var force: Bool
        /// Seconds into the master; nil for its start / end.
        public var start: Double?
        public var end: Double?
        /// Video encoder threads per deliverable; nil shares the machine's cores among them.
        public var encoderThreads: Int?
        /// Smart reframe: the crop path file — read (an edited path) when it exists, else written.
        public var cropPath: String?
        /// Smart reframe pans only, never zooms.
        public var lockZoom = false
        /// Seconds at the end of the master kept whole in every cutdown (packshot, logo).
        public var endCard = 2.0
        /// A `.cube` LUT grading every deliverable (over presets' own `lut:`), before the reframe,
        /// in the master's colour space.
        public var lutFile: String?

        public init(master: String, presets: [PlatformPreset], reframe: PlatformPreset.Reframe? = nil,
                    outputFolder: String, force: Bool = false, start: Double? = nil, end: Double? = nil,
                    encoderThreads: Int? = nil) {
            self.encoderThreads = encoderThreads
            self.master = master
            self.presets = presets
            self.reframe = reframe
            self.outputFolder = outputFolder
            self.force = force
            self.start = start
            self.end = end
        }
    }

    public let request: Request

    public init(_ request: Request) { self.request = request }

    /// The output path of `preset` for this master.
    public func outputPath(_ preset: PlatformPreset) -> String {
        let stem = URL(fileURLWithPath: request.master).deletingPathExtension().lastPathComponent
        return (request.outputFolder as NSString).appendingPathComponent("\(stem)_\(preset.name).\(preset.container)")
    }

    /// How far a run is: the phase, master frames through it of the total, and each
    /// deliverable's frames encoded of its length.
    public struct Progress: Sendable {
        public var phase: String
        public var done: Int
        public var total: Int
        public var deliverables: [(name: String, done: Int, total: Int)]
    }

    /// Runs the whole set, reporting through `progress` as it goes. Once `cancel` is set the run
    /// stops between frames with `CancellationError`; deliverables in progress leave no file.
    public func run(cancel: CancellationFlag? = nil, progress: ((Progress) -> Void)? = nil) throws -> Manifest {
        let master = request.master
        let info = try Probe.file(master)
        guard let videoInfo = info.first(.video) else {
            throw MediaError(file: master, stage: .probe, reason: "no video stream: an audio-only master has no picture to deliver")
        }
        guard (videoInfo.width ?? 0) >= 16, (videoInfo.height ?? 0) >= 16 else {
            throw MediaError(file: master, stage: .probe,
                             reason: "picture is \(videoInfo.width ?? 0)x\(videoInfo.height ?? 0): too small to deliver")
        }
        let duration = videoInfo.duration ?? info.duration ?? 0
        let start = max(0, request.start ?? 0)
        let end = min(duration, request.end ?? duration)
        guard end > start else {
            throw MediaError(file: master, stage: .configure, reason: "--in \(start) s is not before --until \(end) s")
        }
        let grades: DeliverableGrades
        do { grades = try DeliverableGrades(runLUT: request.lutFile) } catch { throw ServiceError(error.description) }
        // One run at a time into a folder (what a killed run left is removed below, safely: nobody else writes here).
        let lock = try FolderLock(request.outputFolder)
        defer { withExtendedLifetime(lock) {} }

        let masterRate = videoInfo.frameRate ?? Rational(25, 1)
        let programme = Selection(start: start, end: end, rate: masterRate)
        let videoPresets = request.presets.filter { $0.kind == .video }
        let displayPresets = request.presets.filter { $0.kind == .display }

        // One analysis pass, when a smart reframe or a cutdown needs shots.
        var analysis: MasterAnalysis?
        func analysed() throws -> MasterAnalysis {
            if let analysis { return analysis }
            let frames = programme.frameCount
            let made = try MasterAnalyser(master: master, start: start, end: end).run { done in
                if done % 10 == 0 { progress?(Progress(phase: "analysing", done: done, total: frames, deliverables: [])) }
            }
            analysis = made
            return made
        }
        // What each preset plays: the programme, its first N seconds, or a cutdown.
        var selections: [String: Result<(Selection, CutdownPlanner.Plan?), CutdownPlanner.Problem>] = [:]
        var problems: [String: String] = [:]
        var reasons: [String: String] = [:]
        let endCard = Int((request.endCard * masterRate.doubleValue).rounded())
        for preset in videoPresets {
            if let problem = Self.problem(preset, length: programme.duration) ?? Self.rangeProblem(preset, master: videoInfo.colorTransfer) {
                problems[preset.name] = problem
                continue
            }
            if let window = Self.platformLength(preset, length: programme.duration) {
                // Over the platform's limit: whole shots to its optimal length.
                let rate = masterRate.doubleValue
                let top = max(1, Int((window.upperBound * rate).rounded(.down)))
                let frames = min(top, Int((window.lowerBound * rate).rounded(.up)))...top
                do {
                    let plan = try CutdownPlanner(analysis: try analysed()).plan(within: frames, endCard: endCard)
                    selections[preset.name] = .success((plan.selection, plan))
                    let range = preset.optimalDuration == nil ? "its limit" : String(format: "its optimal %g–%g s", window.lowerBound, window.upperBound)
                    reasons[preset.name] = String(format: "programme runs %.2f s, over %@'s %.0f s limit: cut to %.2f s (%@)%@",
                                                  programme.duration, preset.name, preset.maxDuration ?? 0, plan.selection.duration,
                                                  range, plan.wholeShots ? " at shot boundaries" : ", the last shot trimmed to land on it")
                } catch let problem as CutdownPlanner.Problem {
                    selections[preset.name] = .failure(problem)
                }
                continue
            }
            guard let target = preset.targetDuration else { selections[preset.name] = .success((programme, nil)); continue }
            do {
                selections[preset.name] = .success(try Self.cut(programme, to: Int((target * masterRate.doubleValue).rounded()),
                                                                endCard: endCard, analysed: analysed))
            } catch let problem as CutdownPlanner.Problem {
                selections[preset.name] = .failure(problem)
            }
        }

        // Loudness decisions, one per (selection, target, ceiling, audio format): audio only.
        var decisions: [String: LoudnessNormaliser.Decision?] = [:]
        func decision(_ preset: PlatformPreset, _ selection: Selection) throws -> LoudnessNormaliser.Decision? {
            guard let target = preset.loudness, let audio = preset.audio, info.first(.audio) != nil else { return nil }
            let ceiling = preset.truePeak ?? -1
            let key = "\(selection.segments)/\(target)/\(ceiling)/\(audio.sampleRate)/\(audio.channels)/\(audio.codec)/\(audio.bitRate ?? 0)"
            if let known = decisions[key] { return known }
            let made = try LoudnessNormaliser(master: master, selection: selection, sampleRate: audio.sampleRate,
                                              channels: audio.channels, encoder: EncoderSettings(codec: audio.codec, bitRate: audio.bitRate))
                .decide(target: target, ceiling: ceiling)
            decisions.updateValue(made, forKey: key)
            return made
        }

        var entries: [String: Manifest.Entry] = [:]
        var workers: [DeliverableWorker] = []
        // A smart reframe is for a change of shape: a preset of the master's own shape is scaled as
        // it says (fit when it says smart).
        let shape = info.first(.video).flatMap { v -> Double? in
            guard let w = v.width, let h = v.height, w > 0, h > 0 else { return nil }
            let sar = v.sampleAspectRatio.flatMap { Rational(parsing: $0) }.map { Double($0.num) / Double($0.den) } ?? 1
            return Double(w) * (sar > 0 && sar.isFinite ? sar : 1) / Double(h)
        }
        // `request.reframe` is for videos and stills: a display ad keeps its preset's (a strip or a
        // tower is fitted over a blurred fill, not cropped to a sliver).
        func reframing(_ preset: PlatformPreset) -> PlatformPreset.Reframe {
            let asked = preset.kind == .display ? preset.reframe : request.reframe ?? preset.reframe
            guard asked == .smart, let shape, abs(Double(preset.width) / Double(max(1, preset.height)) / shape - 1) <= 0.01 else { return asked }
            return preset.reframe == .smart ? .fit : preset.reframe
        }
        let stillPresets = request.presets.filter { $0.kind == .still }
        let smartPresets = (videoPresets + displayPresets + stillPresets).filter { reframing($0) == .smart }
        var crops: CropPath?
        if !smartPresets.isEmpty { crops = try smartCropPath(for: smartPresets, analysis: try analysed()) }
        // A kept file is checked against what the run that made it recorded (its grade; an ad's loop, plays, setting).
        let previous = (try? Data(contentsOf: URL(fileURLWithPath: (request.outputFolder as NSString).appendingPathComponent("manifest.json"))))
            .flatMap { try? JSONCoding.decoder.decode(Manifest.self, from: $0) }
        /// The entry of a file kept from an earlier run; one graded otherwise than this run asks fails, saying so.
        func kept(_ preset: PlatformPreset, path: String, reframe: PlatformPreset.Reframe) -> Manifest.Entry {
            let made = previous?.deliverables.first { $0.preset == preset.name && $0.path == path }
            let asked = grades.file(for: preset)
            guard made?.lut == asked else {
                let was = made == nil ? "with no record of its grade" : made?.lut.map { "graded by \($0)" } ?? "ungraded"
                return Self.failed(preset, path: path, reframe: reframe, message: "kept from an earlier run \(was); this run asks for "
                                   + (asked.map { "\($0)" } ?? "no LUT") + ": give --force to make it again")
            }
            var entry = Manifest.Entry(preset: preset.name, path: path, status: .kept, reframe: reframe.rawValue, lut: asked, checks: [], pass: false)
            entry.display = made?.display
            entry.cutdown = made?.cutdown
            return entry
        }
        let reader = try FrameReader(path: master)
        let audioReader = info.first(.audio) != nil ? try FrameReader(path: master, type: .audio) : nil
        let sar = reader.decoder.sampleAspectRatio
        // An HDR master's static metadata, from its first picture, for HDR deliverables.
        var hdrMetadata: HDRMetadata?
        if reader.colour.dynamicRange.isHDR, videoPresets.contains(where: { $0.colour.dynamicRange.isHDR }) {
            let first = try FrameReader(path: master), frame = try Frame()
            if try first.next(into: frame) { hdrMetadata = HDRMetadata(frame: frame) }
        }
        for preset in videoPresets {
            let path = outputPath(preset)
            Muxer.removeStalePartials(for: path)
            let reframe = reframing(preset)
            let chosen: (Selection, CutdownPlanner.Plan?)
            switch selections[preset.name] {
            case .success(let value)?: chosen = value
            case .failure(let problem)?:
                entries[preset.name] = Self.failed(preset, path: path, reframe: reframe, message: problem.description)
                continue
            case nil:
                entries[preset.name] = Self.failed(preset, path: path, reframe: reframe, message: problems[preset.name] ?? "not planned")
                continue
            }
            let cutdown = chosen.1.map { Manifest.Cutdown($0, endCardSeconds: request.endCard, reason: reasons[preset.name]) }
            if FileManager.default.fileExists(atPath: path) && !request.force {
                var entry = kept(preset, path: path, reframe: reframe)
                if entry.status == .kept { entry.cutdown = cutdown }
                entries[preset.name] = entry
                continue
            }
            do { _ = try grades.grader(for: preset) } catch {
                entries[preset.name] = Self.failed(preset, path: path, reframe: reframe, message: error.description)
                continue
            }
            var plan = DeliverablePlan(preset: preset, path: path, reframe: reframe, masterRate: masterRate,
                                       selection: chosen.0, loudness: try decision(preset, chosen.0))
            plan.master = reader.colour
            plan.hdrMetadata = hdrMetadata
            let worker = DeliverableWorker(plan: plan, video: reader.frameFormat, audio: audioReader.map(\.frameFormat),
                                           sar: sar, masterRate: masterRate,
                                           cropTrack: plan.reframe == .smart ? crops?.track(aspect: preset.aspect) : nil)
            worker.cutdown = cutdown
            worker.lut = grades.file(for: preset)
            workers.append(worker)
        }

        if !workers.isEmpty {
            // Deliverables encode in parallel: several encoders each with a full set of frame
            // threads only add frames in flight (memory) and switching, not throughput.
            let threads = request.encoderThreads ?? (workers.count == 1 ? 0 : max(1, ProcessInfo.processInfo.activeProcessorCount / workers.count))
            for worker in workers { worker.plan.encoderThreads = threads }
            for worker in workers { worker.start() }
            do {
                try cancel.check()
                try decode(reader: reader, audio: audioReader, start: start, end: end, workers: workers, grades: grades,
                           cancel: cancel, progress: progress)
            } catch {
                // Workers drop what they made (no partial file stays) and end before the error goes up.
                for worker in workers { worker.submit(.abandon) }
                for worker in workers { worker.wait() }
                throw error
            }
            for worker in workers { worker.submit(.end) }
            for worker in workers { worker.wait() }
        }
        for worker in workers {
            let plan = worker.plan
            if let failure = worker.failure {
                entries[plan.preset.name] = Self.failed(plan.preset, path: plan.path, reframe: plan.reframe, message: failure)
            } else {
                entries[plan.preset.name] = Manifest.Entry(
                    preset: plan.preset.name, path: plan.path, status: .done, reframe: plan.reframe.rawValue, cutdown: worker.cutdown, lut: worker.lut,
                    loudnessMode: plan.preset.loudness == nil ? nil : (plan.limited ? "limited" : "linear"),
                    gainDb: plan.preset.loudness == nil ? nil : (plan.gainDb * 100).rounded() / 100, checks: [], pass: false)
                if plan.toneMaps { entries[plan.preset.name]?.toneMapped = true }
            }
        }
        for preset in stillPresets {
            let path = outputPath(preset)
            Muxer.removeStalePartials(for: path)
            let reframe = reframing(preset)
            if FileManager.default.fileExists(atPath: path) && !request.force {
                entries[preset.name] = kept(preset, path: path, reframe: reframe)
                continue
            }
            do {
                let at = preset.stillAt ?? (start + end) / 2
                let window = reframe == .smart ? crops?.track(aspect: preset.aspect)?.window(at: Int((at * masterRate.doubleValue).rounded())) : nil
                try StillGrabber.grab(master: master, preset: preset, reframe: reframe, at: at, window: window,
                                      grader: try grades.grader(for: preset), to: path)
                entries[preset.name] = Manifest.Entry(preset: preset.name, path: path, status: .done, reframe: reframe.rawValue,
                                                      lut: grades.file(for: preset), checks: [], pass: false)
            } catch {
                entries[preset.name] = Self.failed(preset, path: path, reframe: reframe, message: "\(error)")
            }
        }

        // One decode per loop: a size's GIF, WebP and MP4 share their frames.
        var loopFrames: (key: String, frames: [Frame], format: FilterInputFormat)?
        for preset in displayPresets {
            try cancel.check()
            let path = outputPath(preset)
            Muxer.removeStalePartials(for: path)
            DisplayAdMaker.removeStalePartials(for: path)
            let reframe = reframing(preset)
            if FileManager.default.fileExists(atPath: path) && !request.force {
                entries[preset.name] = kept(preset, path: path, reframe: reframe)
                continue
            }
            do {
                let (selection, plan) = try loop(for: preset, programme: programme, analysed: analysed)
                selections[preset.name] = .success((selection, plan))
                var deliverable = DeliverablePlan(preset: preset, path: path, reframe: reframe, masterRate: masterRate,
                                                  selection: selection, loudness: nil)
                deliverable.master = reader.colour
                let key = "\(selection.segments)|\(reframe)|\(preset.width)x\(preset.height)|\(deliverable.outputRate)|\(grades.file(for: preset) ?? "")"
                if loopFrames?.key != key {
                    loopFrames = nil   // the previous loop's frames go before the next are decoded
                    let made = try DisplayAdMaker.frames(master: master, plan: deliverable, masterRate: masterRate,
                                                         cropTrack: reframe == .smart ? crops?.track(aspect: preset.aspect) : nil,
                                                         grader: try grades.grader(for: preset), cancel: cancel)
                    loopFrames = (key, made.frames, made.format)
                }
                guard let (frames, format) = loopFrames.map({ ($0.frames, $0.format) }) else { continue }
                let outcome = try DisplayAdMaker(preset: preset, path: path).make(frames: frames, format: format,
                                                                                  rate: deliverable.outputRate, cancel: cancel)
                var entry = outcome.failure.map { Self.failed(preset, path: path, reframe: reframe, message: $0) }
                    ?? Manifest.Entry(preset: preset.name, path: path, status: .done, reframe: reframe.rawValue, checks: [], pass: false)
                entry.display = outcome.display
                entry.lut = grades.file(for: preset)
                entry.cutdown = plan.map { Manifest.Cutdown($0, endCardSeconds: Self.adEndCard(preset, request.endCard)) }
                entries[preset.name] = entry
            } catch let error as CancellationError {
                throw error
            } catch {
                entries[preset.name] = Self.failed(preset, path: path, reframe: reframe, message: "\(error)")
            }
        }

        var manifest = Manifest(master: master, cropPath: crops == nil ? nil : request.cropPath, deliverables: [])
        for preset in request.presets {
            guard var entry = entries[preset.name] else { continue }
            entry.kind = preset.kind.rawValue
            var length = end - start
            if case .success(let chosen)? = selections[preset.name] { length = chosen.0.duration }
            if entry.status != .failed { entry = DeliverableCheck.verify(entry, preset: preset, expectedLength: length,
                                                                     masterRate: masterRate) }
            manifest.deliverables.append(entry)
        }
        return manifest
    }

    /// The smart crop path for these presets: the file at `request.cropPath` when it exists (shots
    /// with a hand-set focus re-framed on it, aspects it lacks planned), otherwise planned from an
    /// analysis pass and written there.
    func smartCropPath(for presets: [PlatformPreset], analysis: MasterAnalysis) throws -> CropPath {
        var loaded: CropPath?
        if let file = request.cropPath, FileManager.default.fileExists(atPath: file) {
            do {
                loaded = try JSONCoding.decoder.decode(CropPath.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw MediaError(file: file, stage: .configure, reason: "not a crop path: \(error)")
            }
        }
        var tracks: [CropPath.Track] = []
        for preset in presets where !tracks.contains(where: { $0.aspect == preset.aspect }) {
            let planner = SmartCropPlanner(analysis: analysis, outputWidth: preset.width, outputHeight: preset.height,
                                           lockZoom: request.lockZoom)
            if var track = loaded?.track(aspect: preset.aspect) {
                for i in track.shots.indices {
                    if let focus = track.shots[i].focus {
                        track.shots[i].keyframes = [planner.window(centredOn: focus, frame: track.shots[i].startFrame)]
                    }
                }
                tracks.append(track)
            } else {
                tracks.append(planner.plan(aspect: preset.aspect))
            }
        }
        let path = CropPath(master: request.master, width: analysis.width, height: analysis.height, frameRate: analysis.frameRate,
                            tracks: tracks)
        if let file = request.cropPath, loaded == nil || path != loaded {
            try AtomicFile.write(try JSONCoding.encoder.encode(path), to: file)
        }
        return path
    }

    /// An HDR preset this master cannot fill: Kijko tone-maps HDR down to SDR, never SDR up, nor one HDR to another.
    static func rangeProblem(_ preset: PlatformPreset, master transfer: String?) -> String? {
        let wanted = preset.colour.dynamicRange, have = DynamicRange(transfer: transfer)
        guard wanted.isHDR, wanted != have else { return nil }
        let name = [DynamicRange.sdr: "SDR", .pq: "PQ", .hlg: "HLG"]
        return "the master is \(name[have]!) (transfer \(transfer ?? "untagged")) and \(preset.name) is \(name[wanted]!): "
            + (have.isHDR ? "converting between HDR formats is not done here" : "HDR is not made from an SDR master")
    }

    /// A preset this master cannot satisfy, said before any work.
    static func problem(_ preset: PlatformPreset, length: Double) -> String? {
        if let target = preset.targetDuration, length < target - 0.5 {
            return String(format: "programme runs %.2f s, shorter than %@'s %.0f s spot", length, preset.name, target)
        }
        return nil
    }

    /// The length, seconds, a programme over the platform's limit is cut to: the preset's optimal
    /// range (within its limits), else up to its limit; nil when the programme fits as it is or the
    /// preset names its own length.
    static func platformLength(_ preset: PlatformPreset, length: Double) -> ClosedRange<Double>? {
        guard preset.targetDuration == nil, let maximum = preset.maxDuration, length > maximum + 0.01 else { return nil }
        let floor = min(preset.minDuration ?? 0, maximum)
        guard let optimal = preset.optimalDuration, optimal.upperBound <= maximum, floor <= optimal.upperBound else { return floor...maximum }
        return max(floor, optimal.lowerBound)...optimal.upperBound
    }

    /// A display ad's end card, seconds: the run's, at most a third of the loop.
    static func adEndCard(_ preset: PlatformPreset, _ endCard: Double) -> Double {
        min(endCard, (preset.targetDuration ?? 6) / 3)
    }

    /// What a display ad loops: the programme when it is about the loop's length, its opening when
    /// it is shorter than that; otherwise a cutdown to the loop's length ending on the end card.
    func loop(for preset: PlatformPreset, programme: Selection, analysed: () throws -> MasterAnalysis) throws -> (Selection, CutdownPlanner.Plan?) {
        let rate = programme.rate.doubleValue
        return try Self.cut(programme, to: max(1, Int(((preset.targetDuration ?? 6) * rate).rounded())),
                            endCard: Int((Self.adEndCard(preset, request.endCard) * rate).rounded()), analysed: analysed)
    }

    /// The programme cut to `frames`: its opening when it runs about that long or shorter (within
    /// half a second), else a cutdown that ends on its last `endCard` frames.
    static func cut(_ programme: Selection, to frames: Int, endCard: Int,
                    analysed: () throws -> MasterAnalysis) throws -> (Selection, CutdownPlanner.Plan?) {
        if programme.frameCount <= frames + Int(programme.rate.doubleValue / 2) {
            let first = programme.segments[0].lowerBound
            return (Selection(segments: [first..<(first + min(frames, programme.frameCount))], rate: programme.rate), nil)
        }
        let plan = try CutdownPlanner(analysis: try analysed()).plan(frames: frames, endCard: endCard)
        return (plan.selection, plan)
    }

    static func failed(_ preset: PlatformPreset, path: String, reframe: PlatformPreset.Reframe, message: String) -> Manifest.Entry {
        Manifest.Entry(preset: preset.name, path: path, status: .failed, error: message, reframe: reframe.rawValue, checks: [], pass: false)
    }

    /// The one decode: picture and sound in time order, each frame referenced to every worker (graded
    /// first, once per LUT, for the workers a LUT grades).
    private func decode(reader: FrameReader, audio: FrameReader?, start: Double, end: Double,
                        workers: [DeliverableWorker], grades: DeliverableGrades, cancel: CancellationFlag?,
                        progress: ((Progress) -> Void)?) throws {
        let frameSeconds = reader.frameRate.inverted.doubleValue
        let total = Int(((end - start) / frameSeconds).rounded())
        if start > 0 {
            try reader.seek(toPTS: reader.startPTS + Int64(start / reader.timeBase.doubleValue))
            if let audio { try audio.seekToKeyframe(before: audio.startPTS + Int64(max(0, start - 0.5) / audio.timeBase.doubleValue)) }
        }
        let frame = try Frame(), sound = try Frame()
        var audioDone = audio == nil
        var count = 0
        func feedAudio(until seconds: Double) throws {
            guard let audio, !audioDone else { return }
            while true {
                guard try audio.next(into: sound) else { audioDone = true; return }
                let rebased = (sound.pts ?? audio.startPTS) - audio.startPTS
                sound.pts = rebased   // the workers' trims count from the master's start
                let at = Double(rebased) * audio.timeBase.doubleValue
                for worker in workers { worker.submit(.audio(try sound.reference())) }
                if at > seconds || at > end { return }
            }
        }
        while try reader.next(into: frame) {
            try cancel.check()
            let at = Double((frame.pts ?? 0) - reader.startPTS) * reader.timeBase.doubleValue
            if at >= end { break }
            let index = reader.frameIndex(ofPTS: frame.pts ?? 0)
            frame.pts = (frame.pts ?? reader.startPTS) - reader.startPTS
            // Graded once per LUT, handed to every deliverable it grades.
            var graded: [String: Frame] = [:]
            for worker in workers {
                guard let lut = worker.lut else { worker.submit(.video(try frame.reference(), index)); continue }
                if graded[lut] == nil { graded[lut] = try grades.grader(file: lut).grade(frame) }
                worker.submit(.video(try graded[lut]!.reference(), index))
            }
            try feedAudio(until: at + frameSeconds)
            count += 1
            if let progress, count % 5 == 0 || count == total {
                progress(Progress(phase: "encoding", done: count, total: total, deliverables: workers.map {
                    ($0.plan.preset.name, $0.framesWritten.load(ordering: .relaxed), $0.plan.selection.frameCount)
                }))
            }
        }
        try feedAudio(until: end + 1)
    }
}
