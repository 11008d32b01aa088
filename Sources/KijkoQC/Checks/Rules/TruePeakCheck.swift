import Foundation

/// True peak (4x oversampled) over the profile's ceiling.
struct TruePeakCheck: QCCheck {
    let info = QCCheckInfo(id: "true_peak", profileKey: "audio.true_peak_max", measures: .sound,
                           summary: "true peak over the ceiling", colour: "#8c564b")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let loud = e.sound?.loudness, let ceiling = e.profile.truePeakMax, loud.truePeak > ceiling else { return [] }
        return [QCFinding(run: e.all, measured: loud.truePeak, threshold: ceiling,
                          message: String(format: "true peak %.1f dBTP over %.1f", loud.truePeak, ceiling))]
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Bring the peaks under the ceiling with a true-peak limiter: `kijko versions … --preset \(e.preset(or: "youtube"))` normalises with one"
    }
}
