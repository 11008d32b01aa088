import Foundation

/// Sound and picture of different lengths (more than a frame apart): a warning.
struct AVDurationCheck: QCCheck {
    let info = QCCheckInfo(id: "av_duration", profileKey: "always", measures: .file,
                           summary: "sound and picture of different lengths", colour: "#7f7f7f")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let sound = e.sound else { return [] }
        let videoDuration = e.clock.time(e.stats.count)
        let audioDuration = Double(sound.samples) / Double(sound.sampleRate)
        guard abs(audioDuration - videoDuration) > 1 / e.fps + 0.001 else { return [] }
        return [QCFinding(run: e.all, measured: audioDuration - videoDuration, threshold: 1 / e.fps,
                          message: String(format: "sound runs %.3f s, picture %.3f s", audioDuration, videoDuration), severity: .warning)]
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Trim or pad the sound to the picture's length (or the picture to the sound's) when rendering"
    }
}
