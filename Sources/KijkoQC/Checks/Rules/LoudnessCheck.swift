import Foundation

/// Programme loudness (EBU R128 / ATSC A/85 integrated) against the profile's target.
struct LoudnessCheck: QCCheck {
    let info = QCCheckInfo(id: "loudness", profileKey: "audio.loudness", measures: .sound,
                           summary: "integrated loudness off target", colour: "#9467bd")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let loud = e.sound?.loudness, let target = e.profile.loudness, loud.integrated > -70,
              abs(loud.integrated - target.target) > target.tolerance else { return [] }
        return [QCFinding(run: e.all, measured: loud.integrated, threshold: target.target,
                          message: String(format: "integrated loudness %.1f LUFS, target %.1f ±%.1f", loud.integrated, target.target, target.tolerance))]
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Normalise the loudness to the target: `kijko versions \(URL(fileURLWithPath: e.info.file).lastPathComponent) --preset \(e.preset(or: "youtube"))` measures and corrects it in two passes"
    }
}
