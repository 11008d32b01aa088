import Foundation

/// Channel faults, each on the channel named by the stream's layout (`channel 4 (LFE)`): a channel
/// in digital silence while another carries sound, a copy of an earlier channel, or one inverted,
/// for long enough. A silent LFE is the profile's `lfe_silence` (a warning by default).
struct ChannelsCheck: QCCheck {
    let info = QCCheckInfo(id: "channels", profileKey: "audio.channels", measures: .sound,
                           summary: "a silent, duplicated or inverted channel", colour: "#98df8a")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let sound = e.sound, let rule = e.profile.channels else { return [] }
        let minimum = e.windows(rule.minSeconds, sound)
        func name(_ c: Int) -> String {
            c < sound.channelNames.count ? "channel \(c + 1) (\(sound.channelNames[c]))" : "channel \(c + 1)"
        }
        var out: [QCFinding] = []
        for (c, codes) in sound.channelFaults.enumerated() {
            let isLFE = c < sound.channelNames.count && sound.channelNames[c] == "LFE"
            for kind in [ChannelFault.silent, .copy, .inverted] {
                var severity = QCReport.Severity.error
                if kind == .silent && isLFE {
                    guard let lfe = rule.lfeSilence else { continue }
                    severity = lfe
                }
                let near: ChannelFault? = kind == .copy ? .nearCopy : kind == .inverted ? .nearInverted : nil
                let least = kind == .silent ? e.windows(rule.silentSeconds, sound) : minimum
                for run in Self.faultRuns(codes, kind: kind, near: near, minimum: least) {
                    let samples = e.samples(run, sound)
                    let span = codes[run.lowerBound..<run.upperBound]
                    let exact = span.filter { ChannelFault.kind($0) == kind }.count
                    let nearly = near.map { n in span.filter { ChannelFault.kind($0) == n }.count } ?? 0
                    let first = span.first { ChannelFault.kind($0) == kind || (near != nil && ChannelFault.kind($0) == near) } ?? 0
                    let other = name(ChannelFault.other(first))
                    // Mostly near, not exact: a copy coded apart by a lossy codec, or a mix with
                    // almost no width; a warning, since a real mix can be that.
                    let approximate = kind != .silent && nearly > exact
                    let what = switch kind {
                    case .copy: approximate ? "nearly a copy of \(other) (20 dB alike)" : "a copy of \(other)"
                    case .inverted: approximate ? "nearly \(other) inverted (20 dB alike)" : "\(other) inverted"
                    default: "silent"
                    }
                    out.append(QCFinding(run: e.frames(samples: samples, rate: sound.sampleRate), measured: Double(c + 1), threshold: nil,
                                         message: String(format: "%@ is %@ for %.2f s", name(c), what, Double(samples.count) / Double(sound.sampleRate)),
                                         severity: approximate ? .warning : severity))
                }
            }
        }
        return out
    }

    /// The runs of windows where a channel has `kind` of fault (or `near` it), at least `minimum`
    /// windows long. A fault goes on through pauses of the whole mix, and a copy or an inversion also
    /// through the channel's own pauses (too quiet to judge, or silent); a run stops at its last
    /// faulty window, so a pause that ends it is not counted in it.
    static func faultRuns(_ codes: [UInt16], kind: ChannelFault, near: ChannelFault?, minimum: Int) -> [Range<Int>] {
        func isFault(_ code: UInt16) -> Bool {
            let found = ChannelFault.kind(code)
            return found == kind || (found != nil && found == near)
        }
        var judged = false
        let flags = codes.map { code -> Bool in
            let found = ChannelFault.kind(code)
            if found == .idle || (kind != .silent && (found == .quiet || found == .silent)) { return judged }
            judged = isFault(code)
            return judged
        }
        return Runs.find(flags, minimum: minimum).compactMap { run in
            guard let last = run.reversed().first(where: { isFault(codes[$0]) }), last + 1 - run.lowerBound >= minimum else { return nil }
            return run.lowerBound..<(last + 1)
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        if f.message.contains("(LFE) is silent") { return "Many mixes leave the LFE empty; confirm it is meant, or route the low-frequency effects to it" }
        if f.message.contains(" is silent") { return "Route the missing channel: check the channel mapping in the mix and the render" }
        if f.message.contains("inverted") { return "Flip the channel's polarity (phase) in the mix, or fix the wiring that inverted it" }
        return "A channel carries another's signal: check the channel mapping in the mix and the render (or, for a near copy, confirm a mono mix is meant)"
    }
}
