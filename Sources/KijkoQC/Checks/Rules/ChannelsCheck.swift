import Foundation

/// Channel faults: a channel silent, a copy of channel 1, or channel 1 inverted, for long enough.
struct ChannelsCheck: QCCheck {
    let info = QCCheckInfo(id: "channels", profileKey: "audio.channels", measures: .sound,
                           summary: "a silent, duplicated or inverted channel", colour: "#98df8a")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let sound = e.sound, let seconds = e.profile.channelFaultSeconds else { return [] }
        let minimum = e.windows(seconds, sound)
        var out: [QCFinding] = []
        for (kind, what) in [(UInt8(1), "silent"), (2, "a copy of channel 1"), (3, "channel 1 inverted")] {
            for run in Runs.find(sound.channelFaults.map { $0 == kind }, minimum: minimum) {
                let samples = e.samples(run, sound)
                let channel = sound.faultChannels[run.lowerBound]
                out.append(QCFinding(run: e.frames(samples: samples, rate: sound.sampleRate), measured: Double(channel), threshold: nil,
                                     message: String(format: "channel %d is %@ for %.2f s", channel, what, Double(samples.count) / Double(sound.sampleRate))))
            }
        }
        return out
    }
}
