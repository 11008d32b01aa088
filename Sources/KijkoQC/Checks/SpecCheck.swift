public import KijkoPresets
public import KijkoMedia

/// Conformance to a delivery preset (`--spec tiktok`): size, frame rate, codecs, duration limits,
/// file size, colour tags and the sound format, each compared with what the file says of itself.
public enum SpecCheck {
    /// libav encoder names in presets → the codec names a probe reports.
    static func codecName(_ encoder: String) -> String {
        switch encoder {
        case "libx264": "h264"
        case "libx265": "hevc"
        case "prores_ks", "prores_aw": "prores"
        case "libopus": "opus"
        default: encoder.hasPrefix("pcm_") ? encoder : encoder
        }
    }

    /// The ways `info` departs from `preset`, as one message each (empty when it conforms).
    public static func departures(_ info: MediaInfo, from preset: PlatformPreset) -> [String] {
        var out: [String] = []
        let name = preset.name
        guard let video = info.first(.video) else { return ["no picture, \(name) wants \(preset.width)x\(preset.height)"] }
        if video.width != preset.width || video.height != preset.height {
            out.append("picture \(video.width ?? 0)x\(video.height ?? 0), \(name) wants \(preset.width)x\(preset.height)")
        }
        if let rate = video.frameRate, let wanted = preset.rate {
            switch preset.ratePolicy {
            case .fixed where rate != wanted: out.append("frame rate \(rate), \(name) wants \(wanted)")
            case .max where rate.doubleValue > wanted.doubleValue + 0.001: out.append("frame rate \(rate), \(name) allows up to \(wanted)")
            default: break
            }
        }
        if let codec = preset.video?.codec, codecName(codec) != video.codec {
            out.append("video codec \(video.codec), \(name) wants \(codecName(codec))")
        }
        if let format = preset.video?.pixelFormat, let actual = video.pixelFormat, format != actual {
            out.append("pixel format \(actual), \(name) wants \(format)")
        }
        let duration = video.duration ?? info.duration ?? 0
        if let low = preset.minDuration, duration < low - 0.02 {
            out.append(String(format: "runs %.2f s, under %@'s %.0f s minimum", duration, name, low))
        }
        if let high = preset.maxDuration, duration > high + 0.02 {
            out.append(String(format: "runs %.2f s, over %@'s %.0f s maximum", duration, name, high))
        }
        if let limit = preset.maxFileSize, let size = info.size, size > limit {
            out.append("file is \(size) bytes, over \(name)'s \(limit)")
        }
        for departure in preset.colourDepartures(video) {
            out.append("\(departure.what) \(departure.have ?? "untagged"), \(name) wants \(departure.wanted)")
        }
        if let audio = preset.audio {
            if let sound = info.first(.audio) {
                if codecName(audio.codec) != sound.codec { out.append("audio codec \(sound.codec), \(name) wants \(codecName(audio.codec))") }
                if sound.sampleRate != audio.sampleRate { out.append("sound at \(sound.sampleRate ?? 0) Hz, \(name) wants \(audio.sampleRate)") }
                if sound.channels != audio.channels { out.append("\(sound.channels ?? 0) channels, \(name) wants \(audio.channels)") }
            } else {
                out.append("no sound, \(name) wants \(codecName(audio.codec))")
            }
        }
        return out
    }
}
