import Foundation

/// Compression blocking: the picture steps at its 8x8 block edges far more than inside the blocks.
struct BlockinessCheck: QCCheck {
    let info = QCCheckInfo(id: "blockiness", profileKey: "video.blockiness", measures: .picture,
                           summary: "compression blocking at 8x8 block edges", colour: "#f7b6d2")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let block = e.profile.blockiness else { return [] }
        let flags = e.stats.map { Double($0.blockEdge) >= block.edgeShare && Double($0.blockEdge) >= block.ratioMax * Double($0.blockInside) }
        return Runs.find(flags, minimum: e.frames(block.minSeconds)).map { run in
            let worst = e.stats[run].map { Double($0.blockEdge) }.max() ?? 0
            return QCFinding(run: run, measured: worst, threshold: block.edgeShare,
                             message: String(format: "compression blocking: the picture steps at %.0f %% of its 8x8 block edges for %.2f s", worst * 100,
                                             e.clock.seconds(run)))
        }
    }
}
