import Foundation
import KijkoMedia

/// A picture whose colour tags leave its dynamic range unknown: BT.2020 primaries or matrix with no
/// transfer tag (PQ, HLG and SDR cannot be told apart, and a player guesses — most often SDR, so an
/// HDR master plays washed out), or an HDR transfer in 8 bits (it bands).
struct ColourTagsCheck: QCCheck {
    let info = QCCheckInfo(id: "colour_tags", profileKey: "always", measures: .file,
                           summary: "colour tags that leave the dynamic range unknown", colour: "#b0a040")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let video = e.info.first(.video) else { return [] }
        let wide = video.colorPrimaries == "bt2020" || video.colorMatrix?.hasPrefix("bt2020") == true
        let transfer = video.colorTransfer.flatMap { $0 == "unknown" ? nil : $0 }
        if wide && transfer == nil {
            return [QCFinding(run: e.all, measured: nil, threshold: nil,
                              message: "BT.2020 picture with no transfer tag: PQ, HLG and SDR cannot be told apart")]
        }
        let range = DynamicRange(transfer: transfer)
        if range.isHDR, let bits = video.bitDepth, bits < 10 {
            return [QCFinding(run: e.all, measured: Double(bits), threshold: 10,
                              message: "\(range == .pq ? "PQ" : "HLG") in \(bits) bits (\(video.pixelFormat ?? "?")): an HDR picture needs 10 bits or it bands",
                              severity: .warning)]
        }
        return []
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        f.severity == .error ? "Tag the transfer the master was graded in when rendering: smpte2084 (PQ), arib-std-b67 (HLG) or bt709 (SDR)"
            : "Render the HDR master at 10 bits (yuv420p10le or better)"
    }
}
