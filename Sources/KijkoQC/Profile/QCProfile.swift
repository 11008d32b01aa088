import Foundation
import Yams
public import KijkoCore

/// What a QC audit holds a master to: thresholds per check, read from `presets/qc/*.yaml` (the
/// code has none of its own). Validated on load; errors name the file, line and key.
public struct QCProfile: Sendable, Equatable {
    public struct Black: Sendable, Equatable {
        /// 8-bit luma at or under which a pixel counts as black.
        public var lumaMax: Int
        /// Share of the picture (0…1) that must be black.
        public var pictureShare: Double
        public var minSeconds: Double
    }

    public struct Freeze: Sendable, Equatable {
        /// Mean absolute 8-bit luma change from the frame before under which a frame is frozen.
        public var differenceMax: Double
        public var minSeconds: Double
    }

    public struct Range: Sendable, Equatable {
        /// Legal 8-bit levels, inclusive.
        public var low: Int
        public var high: Int
        /// Share of the picture (0…1) that may lie outside before the frame fails.
        public var pictureShare: Double
    }

    /// Photosensitive epilepsy (Ofcom / ITU-R BT.1702, luminance flashes): a transition is a
    /// change of at least `lumaStep` (8-bit luma) over at least `area` of the picture; a flash is a
    /// pair of opposing transitions; more than `maxPerSecond` flashes in any second fails.
    public struct Flash: Sendable, Equatable {
        public var lumaStep: Int
        public var area: Double
        public var maxPerSecond: Int
        /// Saturated red: 8-bit Cr at or over `redCrMin` with Cb at or under `redCbMax`. A red
        /// transition is a change of the red share of the picture by at least `area`.
        public var redCrMin: Int = 192
        public var redCbMax: Int = 128
    }

    /// Black bars (letterbox top and bottom, pillarbox left and right) where the profile wants
    /// the full picture: a bar is rows or columns all at or under `lumaMax`, wider than `maxShare`
    /// of the picture, for at least `minSeconds`.
    public struct Letterbox: Sendable, Equatable {
        public var lumaMax: Int
        public var maxShare: Double
        public var minSeconds: Double
        /// `error` fails the file; `warning` only reports.
        public var severity: QCReport.Severity
    }

    /// Compression blocking: a luma step of at least `minStep` that stands out from its
    /// neighbours at `edgeShare` or more of the 8×8 block edges, and `ratioMax` times as often as
    /// at block middles, for `minSeconds`.
    public struct Blockiness: Sendable, Equatable {
        public var edgeShare: Double
        public var ratioMax: Double
        public var minStep: Int
        public var minSeconds: Double
        /// The mean H.264 quantiser (0–51) at or over which a picture is starved of bits, however
        /// well the decoder's deblocking filter hides its blocks.
        public var maxQuantiser: Double
    }

    /// Interlace combing on material flagged progressive: the mean step between a line and its
    /// neighbours of the other field over the step between those neighbours at or over `ratioMax`
    /// (and at least `minStep`), for `minSeconds`.
    public struct Interlace: Sendable, Equatable {
        public var ratioMax: Double
        public var minStep: Double
        public var minSeconds: Double
    }

    public struct Loudness: Sendable, Equatable {
        /// Integrated target, LUFS, and the tolerance either side, LU.
        public var target: Double
        public var tolerance: Double
    }

    public struct Silence: Sendable, Equatable {
        /// Level under which sound is silent, dBFS (RMS over 10 ms).
        public var levelDb: Double
        public var minSeconds: Double
    }

    /// Channel faults: a channel silent, a copy of another, or another inverted.
    public struct Channels: Sendable, Equatable {
        /// A copy or an inversion lasting at least this long, s.
        public var minSeconds: Double
        /// A silent channel lasting at least this long, s (longer: a real mix leaves a channel
        /// empty between lines of dialogue).
        public var silentSeconds: Double
        /// Level under which a channel counts as silent while another carries sound, dBFS (RMS
        /// over 10 ms): digital silence, not a quiet passage of a real mix.
        public var silenceDb: Double
        /// What a silent LFE is: a warning by default (many mixes leave it empty), an error, or
        /// nothing (nil).
        public var lfeSilence: QCReport.Severity?
    }

