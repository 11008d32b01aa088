import Foundation

/// Silence: every channel under the profile's level for long enough.
struct SilenceCheck: QCCheck {
    let info = QCCheckInfo(id: "silence", profileKey: "audio.silence", measures: .sound,
                           summary: "silence on every channel", colour: "#17becf")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let sound = e.sound, let silence = e.profile.silence else { return [] }
        return Runs.find(sound.silentWindows, minimum: e.windows(silence.minSeconds, sound)).map { run in
            let samples = e.samples(run, sound)
            return QCFinding(run: e.frames(samples: samples, rate: sound.sampleRate), measured: nil, threshold: silence.levelDb,
                             message: String(format: "silence (under %.0f dBFS) for %.2f s", silence.levelDb, Double(samples.count) / Double(sound.sampleRate)))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Fill the gap in the sound at \(e.place(f.run)), or confirm the pause is meant"
    }
}
