public import KijkoPresets
import Foundation
public import KijkoMedia

/// One deliverable of a run, resolved against the master: output path, frame rate, the filter
/// chains and encoder settings, and the loudness gain.
public struct DeliverablePlan: Sendable {
    public let preset: PlatformPreset
    public let path: String
    public let reframe: PlatformPreset.Reframe
    public let outputRate: Rational
    /// The master frames it plays.
    public let selection: Selection
    /// Gain in dB and whether a limiter follows it.
    public let gainDb: Double
    public let limited: Bool
    /// dB the limiter keeps under the true-peak ceiling.
    public let limiterMargin: Double
    /// Video encoder threads (0: the encoder chooses).
    public var encoderThreads = 0
    /// The master's colour: an HDR master delivered to an SDR preset is tone-mapped first.
    public var master: ColourProperties = .unspecified
    /// An HDR master's static metadata, written into an HDR deliverable (by x265).
    public var hdrMetadata: HDRMetadata?

    /// The picture goes from the master's PQ or HLG to the preset's SDR on its way.
    public var toneMaps: Bool { ToneMap.chain(from: master, to: preset.colour) != nil }

    /// The frame rate the preset's policy gives for a master at `master`.
    public static func rate(for preset: PlatformPreset, master: Rational) -> Rational {
        switch preset.ratePolicy {
        case .keep: return master
        case .fixed: return preset.rate ?? master
        case .max:
            guard let cap = preset.rate else { return master }
            return master.doubleValue > cap.doubleValue + 0.001 ? cap : master
        }
    }

    /// - Parameter loudness: the normaliser's decision for this preset's target, nil for none.
    public init(preset: PlatformPreset, path: String, reframe: PlatformPreset.Reframe?, masterRate: Rational,
                selection: Selection, loudness: LoudnessNormaliser.Decision?) {
        self.preset = preset
        self.path = path
        self.reframe = reframe ?? preset.reframe
        outputRate = Self.rate(for: preset, master: masterRate)
        self.selection = selection
        gainDb = loudness?.gainDb ?? 0
        limited = loudness?.limited ?? false
        limiterMargin = loudness?.margin ?? 0.5
    }

    /// The video chain from selected, retimed master frames (sample aspect `sar`) to encoder
    /// frames (tone-mapped first when ``toneMaps``). `cropped`: frames arrive already cut to the
    /// smart window (square pixels).
    public func videoChain(sar: Rational, masterRate: Rational, cropped: Bool = false) -> String {
        var parts = [ToneMap.chain(from: master, to: preset.colour)].compactMap { $0 }
        if cropped {
            parts.append("scale=\(preset.width):\(preset.height):flags=bicubic,setsar=1")
        } else {
            if sar.num > 0, sar.num != sar.den { parts.append("scale=trunc(iw*sar/2)*2:ih,setsar=1") }
            parts.append(ReframeChain.description(reframe, width: preset.width, height: preset.height))
        }
        if outputRate != masterRate { parts.append("fps=\(outputRate)") }
        parts.append("format=\(preset.video?.pixelFormat ?? "yuv420p")")
        return parts.joined(separator: ",")
    }

    /// The audio chain: the selection (trims and edit fades), resample, gain (and limiter).
    public func audioChain() -> String? {
        guard let audio = preset.audio else { return nil }
        var parts = [LoudnessNormaliser(master: "", selection: selection, sampleRate: audio.sampleRate,
                                        channels: audio.channels).sectionChain(rebase: false)]
        if let gain = LoudnessNormaliser.gainChain(gainDb: gainDb, limited: limited, ceiling: preset.truePeak ?? -1,
                                                   margin: limiterMargin, sampleRate: audio.sampleRate) {
            parts.append(gain)
        }
        parts.append("aformat=sample_fmts=fltp")
        return parts.joined(separator: ",")
    }

    public var videoSettings: EncoderSettings? {
        guard let v = preset.video else { return nil }
        var options: [String: String] = [:]
        if let crf = v.crf { options["crf"] = String(format: "%g", crf) }
        if let p = v.encoderPreset { options["preset"] = p }
        if let profile = v.profile { options["profile"] = profile }
        if v.codec == "libx265" {
            // An HDR deliverable carries the master's mastering display and light levels.
            let hdr = preset.colour.dynamicRange.isHDR ? hdrMetadata.map { ":" + $0.x265Parameters } ?? "" : ""
            options["x265-params"] = "log-level=none" + hdr
        }
        return EncoderSettings(codec: v.codec, options: options, bitRate: v.bitRate, maxRate: v.maxRate,
                               bufferSize: v.bufferSize, gopSize: max(1, Int((v.gopSeconds * outputRate.doubleValue).rounded())),
                               pixelFormat: PixelFormat(name: v.pixelFormat), colour: preset.colour, threads: encoderThreads)
    }

    public var audioSettings: EncoderSettings? {
        preset.audio.map { EncoderSettings(codec: $0.codec, bitRate: $0.bitRate) }
    }
}
