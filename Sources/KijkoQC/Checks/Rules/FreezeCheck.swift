import Foundation

/// Frozen picture: frames that barely differ from the one before, for long enough.
struct FreezeCheck: QCCheck {
    let info = QCCheckInfo(id: "freeze", profileKey: "video.freeze", measures: .picture,
                           summary: "frozen picture (difference from the frame before)", colour: "#1f77b4")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let freeze = e.profile.freeze else { return [] }
        let flags = e.stats.map { ($0.difference ?? .infinity) <= freeze.differenceMax }
        return Runs.find(flags, minimum: e.frames(freeze.minSeconds)).map { run in
            QCFinding(run: run, measured: e.stats[run].compactMap(\.difference).max() ?? 0, threshold: freeze.differenceMax,
                      message: String(format: "frozen picture for %.2f s (%d frames)", e.clock.seconds(run), run.count))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "\(e.place(f.run).capitalizedFirst) hold one picture: render again if a clip stalled or went missing there, or confirm the still is meant"
    }
}
