import Foundation
import KijkoDelivery
import KijkoMedia
public import KijkoPipeline
import KijkoCore
import KijkoPresets

/// Version Generator: every deliverable the VRD asks for, from the rough cut (or the job's
/// `--master`) in one decode — 16:9, 9:16, 1:1, 4:5, and TV lengths when the brief names TV.
/// A version of another aspect than the master's is reframed smartly (the crop follows what
/// matters in each shot); one of the master's own aspect is scaled as its preset says.
public struct VersionGeneratorAgent: PipelineAgent {
    public let name = "version_generator"
    public let type = "post"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    /// The preset that makes each aspect.
    static let presetForAspect = ["16:9": "youtube", "9:16": "instagram-reels", "1:1": "instagram-feed-square", "4:5": "instagram-feed-portrait"]
    static let platformOfPreset = ["youtube": "youtube", "instagram-reels": "instagram", "instagram-feed-square": "instagram",
                                   "instagram-feed-portrait": "instagram", "tiktok": "tiktok", "tv-30s": "tv", "tv-15s": "tv", "tv-6s": "tv"]

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let facts = try AgentInputs.facts(given)
        let master = try Self.master(given)
        let vrd = AgentInputs.document(VideoRequirements.self, in: given)
        var names: [String] = []
        for aspect in (vrd.map { Array(Set($0.deliverables.map(\.aspect))) } ?? facts.aspects).sorted() {
            if let preset = Self.presetForAspect[aspect], !names.contains(preset) { names.append(preset) }
        }
        if names.isEmpty { names = ["youtube", "instagram-reels", "instagram-feed-square", "instagram-feed-portrait"] }
        if facts.platforms.contains("tv") {
            for length in [30, 15, 6] where facts.durations.contains(Double(length)) { names.append("tv-\(length)s") }
        }
        let loader = PresetLoader.standard()
        let folder = ArtefactFolder((given.workFolder as NSString).appendingPathComponent("versions"))
        try folder.create()
        var request = DeliveryService.VersionsRequest(master: master, presets: try loader.named(names), outputFolder: folder.path)
        request.force = true
        // Smart for every change of shape; a version of the master's own shape is scaled (the engine's rule).
        request.reframe = .smart
        // The same service `kijko versions` calls: the same deliverables and manifest.
        let result = try DeliveryService.performVersions(request, progress: given.progress)
        let set = Self.versionSet(result.manifest, master: master, manifestPath: result.manifestPath, sheet: nil)
        return try Self.output(set, given: given)
    }

    /// The master to make versions from: the rough cut, else the job's `--master`.
    static func master(_ given: AgentInput) throws -> String {
        if let cut = AgentInputs.document(RoughCut.self, in: given), FileManager.default.fileExists(atPath: cut.video) { return cut.video }
        if let master = given.master {
            guard FileManager.default.fileExists(atPath: master) else { throw AgentError("\(master): the job's master does not exist") }
            return master
        }
        throw AgentError("no master to make versions from: no rough cut among the job's earlier steps and no --master (give one: kijko resume JOB --master FILE)")
    }

    static func versionSet(_ manifest: Manifest, master: String, manifestPath path: String, sheet: String?) -> VersionSet {
        let aspectOf = Dictionary(presetForAspect.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return VersionSet(master: master, manifest: path, versions: manifest.deliverables.map { entry in
            let width = entry.measured?.width ?? 0, height = entry.measured?.height ?? 0
            return VersionSet.Version(preset: entry.preset, aspect: aspectOf[entry.preset] ?? Self.aspect(width, height), platform: platformOfPreset[entry.preset] ?? entry.preset,
                                      path: entry.path, width: width, height: height, duration: entry.measured?.duration ?? 0, pass: entry.pass,
                                      failedChecks: entry.checks.filter { !$0.pass }.map { "\($0.name): \($0.detail)" } + (entry.error.map { [$0] } ?? []))
        }, contactSheet: sheet ?? "")
    }

    static func aspect(_ w: Int, _ h: Int) -> String {
        guard w > 0, h > 0 else { return "" }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let g = gcd(w, h)
        return "\(w / g):\(h / g)"
    }

    static func output(_ set: VersionSet, given: AgentInput) throws -> AgentOutput {
        let work = ArtefactFolder(given.workFolder)
        var artefacts = set.versions.filter { FileManager.default.fileExists(atPath: $0.path) }.map {
            Artefact(name: "\($0.aspect.isEmpty ? $0.preset : $0.aspect) version (\($0.preset))", path: $0.path,
                     type: ["jpg", "jpeg", "png"].contains(($0.path as NSString).pathExtension) ? "jpeg" : "video")
        }
        artefacts.append(Artefact(name: "versions manifest", path: set.manifest, type: "json"))
        if !set.contactSheet.isEmpty { artefacts.append(Artefact(name: "contact sheet", path: set.contactSheet, type: "png")) }
        artefacts.append(try work.write(VersionSet.encoder.encode(set), as: "versions.json", name: "versions (summary)", type: "json"))
        let failed = set.versions.filter { !$0.pass }.map { "\($0.preset): " + $0.failedChecks.joined(separator: "; ") }
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: set, artefacts: artefacts, notes: failed, summary: "\(English.count(set.versions.count, "version")), \(set.versions.filter(\.pass).count) pass: " + set.versions.map { $0.aspect.isEmpty ? $0.preset : $0.aspect }.joined(separator: ", ")), provenance: "native", model: nil))
    }
}
