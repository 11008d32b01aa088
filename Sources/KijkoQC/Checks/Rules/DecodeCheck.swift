import Foundation
import KijkoCore

/// Damage: where decoding broke or packets were skipped, and a picture that stops short of the
/// frames the file declares (cut off in a copy) — never a quiet pass.
struct DecodeCheck: QCCheck {
    let info = QCCheckInfo(id: "decode", profileKey: "always", measures: .file,
                           summary: "damaged or missing frames", colour: "#e377c2")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        let count = e.stats.count
        var found: [QCFinding] = []
        if let (missed, first) = e.unmeasured {
            let format = e.info.first(.video)?.pixelFormat ?? "its pixel format"
            found.append(QCFinding(run: first..<min(count, first + missed), measured: Double(missed), threshold: 0,
                                   message: "\(English.count(missed, "picture")) could not be measured (\(format)); the audit cannot vouch for them"))
        }
        return found + damage(e, count: count)
    }

    private func damage(_ e: QCEvidence, count: Int) -> [QCFinding] {
        if let note = e.note {
            let at = e.damageAt ?? count
            return [QCFinding(run: at..<min(max(at + 1, count), at + 1), measured: nil, threshold: nil, message: note)]
        }
        let video = e.info.first(.video)
        let declared = video?.frameCount ?? Int(((video?.duration ?? e.info.duration ?? 0) * e.fps).rounded())
        guard e.damageAt == nil, declared > 0, count < declared - 1 else { return [] }
        return [QCFinding(run: count..<declared, measured: Double(count), threshold: Double(declared),
                          message: "the picture ends after \(count) of the \(declared) frames the file declares")]
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "The file is damaged or cut short: copy it again from its source, or render it again"
    }
}