    public struct Clipping: Sendable, Equatable {
        /// Sample magnitude (0…1) counted as clipped, and how many in a row make a clip.
        public var level: Double
        public var minSamples: Int
    }

    public var name: String
    public var description: String
    public var black: Black?
    public var freeze: Freeze?
    public var lumaRange: Range?
    public var chromaRange: Range?
    public var flash: Flash?
    public var letterbox: Letterbox?
    public var blockiness: Blockiness?
    public var interlace: Interlace?
    public var loudness: Loudness?
    /// dBTP.
    public var truePeakMax: Double?
    public var silence: Silence?
    public var clipping: Clipping?
    public var channels: Channels?
    public var source: String

    /// The profile named `name` (`presets/qc/NAME.yaml`, the user's before Kijko's; only
    /// `folder` when given), or the file
    /// at `name` when it is a path.
    public static func named(_ name: String, in folder: String? = nil) throws(PresetError) -> QCProfile {
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return try load(path: name) }
        let path = try Presets.locate(name, in: "qc", what: "QC profile", only: folder)
        return try load(path: path)
    }

    public static func load(path: String) throws(PresetError) -> QCProfile {
        var f = try YAMLFields(try YAMLFields.document(path), file: path)
        let name = try f.requiredString("name")
        var profile = QCProfile(name: name, description: try f.string("description") ?? name, source: path)
        if var v = try f.fields("video") {
            if var b = try v.fields("black") {
                profile.black = Black(lumaMax: try level(&b, "luma_max", 32), pictureShare: try share(&b, "picture_share", 0.98),
                                      minSeconds: try seconds(&b, "min_seconds", 0.2))
                try b.finish()
            }
            if var z = try v.fields("freeze") {
                profile.freeze = Freeze(differenceMax: try number(&z, "difference_max", 0.5, 0...255), minSeconds: try seconds(&z, "min_seconds", 1))
                try z.finish()
            }
            if var z = try v.fields("flash") {
                let step = try z.int("luma_step") ?? 20
                guard (1...254).contains(step) else { throw z.fail("luma_step", nil, "expected 1–254, got \(step)") }
                profile.flash = Flash(lumaStep: step, area: try share(&z, "area", 0.25), maxPerSecond: try count(&z, "max_per_second", 3, 1...100),
                                      redCrMin: try level(&z, "red_cr_min", 192), redCbMax: try level(&z, "red_cb_max", 128))
                try z.finish()
            }
            if var z = try v.fields("letterbox") {
                let severity = try z.string("severity") ?? "warning"
                guard let chosen = QCReport.Severity(rawValue: severity) else { throw z.fail("severity", nil, "expected error or warning, got \(severity)") }
                profile.letterbox = Letterbox(lumaMax: try level(&z, "luma_max", 24), maxShare: try share(&z, "max_share", 0.01),
                                              minSeconds: try seconds(&z, "min_seconds", 1), severity: chosen)
                try z.finish()
            }
            if var z = try v.fields("blockiness") {
                profile.blockiness = Blockiness(edgeShare: try share(&z, "edge_share", 0.3), ratioMax: try number(&z, "ratio_max", 4, 0...1000),
                                                minStep: try level(&z, "min_step", 2), minSeconds: try seconds(&z, "min_seconds", 0.5),
                                                maxQuantiser: try number(&z, "max_quantiser", 40, 0...51))
                try z.finish()
            }
            if var z = try v.fields("interlace") {
                profile.interlace = Interlace(ratioMax: try number(&z, "ratio_max", 3, 0...1000), minStep: try number(&z, "min_step", 4, 0...255),
                                              minSeconds: try seconds(&z, "min_seconds", 0.5))
                try z.finish()
            }
            profile.lumaRange = try range(&v, "luma_range")
            profile.chromaRange = try range(&v, "chroma_range")
            try v.finish()
        }
        if var a = try f.fields("audio") {
            if var l = try a.fields("loudness") {
                let target = try l.requiredDouble("target")
                guard (-70.0...0).contains(target) else { throw l.fail("target", nil, "expected −70 to 0 LUFS, got \(target)") }
                profile.loudness = Loudness(target: target, tolerance: try number(&l, "tolerance", 1, 0...30))
                try l.finish()
            }
            profile.truePeakMax = try a.double("true_peak_max")
            if let peak = profile.truePeakMax, !(-60.0...6).contains(peak) { throw a.fail("true_peak_max", nil, "expected −60 to 6 dBTP, got \(peak)") }
            if var s = try a.fields("silence") {
                profile.silence = Silence(levelDb: try number(&s, "level_db", -60, -200...0), minSeconds: try seconds(&s, "min_seconds", 0.5))
                try s.finish()
            }
            if var c = try a.fields("channels") {
                let lfe: QCReport.Severity?
                switch try c.string("lfe_silence") ?? "warning" {
                case "warning": lfe = .warning
                case "error": lfe = .error
                case "off": lfe = nil
                case let other: throw c.fail("lfe_silence", nil, "expected warning, error or off, got \(other)")
                }
                profile.channels = Channels(minSeconds: try seconds(&c, "min_seconds", 0.5), silentSeconds: try seconds(&c, "silent_seconds", 1.5),
                                            silenceDb: try number(&c, "silence_db", -80, -200...0), lfeSilence: lfe)
                try c.finish()
            }
            if var c = try a.fields("clipping") {
                profile.clipping = Clipping(level: try share(&c, "level", 0.999), minSamples: try count(&c, "min_samples", 3, 1...48_000))
                try c.finish()
            }
            try a.finish()
        }
        try f.finish()
        return profile
    }

    /// A duration in seconds, 0 to a day.
    static func seconds(_ f: inout YAMLFields, _ key: String, _ fallback: Double) throws(PresetError) -> Double {
        try number(&f, key, fallback, 0...86_400)
    }

    /// A number within `range` (finite).
    static func number(_ f: inout YAMLFields, _ key: String, _ fallback: Double, _ range: ClosedRange<Double>) throws(PresetError) -> Double {
        try f.double(key, in: range) ?? fallback
    }

    /// A whole number within `range`.
    static func count(_ f: inout YAMLFields, _ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(PresetError) -> Int {
        try f.int(key, in: range) ?? fallback
    }

    static func share(_ f: inout YAMLFields, _ key: String, _ fallback: Double) throws(PresetError) -> Double {
        let value = try f.double(key) ?? fallback
        guard (0...1).contains(value) else { throw f.fail(key, nil, "expected a share between 0 and 1, got \(value)") }
        return value
    }

    static func level(_ f: inout YAMLFields, _ key: String, _ fallback: Int) throws(PresetError) -> Int {
        let value = try f.int(key) ?? fallback
        guard (0...255).contains(value) else { throw f.fail(key, nil, "expected an 8-bit level 0–255, got \(value)") }
        return value
    }

    static func range(_ f: inout YAMLFields, _ key: String) throws(PresetError) -> Range? {
        guard var r = try f.fields(key) else { return nil }
        let low = try r.requiredInt("low"), high = try r.requiredInt("high")
        guard 0 <= low, low < high, high <= 255 else { throw r.fail("high", nil, "expected 0 ≤ low < high ≤ 255 (8-bit levels)") }
        let result = Range(low: low, high: high, pictureShare: try share(&r, "picture_share", 0.01))
        try r.finish()
        return result
    }

    init(name: String, description: String, source: String) {
        self.name = name
        self.description = description
        self.source = source
    }
}
