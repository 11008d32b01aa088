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
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
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
        let videos = vrd?.deliverables.filter { !$0.isPicture }
        for aspect in (videos.map { Array(Set($0.map(\.aspect))) } ?? facts.aspects).sorted() {
            if let preset = Self.presetForAspect[aspect], !names.contains(preset) { names.append(preset) }
        }
        // Nothing asked for at all: the four shapes.
        if names.isEmpty && (vrd?.deliverables.isEmpty ?? true) { names = ["youtube", "instagram-reels", "instagram-feed-square", "instagram-feed-portrait"] }
        if facts.platforms.contains("tv") {
            for length in [30, 15, 6] where facts.durations.contains(Double(length)) { names.append("tv-\(length)s") }
        }
        let loader = PresetLoader.standard()
        let folder = ArtefactFolder((given.workFolder as NSString).appendingPathComponent("versions"))
        try folder.create()
        var presets = try loader.named(names)
        var notes: [String] = []
        for picture in vrd?.deliverables.filter(\.isPicture) ?? [] {
            for preset in try Self.presets(for: picture, loader: loader, notes: &notes) where !presets.contains(where: { $0.name == preset.name }) {
                presets.append(preset)
            }
        }
        guard !presets.isEmpty else { throw AgentError("the VRD asks for no deliverable this agent makes") }
        var request = DeliveryService.VersionsRequest(master: master, presets: presets, outputFolder: folder.path)
        request.force = true
        // Smart for every change of shape; a version of the master's own shape is scaled (the engine's rule).
        request.reframe = .smart
        // The same service `kijko versions` calls: the same deliverables and manifest.
        let result = try DeliveryService.performVersions(request, progress: given.progress)
        let set = Self.versionSet(result.manifest, master: master, manifestPath: result.manifestPath, sheet: nil)
        return try Self.output(set, given: given, notes: notes)
    }

    /// The presets that make a display ad or print still the VRD asks for: a display size's
    /// GIF, WebP and MP4 (Kijko's IAB preset, else one at the size asked), every IAB size when it
    /// names none; a print still at its size (the `still` preset's PNG, or JPEG), 4K when it names none.
    static func presets(for picture: VideoRequirements.Deliverable, loader: PresetLoader, notes: inout [String]) throws -> [PlatformPreset] {
        // Sizes were checked against the VRD's rules when it was made; a record that breaks them is no size.
        let size = picture.width.flatMap { w in picture.height.flatMap { h -> (Int, Int)? in
            (16.0...20_000).contains(w) && (16.0...20_000).contains(h) ? (Int(w.rounded()), Int(h.rounded())) : nil
        } }
        if picture.platform == "print" {
            let base = try loader.named([picture.format == "jpg" ? "still-jpeg" : "still"])[0]
            guard let (w, h) = size else { return [base] }
            var still = base.resized(width: w, height: h, name: "print-\(w)x\(h)" + (picture.format == "jpg" ? "-jpg" : ""))
            still.reframe = .smart
            if still.width / 2 != w / 2 || still.height / 2 != h / 2 {
                notes.append("print still \(w)x\(h) made at \(still.width)x\(still.height) (8192 px at most): scale it up for print")
            }
            return [still]
        }
        let loop = picture.duration > 0 && picture.duration <= 15 ? picture.duration : 6
        let known = try loader.all()
        var made: [PlatformPreset] = []
        for (w, h) in size.map({ [$0] }) ?? VRDAgent.iabSizes.map({ (Int($0.0), Int($0.1)) }) {
            let name = "display-\(w)x\(h)"
            var group = known.values.filter { $0.group == name }.sorted { $0.name < $1.name }
            if group.isEmpty {
                // A size the IAB list lacks: the medium rectangle's formats at this size; a strip or a
                // tower shows the whole picture over a blurred fill, other shapes are cropped smartly.
                group = known.values.filter { $0.group == "display-300x250" }.sorted { $0.name < $1.name }.map { base in
                    var preset = base.resized(width: w, height: h, name: "\(name)-\(base.container)")
                    let shape = Double(preset.width) / Double(preset.height)
                    preset.reframe = shape > 3 || shape < 0.4 ? .blur : .smart
                    return preset
                }
                guard !group.isEmpty else { throw AgentError("no display preset to make a \(w)x\(h) ad from (display-300x250 is missing)") }
            }
            made += group.map { preset in
                var preset = preset
                if abs((preset.targetDuration ?? 6) - loop) > 0.01 { preset.targetDuration = loop }
                return preset
            }
        }
        return made
    }

    /// The master to make versions from: the graded cut, else the rough cut, else the job's `--master`.
    static func master(_ given: AgentInput) throws -> String {
        if let grade = AgentInputs.document(ColourGrade.self, in: given), FileManager.default.fileExists(atPath: grade.video) { return grade.video }
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
            return VersionSet.Version(preset: entry.preset, aspect: aspectOf[entry.preset] ?? Self.aspect(width, height), platform: platformOfPreset[entry.preset] ?? (entry.kind == "display" ? "display" : entry.kind == "still" ? "print" : entry.preset),
                                      path: entry.path, width: width, height: height, duration: entry.measured?.duration ?? 0, pass: entry.pass,
                                      failedChecks: entry.checks.filter { !$0.pass }.map { "\($0.name): \($0.detail)" } + (entry.error.map { [$0] } ?? []),
                                      kind: entry.kind)
        }, contactSheet: sheet ?? "")
    }

    static func aspect(_ w: Int, _ h: Int) -> String {
        guard w > 0, h > 0 else { return "" }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let g = gcd(w, h)
        return "\(w / g):\(h / g)"
    }

    static func output(_ set: VersionSet, given: AgentInput, notes: [String] = []) throws -> AgentOutput {
        let work = ArtefactFolder(given.workFolder)
        var artefacts = set.versions.filter { FileManager.default.fileExists(atPath: $0.path) }.map {
            Artefact(name: "\($0.aspect.isEmpty ? $0.preset : $0.aspect) version (\($0.preset))", path: $0.path,
                     type: ["jpg", "jpeg", "png"].contains(($0.path as NSString).pathExtension) ? "jpeg" : "video")
        }
        artefacts.append(Artefact(name: "versions manifest", path: set.manifest, type: "json"))
        if !set.contactSheet.isEmpty { artefacts.append(Artefact(name: "contact sheet", path: set.contactSheet, type: "png")) }
        artefacts.append(try work.write(VersionSet.encoder.encode(set), as: "versions.json", name: "versions (summary)", type: "json"))
        let failed = notes + set.versions.filter { !$0.pass }.map { "\($0.preset): " + $0.failedChecks.joined(separator: "; ") }
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: set, artefacts: artefacts, notes: failed, summary: "\(English.count(set.versions.count, "version")), \(set.versions.filter(\.pass).count) pass: " + set.versions.map { $0.aspect.isEmpty ? $0.preset : $0.aspect }.joined(separator: ", ")), provenance: "native", model: nil))
    }
}
