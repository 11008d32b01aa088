import Foundation

/// Illegal levels: more of a picture than the profile allows outside the legal luma or chroma range.
struct LevelRangeCheck: QCCheck {
    let info: QCCheckInfo
    private let range: @Sendable (QCProfile) -> QCProfile.Range?
    private let outside: @Sendable (PictureStatistics) -> Double

    static let luma = LevelRangeCheck(info: QCCheckInfo(id: "luma_range", profileKey: "video.luma_range", measures: .picture,
                                                        summary: "luma outside the legal range", colour: "#ff7f0e"),
                                      range: { $0.lumaRange }, outside: { $0.lumaOutside })
    static let chroma = LevelRangeCheck(info: QCCheckInfo(id: "chroma_range", profileKey: "video.chroma_range", measures: .picture,
                                                          summary: "chroma outside the legal range", colour: "#bcbd22"),
                                        range: { $0.chromaRange }, outside: { $0.chromaOutside })

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let range = range(e.profile) else { return [] }
        let shares = e.stats.map(outside)
        return Runs.find(shares.map { $0 > range.pictureShare }, minimum: 1).map { run in
            let worst = shares[run].max() ?? 0
            return QCFinding(run: run, measured: worst, threshold: range.pictureShare,
                             message: String(format: "%.1f %% of the picture outside %d–%d for %d frames", worst * 100, range.low, range.high, run.count))
        }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Bring the levels into the legal range in the grade (or with a legaliser) and render again; \(e.place(f.run)) go outside it"
    }
}
