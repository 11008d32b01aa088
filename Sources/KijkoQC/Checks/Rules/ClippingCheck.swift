import Foundation

/// Clipping: runs of samples at full scale (clips under 100 ms apart are one event).
struct ClippingCheck: QCCheck {
    let info = QCCheckInfo(id: "audio_clipping", profileKey: "audio.clipping", measures: .sound,
                           summary: "sound clipped at full scale", colour: "#d62728")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let sound = e.sound, let clipping = e.profile.clipping else { return [] }
        var merged: [Range<Int>] = []
        for clip in sound.clips.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, clip.lowerBound <= last.upperBound + sound.sampleRate / 10 {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, clip.upperBound)
            } else { merged.append(clip) }
        }
        return merged.map { clip in
            QCFinding(run: e.frames(samples: clip, rate: sound.sampleRate), measured: Double(clip.count), threshold: Double(clipping.minSamples),
                      message: String(format: "sound clipped at full scale over %.0f ms", Double(clip.count) * 1000 / Double(sound.sampleRate)))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "The sound was clipped before it was encoded; lower the level in the mix and export it again (clipping cannot be undone afterwards)"
    }
}
