public import KijkoPresets
import Foundation
public import KijkoCore
public import KijkoMedia

/// An animated display ad (IAB sizes) from a master: the loop's frames are decoded once,
/// reframed to the ad's size and kept (they are small), then encoded down a ladder of settings —
/// fewer colours or a lower quality first, then fewer frames a second — until the file fits the
/// preset's byte budget. The smallest setting that still does not fit is a failure naming the
/// bytes it reached. Each attempt is written beside the output under a partial name; only a file
/// within budget is renamed into place.
///
/// Loops: a GIF plays `plays` times (its NETSCAPE loop count is the repeats after the first), a
/// WebP `plays` times (its ANIM count is the plays); an MP4's looping is the page's `loop` attribute.
public struct DisplayAdMaker {
    public let preset: PlatformPreset
    public let path: String

    /// One rung of the ladder.
    public struct Setting: Sendable, Equatable, CustomStringConvertible {
        public var rate: Rational
        /// GIF palette size.
        public var colours: Int?
        /// WebP quality, 0–100.
        public var quality: Double?
        /// MP4 bits per second.
        public var bitRate: Int?

        public var description: String {
            var parts = [String(format: "%g fps", rate.doubleValue)]
            if let colours { parts.append("\(colours) colours") }
            if let quality { parts.append(String(format: "quality %g", quality)) }
            if let bitRate { parts.append("\(bitRate / 1000) kb/s") }
            return parts.joined(separator: ", ")
        }
    }

    public struct Outcome: Sendable {
        public var display: Manifest.Display
        /// Nil when a setting fitted; else why none did.
        public var failure: String?
    }

    public init(preset: PlatformPreset, path: String) {
        self.preset = preset
        self.path = path
    }

