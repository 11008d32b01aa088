import Foundation

/// Conformance to a delivery preset (`--spec`): each departure is an issue over the whole file.
struct SpecConformanceCheck: QCCheck {
    let info = QCCheckInfo(id: "spec", profileKey: "--spec PRESET", measures: .file,
                           summary: "departures from the delivery preset", colour: "#aec7e8")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let spec = e.spec else { return [] }
        return SpecCheck.departures(e.info, from: spec).map { QCFinding(run: e.all, measured: nil, threshold: nil, message: $0) }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Render a version for the delivery: `kijko versions \(URL(fileURLWithPath: e.info.file).lastPathComponent) --preset \(e.preset(or: "youtube"))`"
    }
}
