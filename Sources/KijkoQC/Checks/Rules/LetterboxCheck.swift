import Foundation

/// Letterbox and pillarbox: black bars over more of the frame than the profile allows — on both
/// sides and balanced, as a letterbox is (centred in its frame); a dark band along one edge of the
/// picture (night sky, a dark floor in a 9:16 reframe) is picture, not bars.
struct LetterboxCheck: QCCheck {
    let info = QCCheckInfo(id: "letterbox", profileKey: "video.letterbox", measures: .picture,
                           summary: "black bars (letterbox, pillarbox) around the active picture", colour: "#c49c94")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let box = e.profile.letterbox, let video = e.info.first(.video), let width = video.width, let height = video.height else { return [] }
        let stats = e.stats
        let tall = Int16(box.maxShare * Double(height)), wide = Int16(box.maxShare * Double(width))
        var out: [QCFinding] = []
        for (kind, flags) in [("letterbox", stats.map { Self.bars($0.bars[0], $0.bars[1], over: tall) }),
                              ("pillarbox", stats.map { Self.bars($0.bars[2], $0.bars[3], over: wide) })] {
            for run in Runs.find(flags, minimum: e.frames(box.minSeconds)) {
                let bars = stats[run.lowerBound + run.count / 2].bars
                let active = (width - Int(bars[2]) - Int(bars[3]), height - Int(bars[0]) - Int(bars[1]))
                let sides = kind == "letterbox" ? "\(bars[0]) px top, \(bars[1]) px bottom" : "\(bars[2]) px left, \(bars[3]) px right"
                var text = String(format: "%@: black bars %@, active picture %dx%d (%.2f:1) for %.2f s", kind, sides, active.0, active.1,
                                  Double(active.0) / Double(max(1, active.1)), e.clock.seconds(run))
                if let spec = e.spec { text += " (\(spec.name) wants the full \(spec.width)x\(spec.height) picture)" }
                out.append(QCFinding(run: run, measured: Double(kind == "letterbox" ? bars[0] + bars[1] : bars[2] + bars[3]),
                                     threshold: Double(kind == "letterbox" ? tall : wide), message: text, severity: box.severity))
            }
        }
        return out
    }

    /// Two opposite dark bands are bars: each thicker than `threshold` pixels, and the thinner at
    /// least a third of the thicker (a centred box, allowing for an off-centre crop).
    static func bars(_ one: Int16, _ other: Int16, over threshold: Int16) -> Bool {
        let thin = min(one, other), thick = max(one, other)
        return thin > threshold && Int(thin) * 3 >= Int(thick)
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Crop the bars, or reframe the active picture to the delivery's aspect: `kijko versions \(URL(fileURLWithPath: e.info.file).lastPathComponent) --preset \(e.preset(or: "youtube"))` crops and reframes"
    }
}
