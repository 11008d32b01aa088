import Foundation
import KijkoMedia
import Yams
public import KijkoCore

/// Reads and validates platform presets: Kijko's own in `presets/platforms/` and any folder the
/// user names, later folders overriding earlier ones by preset name.
public struct PresetLoader: Sendable {
    public let folders: [String]

    public init(folders: [String]) { self.folders = folders }

    /// Kijko's platform presets, then the user's (`Presets`), then `extra` folders: later folders
    /// override earlier ones by preset name.
    public static func standard(extra: [String] = []) -> PresetLoader {
        PresetLoader(folders: Presets.folders("platforms") + extra)
    }

    /// Every preset, by name. A broken file is an error naming file, line and key.
    public func all() throws(PresetError) -> [String: PlatformPreset] {
        var presets: [String: PlatformPreset] = [:]
        for folder in folders {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let path = (folder as NSString).appendingPathComponent(name)
                let loaded = try Self.loadAll(path: path)
                // A later folder's file replaces the whole group of the same name.
                if let group = loaded.first?.group { presets = presets.filter { $0.value.group != group } }
                for preset in loaded { presets[preset.name] = preset }
            }
        }
        return presets
    }

    /// The named presets, in order; an unknown name lists the known ones.
    public func named(_ names: [String]) throws(PresetError) -> [PlatformPreset] {
        let known = try all()
        var out: [PlatformPreset] = []
        for name in names {
            let group = known.values.filter { $0.group == name }.sorted { $0.name < $1.name }
            if known[name] == nil, !group.isEmpty { out += group; continue }
            guard let preset = known[name] else {
                throw PresetError(file: folders.joined(separator: ", "), message: "no preset named \(name)\(Self.suggestion(for: name, among: Array(known.keys))) (have: \(known.keys.sorted().joined(separator: ", ")))")
            }
            out.append(preset)
        }
        return out
    }

    /// Reads one preset file (the first of its group, for a display preset in several formats).
    public static func load(path: String) throws(PresetError) -> PlatformPreset {
        try loadAll(path: path)[0]
    }

    /// Reads one preset file: one preset, or one per format of a display preset's `containers`.
    public static func loadAll(path: String) throws(PresetError) -> [PlatformPreset] {
        try parseAll(try YAMLFields.document(path), file: path)
    }

    static func parse(_ root: Node, file: String) throws(PresetError) -> PlatformPreset {
        try parseAll(root, file: file)[0]
    }

    /// The display ad formats Kijko writes.
    public static let displayContainers = ["gif", "webp", "mp4"]

    static func parseAll(_ root: Node, file: String) throws(PresetError) -> [PlatformPreset] {
        var f = try YAMLFields(root, file: file)
        let name = try f.requiredString("name")
        // The name becomes part of every output's file name: no folders, nothing hidden.
        guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw f.fail("name", nil, "use letters, digits, - _ and . only (it names the output files), got \(name)")
        }
        let description = try f.string("description") ?? name
        let kindText = try f.string("kind") ?? "video"
        guard let kind = PlatformPreset.Kind(rawValue: kindText) else { throw f.fail("kind", nil, "expected video, still or display, got \(kindText)") }
        let width = try f.requiredInt("width"), height = try f.requiredInt("height")
        for (key, value) in [("width", width), ("height", height)] where value < 16 || value > 8192 || value % 2 != 0 {
            throw f.fail(key, nil, "must be even, 16–8192, got \(value)")
        }
        let aspect = try f.string("aspect") ?? Rational(Int32(width), Int32(height)).reduced.ratioDescription
        var policy = PlatformPreset.RatePolicy.keep
        var rate: Rational?
        if var r = try f.fields("frame_rate") {
            let text = try r.string("policy") ?? "keep"
            guard let p = PlatformPreset.RatePolicy(rawValue: text) else { throw r.fail("policy", nil, "expected keep, fixed or max, got \(text)") }
            policy = p
            if let rateText = try r.string("rate") {
                guard let parsed = Rational(parsing: rateText), parsed.num > 0 else { throw r.fail("rate", nil, "not a frame rate: \(rateText)") }
                rate = parsed
            }
            if policy != .keep && rate == nil { throw r.fail("rate", nil, "missing (policy \(policy.rawValue) needs it)") }
            try r.finish()
        }
        var minDuration: Double?, maxDuration: Double?, optimal: ClosedRange<Double>?, target: Double?
        if var d = try f.fields("duration") {
            minDuration = try d.double("min", in: 0...86_400)
            maxDuration = try d.double("max", in: 0...86_400)
            target = try d.double("target", in: 0...86_400)
            if let lo = try d.double("optimal_min", in: 0...86_400), let hi = try d.double("optimal_max", in: 0...86_400) {
                guard lo <= hi else { throw d.fail("optimal_max", nil, "is below optimal_min") }
                optimal = lo...hi
            }
            try d.finish()
            if let lo = minDuration, let hi = maxDuration, lo > hi { throw d.fail("max", nil, "is below min") }
            if let hi = maxDuration, let optimal, optimal.upperBound > hi { throw d.fail("optimal_max", nil, "is over max") }
        }
        var video: PlatformPreset.Video?
        if var v = try f.fields("video") {
            let crf = try v.double("crf", in: 0...63), bitRate = try v.int("bit_rate", in: 1_000...2_000_000_000)
            let codec = try v.requiredString("codec")
            if ["libx264", "libx265", "libsvtav1", "libvpx-vp9"].contains(codec) && crf == nil && bitRate == nil {
                throw v.fail("crf", nil, "give crf or bit_rate for \(codec)")
            }
            let pixel = try v.string("pixel_format") ?? "yuv420p"
            guard PixelFormat(name: pixel) != nil else { throw v.fail("pixel_format", nil, "unknown pixel format \(pixel)") }
            video = PlatformPreset.Video(codec: codec, profile: try v.string("profile"),
                                         encoderPreset: try v.string("preset"), pixelFormat: pixel, crf: crf, bitRate: bitRate,
                                         maxRate: try v.int("max_rate", in: 1_000...2_000_000_000), bufferSize: try v.int("buffer_size", in: 1_000...2_000_000_000),
                                         gopSeconds: try v.double("gop_seconds", in: 0.04...60) ?? 2)
            try v.finish()
        } else if kind == .video {
            throw f.fail("video", nil, "missing")
        }
        if kind == .display, video != nil {
            throw f.fail("video", nil, "a display ad's encoding follows its byte budget: give max_file_size_kb, not video settings")
        }
        var colour = ColourProperties.bt709
        if var c = try f.fields("colour") {
            let wanted = (try c.string("primaries") ?? "bt709", try c.string("transfer") ?? "bt709",
                          try c.string("matrix") ?? "bt709", try c.string("range") ?? "tv")
            guard let parsed = ColourProperties(names: wanted.0, wanted.1, wanted.2, wanted.3) else {
                throw c.fail("primaries", nil, "unknown colour names \(wanted)")
            }
            colour = parsed
            try c.finish()
        }
        var audio: PlatformPreset.Audio?
        if var a = try f.fields("audio") {
            audio = PlatformPreset.Audio(codec: try a.requiredString("codec"), sampleRate: try a.int("sample_rate", in: 8_000...192_000) ?? 48_000,
                                         channels: try a.int("channels", in: 1...16) ?? 2, bitRate: try a.int("bit_rate", in: 8_000...2_000_000))
            try a.finish()
        }
        var loudness: Double?, truePeak: Double?
        if var l = try f.fields("loudness") {
            loudness = try l.requiredDouble("integrated")
            truePeak = try l.double("true_peak") ?? -1
            guard (-40.0)...(-5.0) ~= loudness!, (-10.0)...0 ~= truePeak! else {
                throw l.fail("integrated", nil, "expected a target between -40 and -5 LUFS and a ceiling between -10 and 0 dBTP")
            }
            try l.finish()
        }
        let maxMB = try f.double("max_file_size_mb", in: 0.001...1_000_000)
        let maxKB = try f.double("max_file_size_kb", in: 1...1_000_000_000)
        if maxMB != nil && maxKB != nil { throw f.fail("max_file_size_kb", nil, "give max_file_size_mb or max_file_size_kb, not both") }
        let maxBytes = maxKB.map { Int($0 * 1_000) } ?? maxMB.map { Int($0 * 1_000_000) }
        if kind == .display && maxBytes == nil { throw f.fail("max_file_size_kb", nil, "missing: a display ad is made to fit its byte budget (IAB: 150)") }
        var safe: PlatformPreset.SafeZone?
        if var z = try f.fields("safe_zone") {
            safe = PlatformPreset.SafeZone(top: try z.double("top", in: 0...0.5) ?? 0, bottom: try z.double("bottom", in: 0...0.5) ?? 0,
                                           left: try z.double("left", in: 0...0.5) ?? 0, right: try z.double("right", in: 0...0.5) ?? 0)
            try z.finish()
        }
        let reframeText = try f.string("reframe") ?? "fit"
        guard let reframe = PlatformPreset.Reframe(rawValue: reframeText) else {
            throw f.fail("reframe", nil, "expected fit, fill, blur or smart, got \(reframeText)")
        }
        let container = try f.string("container") ?? (kind == .still ? "png" : kind == .display ? "gif" : "mp4")
        let containers = try f.strings("containers") { Self.displayContainers.contains($0) ? nil : "expected \(Self.displayContainers.joined(separator: ", ")), got \($0)" }
        if containers != nil && kind != .display { throw f.fail("containers", nil, "only a display ad is written in several formats") }
        if kind == .display && !Self.displayContainers.contains(container) {
            throw f.fail("container", nil, "expected \(Self.displayContainers.joined(separator: ", ")), got \(container)")
        }
        let stillAt = try f.double("still_at", in: 0...86_400)
        let plays = try f.int("plays", in: 1...100)
        var lut = try f.string("lut")
        if let named = lut {
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
            let path = named.hasPrefix("/") ? named : folder.appendingPathComponent(named).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: path) else { throw f.fail("lut", nil, "no such file: \(path)") }
            lut = path
        }
        try f.finish()
        if kind == .display && (audio != nil || loudness != nil) { throw f.fail("audio", nil, "a display ad is silent: leave out audio and loudness") }
        let one = PlatformPreset(name: name, description: description, kind: kind, width: width, height: height, aspect: aspect,
                                 ratePolicy: policy, rate: rate, minDuration: minDuration, maxDuration: maxDuration,
                                 optimalDuration: optimal, targetDuration: target, video: video, colour: colour, audio: audio,
                                 loudness: loudness, truePeak: truePeak, maxFileSize: maxBytes,
                                 safeZone: safe, reframe: reframe, container: container, stillAt: stillAt, plays: plays, lut: lut, source: file)
        guard let containers, !containers.isEmpty else { return [one] }
        return containers.map { format in
            var preset = one
            preset.name = "\(name)-\(format)"
            preset.container = format
            preset.group = name
            preset.description = "\(description) (\(format.uppercased()))"
            return preset
        }
    }

    /// `; did you mean X?` for the known name nearest `name` (edit distance ≤ 3), or "".
    static func suggestion(for name: String, among names: [String]) -> String {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(1, a.count) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in stride(from: 1, through: b.count, by: 1) {
                    let current = row[j]
                    let substitution: Int = previous + (a[i - 1] == b[j - 1] ? 0 : 1)
                    let edit: Int = Swift.min(row[j] + 1, row[j - 1] + 1)
                    row[j] = Swift.min(edit, substitution)
                    previous = current
                }
            }
            return row[b.count]
        }
        var best: (name: String, distance: Int)?
        for candidate in names.sorted() {
            let d = distance(Array(name), Array(candidate))
            if d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        guard let best, best.distance <= 3 else { return "" }
        return "; did you mean \(best.name)?"
    }
}
