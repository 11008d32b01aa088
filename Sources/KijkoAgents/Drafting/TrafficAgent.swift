import Foundation
public import KijkoPipeline
import KijkoCore

/// Traffic Manager: a delivery per version made — destination, measured spec, clock number
/// (`AGENCY/BRANDnnn/DUR`), slate and dates — as JSON and CSV. Files, specs and clock numbers are
/// filled in code; a model may only propose destinations and dates. Only versions cleared for
/// delivery are scheduled (``DeliveryClearance``): one that failed its checks or QC is held, and
/// the schedule says why, unless a person overrode the failure at the gate with a reason.
public struct TrafficAgent: DraftingAgent {
    public let name = "traffic"
    public let type = "post"
    public let prompt = "traffic"
    public let context: AgentContext
    public var temperature: Double { 0.1 }

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var title: String
        public var client: String
        public var versions: [VersionSet.Version]
        /// The VRD's final delivery date, when it has one.
        public var finalDelivery: String?
        /// Versions held back, and why (not shown to the model).
        var held: [TrafficSchedule.Held] = []
        /// Each scheduled version's QC line, by path.
        var qc: [String: String] = [:]

        enum CodingKeys: String, CodingKey { case title, client, versions, finalDelivery }
    }

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        guard let versions = AgentInputs.document(VersionSet.self, in: given) else { throw AgentError("traffic: no versions among the job's earlier steps") }
        let vrd = AgentInputs.document(VideoRequirements.self, in: given)
        let clearance = DeliveryClearance(given)
        var input = Input(title: vrd?.title ?? facts.title, client: given.client ?? facts.brand, versions: [], finalDelivery: vrd?.timeline.last?.date)
        for version in versions.versions {
            switch clearance.decide(version.path) {
            case .clear(let qc), .overridden(let qc): input.versions.append(version); input.qc[version.path] = qc
            case .held(let why): input.held.append(.init(version: version.preset, file: version.path, why: why))
            }
        }
        return input
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> TrafficSchedule {
        TrafficSchedule(title: input.title, deliveries: input.versions.enumerated().map { i, version in
            .init(clockNumber: "", version: version.preset, destination: version.platform == "tv" ? "broadcast (station TBC)" : version.platform,
                  file: version.path, spec: "", slate: [], deliverBy: Schedule.day(context.today, plus: 25 + i), airDate: Schedule.day(context.today, plus: 28 + i),
                  qc: input.qc[version.path] ?? "not audited")
        })
    }

    /// What the file is: a video's size, aspect and length; a still's size; a display ad's loop.
    static func spec(_ version: VersionSet.Version) -> String {
        switch version.kind {
        case "still"?: return "\(version.width)x\(version.height) still"
        case "display"?: return String(format: "%dx%d display loop, %.2f s", version.width, version.height, version.duration)
        default: return String(format: "%dx%d %@, %.2f s", version.width, version.height, version.aspect, version.duration)
        }
    }

    static func slateLines(_ version: VersionSet.Version) -> [String] {
        switch version.kind {
        case "still"?: return ["Still: \(version.width)x\(version.height)"]
        case "display"?: return ["Display ad: \(version.width)x\(version.height)", String(format: "Loop: %.1f s", version.duration)]
        default: return [String(format: "Duration: %.0f s", version.duration), "Aspect: \(version.aspect)"]
        }
    }

    public func finish(_ output: TrafficSchedule, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<TrafficSchedule> {
        let brand = String(facts.brand.uppercased().filter { $0.isLetter }.prefix(4)).padding(toLength: 4, withPad: "X", startingAt: 0)
        var schedule = TrafficSchedule(title: input.title, deliveries: [], held: input.held)
        for (i, version) in input.versions.enumerated() {
            let proposed = output.deliveries.first { $0.version == version.preset }
            let clock = String(format: "KJK/%@%03d/%03d", brand, i + 1, Int(version.duration.rounded()))
            let deliverBy = proposed?.deliverBy.count == 10 ? proposed!.deliverBy : Schedule.day(context.today, plus: 25 + i)
            let airDate = proposed?.airDate.count == 10 ? proposed!.airDate : Schedule.day(context.today, plus: 28 + i)
            schedule.deliveries.append(.init(
                clockNumber: clock, version: version.preset, destination: proposed?.destination ?? version.platform, file: version.path,
                spec: Self.spec(version),
                slate: [clock, input.title, "Client: \(input.client)"] + Self.slateLines(version) + ["Air: \(airDate)"],
                deliverBy: deliverBy, airDate: airDate, qc: input.qc[version.path] ?? "not audited"))
        }
        var csv = CSV.line(["clock_number", "version", "destination", "file", "spec", "deliver_by", "air_date", "qc"]) + "\n"
        csv += schedule.deliveries.map { CSV.line([$0.clockNumber, $0.version, $0.destination, $0.file, $0.spec, $0.deliverBy, $0.airDate, $0.qc]) + "\n" }.joined()
        csv += schedule.held.map { CSV.line(["HELD", $0.version, "", $0.file, "", "", "", $0.why]) + "\n" }.joined()
        let folder = ArtefactFolder(given.workFolder)
        var notes = schedule.held.map { "\($0.version) held, not scheduled: \($0.why)" }
        notes += schedule.deliveries.filter { $0.qc.contains("override") }.map { "\($0.version): \($0.qc)" }
        if schedule.deliveries.isEmpty { notes.append("no versions to schedule") }
        return Finished(document: schedule, artefacts: [try folder.write(csv, as: "traffic.csv", name: "delivery schedule (CSV)", type: "csv")], notes: notes, summary: "\(English.count(schedule.deliveries.count, "delivery", plural: "deliveries")), first air \(schedule.deliveries.map(\.airDate).min() ?? "none")"
                        + (schedule.held.isEmpty ? "" : "; \(schedule.held.count) held (failed checks)"))
    }
}
