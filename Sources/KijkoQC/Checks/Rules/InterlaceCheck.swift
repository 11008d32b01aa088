import Foundation

/// Combing: lines alternating between two moments on a picture that says it is progressive.
struct InterlaceCheck: QCCheck {
    let info = QCCheckInfo(id: "interlace", profileKey: "video.interlace", measures: .picture,
                           summary: "interlace combing on a progressive picture", colour: "#dbdb8d")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let comb = e.profile.interlace else { return [] }
        let stats = e.stats
        let ratios = stats.map { Double($0.combAcross) / Double(max($0.combWithin, 0.5)) }
        let flags = stats.indices.map { Double(stats[$0].combAcross) >= comb.minStep && ratios[$0] >= comb.ratioMax }
        return Runs.find(flags, minimum: e.frames(comb.minSeconds)).map { run in
            let worst = ratios[run].max() ?? 0
            return QCFinding(run: run, measured: worst, threshold: comb.ratioMax,
                             message: String(format: "interlace combing on a picture flagged progressive (%.1fx) for %.2f s", worst, e.clock.seconds(run)))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Deinterlace when rendering (bwdif or yadif), or flag the stream interlaced if it is meant to be"
    }
}
