import Foundation
import KijkoMedia
public import KijkoPipeline
import KijkoCore

/// Distribution: the traffic schedule's files placed per destination under their clock numbers
/// (hard links where the file system allows, copies otherwise), each with its slate and checksum,
/// and a `package.json` a delivery platform or station can check against. A file that failed its
/// checks or QC is refused unless a person overrode the failure with a reason (checked here again,
/// not taken on the schedule's word).
public struct DistributionAgent: PipelineAgent {
    public let name = "distribution"
    public let type = "post"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        guard let schedule = AgentInputs.document(TrafficSchedule.self, in: given) else { throw AgentError("distribution: no delivery schedule among the job's earlier steps") }
        let root = ArtefactFolder((given.workFolder as NSString).appendingPathComponent("deliveries"))
        var items: [DeliveryPackage.Item] = []
        var notes: [String] = []
        let clearance = DeliveryClearance(given)
        for delivery in schedule.deliveries {
            let qc: String
            switch clearance.decide(delivery.file) {
            case .clear(let status), .overridden(let status): qc = status
            case .held(let why): notes.append("\(delivery.clockNumber): held, not delivered: \(why)"); continue
            }
            guard FileManager.default.fileExists(atPath: delivery.file) else { notes.append("\(delivery.clockNumber): \(delivery.file) is missing; not delivered"); continue }
            let destination = delivery.destination.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" }
            let folder = ArtefactFolder((root.path as NSString).appendingPathComponent(destination.isEmpty ? "other" : destination))
            try folder.create()
            let stem = delivery.clockNumber.replacingOccurrences(of: "/", with: "-")
            let target = folder.file(stem + "." + (delivery.file as NSString).pathExtension)
            try? FileManager.default.removeItem(atPath: target)
            do { try FileManager.default.linkItem(atPath: delivery.file, toPath: target) } catch {
                try FileManager.default.copyItem(atPath: delivery.file, toPath: target)
            }
            let slate = try folder.write(delivery.slate.joined(separator: "\n") + "\n", as: stem + ".slate.txt", name: "slate", type: "text")
            let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            items.append(.init(clockNumber: delivery.clockNumber, destination: destination, path: target, slate: slate.path, bytes: bytes,
                               sha256: try FileDigest.sha256(path: target), qc: qc))
        }
        let package = DeliveryPackage(folder: root.path, items: items)
        let manifest = try root.write(DeliveryPackage.encoder.encode(package), as: "package.json", name: "delivery package", type: "json")
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: package, artefacts: [manifest], notes: notes, summary: "\(English.count(items.count, "file")) delivered to " + Set(items.map(\.destination)).sorted().joined(separator: ", ")), provenance: "native", model: nil))
    }
}
