import Foundation

/// Compression blocking: the picture steps at its 8x8 block edges far more than inside the blocks,
/// or (H.264) its encoder starved it of bits — a mean quantiser at or over the profile's limit —
/// which the decoder's deblocking filter smooths into smear instead of visible steps.
struct BlockinessCheck: QCCheck {
    let info = QCCheckInfo(id: "blockiness", profileKey: "video.blockiness", measures: .picture,
                           summary: "compression blocking at 8x8 block edges, or a starved H.264 quantiser", colour: "#f7b6d2")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let block = e.profile.blockiness else { return [] }
        let steps = e.stats.map { Double($0.blockEdge) >= block.edgeShare && Double($0.blockEdge) >= block.ratioMax * Double($0.blockInside) }
        let starved = e.stats.map { $0.quantiser >= 0 && Double($0.quantiser) >= block.maxQuantiser }
        let flags = zip(steps, starved).map { $0 || $1 }
        return Runs.find(flags, minimum: e.frames(block.minSeconds)).map { run in
            let seconds = e.clock.seconds(run)
            let starvedFrames = run.filter { starved[$0] }
            if starvedFrames.count * 2 >= run.count {
                let mean = starvedFrames.reduce(0.0) { $0 + Double(e.stats[$1].quantiser) } / Double(starvedFrames.count)
                return QCFinding(run: run, measured: mean, threshold: block.maxQuantiser,
                                 message: String(format: "compression: starved of bits, mean H.264 quantiser %.1f of 51 (limit %.0f) for %.2f s",
                                                 mean, block.maxQuantiser, seconds))
            }
            let worst = e.stats[run].map { Double($0.blockEdge) }.max() ?? 0
            return QCFinding(run: run, measured: worst, threshold: block.edgeShare,
                             message: String(format: "compression blocking: the picture steps at %.0f %% of its 8x8 block edges for %.2f s",
                                             worst * 100, seconds))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Encode again from the source at a higher bit rate (at least double it, or x264 CRF 23 or lower); an encode cannot be repaired by encoding it again"
    }
}
