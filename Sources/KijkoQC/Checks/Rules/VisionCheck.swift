/// The vision model's findings on keyframes and failing frames: added by ``VisionStage`` after the
/// audit (`--vision`), so the audit itself finds nothing here.
struct VisionCheck: QCCheck {
    let info = QCCheckInfo(id: "vision", profileKey: "--vision", measures: .review,
                           summary: "what the vision model saw on keyframes and failing frames", colour: "#c5b0d5")

    func findings(_ e: QCEvidence) -> [QCFinding] { [] }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String { Self.fix }

    static let fix = "Look at the frame: the vision model's finding is a reviewer's note, to confirm or dismiss"
}
