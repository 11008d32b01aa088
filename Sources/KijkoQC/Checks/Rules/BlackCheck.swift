import Foundation

/// Black picture: most of each picture under the profile's black level, for long enough.
struct BlackCheck: QCCheck {
    let info = QCCheckInfo(id: "black", profileKey: "video.black", measures: .picture,
                           summary: "black picture (share of the picture under the black level)", colour: "#444")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let black = e.profile.black else { return [] }
        return Runs.find(e.stats.map { $0.blackShare >= black.pictureShare }, minimum: e.frames(black.minSeconds)).map { run in
            QCFinding(run: run, measured: e.stats[run].map(\.blackShare).max() ?? 0, threshold: black.pictureShare,
                      message: String(format: "black picture for %.2f s (%d frames)", e.clock.seconds(run), run.count))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "\(e.place(f.run).capitalizedFirst) are black: trim them if they are lead-in or run-out (an EDL event that starts or ends past them, `kijko assemble`), or put the picture back if it dropped out"
    }
}