    /// Where the ladder's attempts for `path` are written (a partial name beside it).
    static func scratch(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).partial-ladder.\(url.pathExtension)").path
    }

    /// Removes what a killed run's ladder left for `path`: its attempt and the muxer's partial of it.
    public static func removeStalePartials(for path: String) {
        let scratch = scratch(for: path)
        try? FileManager.default.removeItem(atPath: scratch)
        Muxer.removeStalePartials(for: scratch)
    }

    /// How many times the loop plays: the preset's `plays`, else as many whole loops as fit the
    /// animation limit (`duration.max`, IAB 15 s), at least one.
    public static func plays(_ preset: PlatformPreset, loop seconds: Double) -> Int {
        if let plays = preset.plays { return plays }
        guard let limit = preset.maxDuration, seconds > 0 else { return 1 }
        // A GIF's loop count is 16 bits; an ad plays a few times.
        return max(1, Int(min(100, (limit / seconds + 1e-6).rounded(.down))))
    }

    /// The ladder for this format at the preset's rate `rate`, for a loop of `seconds`.
    public func ladder(rate: Rational, seconds: Double) -> [Setting] {
        let budget = Double(preset.maxFileSize ?? 150_000)
        func slower(_ fps: Double) -> Rational { rate.doubleValue <= fps ? rate : Rational(parsing: String(format: "%g", fps)) ?? rate }
        switch preset.container {
        case "gif":
            // GIF delays are whole hundredths: every rate here is exact. Real pictures in motion
            // cost a GIF some 25 KB a frame at this size, so the ladder ends as a slideshow of the
            // loop's moments (a frame a second, then one every two).
            let steps: [(Rational, Int)] = [(Rational(25, 2), 128), (Rational(10, 1), 64), (Rational(5, 1), 48),
                                            (Rational(5, 2), 64), (Rational(2, 1), 32), (Rational(1, 1), 64),
                                            (Rational(1, 1), 32), (Rational(1, 2), 32)]
            return steps.map { Setting(rate: rate.doubleValue < $0.0.doubleValue ? rate : $0.0, colours: $0.1) }
        case "webp":
            return [75.0, 60, 45, 32, 20].map { Setting(rate: rate, quality: $0) }
                + [Setting(rate: slower(10), quality: 20), Setting(rate: slower(6), quality: 12)]
        default:
            // Aim under the budget (container overhead, rate control's overshoot), then lower.
            let first = min(budget * 8 * 0.85 / max(seconds, 0.5), 50_000_000)
            return [1.0, 0.8, 0.64, 0.5].map { Setting(rate: rate, bitRate: max(20_000, Int(first * $0))) }
                + [Setting(rate: slower(10), bitRate: max(20_000, Int(first * 0.5)))]
        }
    }

    /// Encodes `frames` (the loop at `rate`, each of the ad's size, yuv420p, pts counting frames)
    /// down the ladder until one fits.
    public func make(frames: [Frame], format: FilterInputFormat, rate: Rational, cancel: CancellationFlag? = nil) throws -> Outcome {
        let seconds = Double(frames.count) / rate.doubleValue
        let plays = Self.plays(preset, loop: seconds)
        let budget = preset.maxFileSize ?? 150_000
        var display = Manifest.Display(format: preset.container, loopSeconds: (seconds * 1000).rounded() / 1000, plays: plays,
                                       budgetBytes: budget, setting: nil, frameRate: nil, attempts: [])
        let scratch = Self.scratch(for: path)
        Self.removeStalePartials(for: path)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for setting in ladder(rate: rate, seconds: seconds) {
            try cancel.check()
            let bytes = try encode(frames, format: format, rate: rate, setting: setting, plays: plays, to: scratch)
            display.attempts.append(Manifest.Display.Attempt(setting: setting.description, bytes: bytes))
            if bytes <= budget {
                guard rename(scratch, path) == 0 else {
                    throw MediaError(file: path, stage: .write, reason: String(cString: strerror(errno)))
                }
                display.setting = setting.description
                display.frameRate = setting.rate.doubleValue
                return Outcome(display: display, failure: nil)
            }
        }
        let smallest = display.attempts.map(\.bytes).min() ?? 0
        return Outcome(display: display, failure: "no setting fits the \(budget / 1000) KB budget: the smallest was \(smallest / 1000) KB (\(display.attempts.last?.setting ?? "")); give a shorter duration.target")
    }

    /// The loop's frames: `plan`'s selection of the master decoded (each segment from its
    /// keyframe), cropped to the smart window when `cropTrack` is given, through the plan's video
    /// chain (reframe, rate, yuv420p), graded by `grader` first; pts count the output's frames.
    public static func frames(master: String, plan: DeliverablePlan, masterRate: Rational, cropTrack: CropPath.Track?,
                              grader: ColourGrader? = nil, cancel: CancellationFlag? = nil) throws -> (frames: [Frame], format: FilterInputFormat) {
        let reader = try FrameReader(path: master)
        let input = reader.frameFormat
        guard case let .video(_, _, pixelFormat, timeBase, _, frameRate) = input else {
            throw MediaError(file: master, stage: .configure, reason: "no picture to make an ad from")
        }
        func graph(cropped size: (Int, Int)?) throws -> FilterGraph {
            var format = input
            if let size {
                format = .video(width: size.0, height: size.1, pixelFormat: pixelFormat, timeBase: timeBase,
                                sampleAspectRatio: Rational(1, 1), frameRate: frameRate)
            }
            return try FilterGraph("[in]\(plan.videoChain(sar: reader.decoder.sampleAspectRatio, masterRate: masterRate, cropped: size != nil))[out]",
                                   inputs: ["in": format])
        }
        var size: (Int, Int)? = nil
        var videoGraph = try graph(cropped: nil)
        var format: FilterInputFormat? = nil
        var frames: [Frame] = []
        let decoded = try Frame(), out = try Frame()
        func drain() throws {
            while try videoGraph.pull(into: out) == .frame {
                if format == nil { format = videoGraph.outputFormat() }
                let kept = try out.reference()
                kept.pts = Int64(frames.count)
                frames.append(kept)
            }
        }
        for segment in plan.selection.segments {
            try reader.seek(toFrame: segment.lowerBound)
            while try reader.next(into: decoded) {
                try cancel.check()
                let index = reader.frameIndex(ofPTS: decoded.pts ?? reader.startPTS)
                if index >= segment.upperBound { break }
                guard index >= segment.lowerBound, let position = plan.selection.position(of: index) else { continue }
                let frame = try grader?.grade(decoded) ?? decoded
                frame.pts = rescale(Int64(position), from: plan.selection.rate.inverted, to: timeBase)
                if let cropTrack, let window = cropTrack.window(at: index) {
                    try frame.crop(x: window.x, y: window.y, width: window.width, height: window.height)
                    if size.map({ $0 != (window.width, window.height) }) ?? true {
                        if size != nil || !frames.isEmpty { try videoGraph.push(nil); try drain() }
                        videoGraph = try graph(cropped: (window.width, window.height))
                        size = (window.width, window.height)
                    }
                }
                try videoGraph.push(frame)
                try drain()
            }
        }
        try videoGraph.push(nil)
        try drain()
        guard let format, case let .video(w, h, pix, _, sar, _) = format, !frames.isEmpty else {
            throw MediaError(file: master, stage: .decode, reason: "the ad's loop gave no pictures")
        }
        // The frames' pts count frames: say so to the encoders.
        return (frames, .video(width: w, height: h, pixelFormat: pix, timeBase: plan.outputRate.inverted, sampleAspectRatio: sar,
                               frameRate: plan.outputRate))
    }

    /// One attempt: the frames through the format's graph and encoder into `file` (atomically);
    /// returns its size in bytes.
    func encode(_ frames: [Frame], format: FilterInputFormat, rate: Rational, setting: Setting, plays: Int, to file: String) throws -> Int {
        var chain = setting.rate == rate ? [String]() : ["fps=\(setting.rate)"]
        var settings: EncoderSettings
        var options: [String: String] = [:]
        switch preset.container {
        case "gif":
            chain.append("split[a][b];[a]palettegen=max_colors=\(setting.colours ?? 256):stats_mode=diff[p];"
                         + "[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle")
            settings = EncoderSettings(codec: "gif")
            options["loop"] = plays > 1 ? "\(plays - 1)" : "-1"
        case "webp":
            chain.append("format=yuv420p")
            settings = EncoderSettings(codec: "libwebp_anim", options: ["quality": String(format: "%g", setting.quality ?? 75),
                                                                         "lossless": "0", "compression_level": "6", "preset": "picture"])
            options["loop"] = "\(plays)"
        default:
            chain.append("format=yuv420p")
            let bits = setting.bitRate ?? 200_000
            settings = EncoderSettings(codec: "libx264", options: ["preset": "slow", "profile": "high"], bitRate: bits,
                                       maxRate: bits * 3 / 2, bufferSize: bits * 2, gopSize: max(1, frames.count), maxBFrames: 3,
                                       colour: preset.colour)
        }
        let graph = try FilterGraph("[in]\(chain.joined(separator: ","))[out]", inputs: ["in": format])
        guard case let .video(w, h, pix, tb, sar, _)? = graph.outputFormat() else {
            throw MediaError(file: path, stage: .filter, reason: "the \(preset.container) chain gave no picture")
        }
        let muxer = try Muxer(path: file, format: preset.container == "mp4" ? "mp4" : preset.container)
        let encoder = try Encoder(settings, format: .video(width: w, height: h, pixelFormat: pix, timeBase: tb, sampleAspectRatio: sar,
                                                          frameRate: setting.rate), for: muxer)
        try muxer.addStream(for: encoder)
        try muxer.start(options: options)
        let packet = try Packet(), out = try Frame()
        func drain() throws {
            while try graph.pull(into: out) == .frame {
                try encoder.send(out)
                while try encoder.receive(into: packet) { try muxer.write(packet, from: encoder) }
            }
        }
        for frame in frames {
            try graph.push(try frame.reference())
            try drain()
        }
        try graph.push(nil)
        try drain()
        try muxer.drain(encoder, packet: packet)
        try muxer.finish()
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        return (attributes[.size] as? NSNumber)?.intValue ?? Int.max
    }
}
