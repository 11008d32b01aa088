import Foundation
import KijkoCore
import KijkoEditorial
import KijkoMedia
public import KijkoPipeline

/// Production: logs the footage the job was given (`--media`) against the shot list. A shot whose
/// own source names a file in the folder keeps it; the others get takes from the clips in name
/// order, each long enough for the shot, spread over the clips. Every clip is probed natively; a
/// file that is not media is reported by name and skipped.
public struct ProductionAgent: PipelineAgent {
    public let name = "production"
    public let type = "production"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    static let mediaExtensions: Set<String> = ["mp4", "mov", "mxf", "mkv", "m4v", "avi", "webm"]

    public func run(_ given: AgentInput) throws -> AgentOutput {
        let method = AgentInputs.document(BudgetPlan.self, in: given)?.method ?? "none"
        let shots = AgentInputs.document(ShotList.self, in: given)?.shots ?? []
        var notes: [String] = []
        var clips: [FootageLog.Clip] = []
        var folder = ""
        if let media = given.media {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: media, isDirectory: &isFolder), isFolder.boolValue else {
                throw AgentError("\(media): the job's media folder does not exist")
            }
            folder = URL(fileURLWithPath: media).standardizedFileURL.path
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
                Self.mediaExtensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".")
            }.sorted()
            for file in files {
                let path = (folder as NSString).appendingPathComponent(file)
                do {
                    let info = try Probe.file(path)
                    guard let video = info.first(.video) else { notes.append("\(file): no picture, skipped"); continue }
                    clips.append(.init(file: file, path: path, duration: video.duration ?? info.duration ?? 0, width: video.width ?? 0, height: video.height ?? 0))
                } catch {
                    notes.append("\(file): \(error), skipped")
                }
            }
        }
        var takes: [FootageLog.Take] = []
        var uncovered: [String] = []
        var next = 0
        var usedUntil: [String: Double] = [:]
        for shot in shots {
            if let source = shot.source, clips.contains(where: { $0.file == source || $0.path == source }) { continue }
            // The next clip (round robin) with room for the shot, from where the last take on it ended.
            var chosen: (FootageLog.Clip, Double)?
            for k in 0..<clips.count {
                let clip = clips[(next + k) % clips.count]
                var start = usedUntil[clip.file] ?? 0
                if start + shot.duration > clip.duration { start = 0 }
                if shot.duration <= clip.duration { chosen = (clip, start); next = (next + k + 1) % clips.count; break }
            }
            guard let (clip, start) = chosen else { uncovered.append(shot.shot); continue }
            takes.append(.init(shot: shot.shot, source: clip.file, inPoint: start, outPoint: start + shot.duration))
            usedUntil[clip.file] = start + shot.duration
        }
        if given.media == nil { notes.append("no media folder given (--media): the rough cut will show black for every shot") }
        else if !uncovered.isEmpty { notes.append("no clip long enough for shot\(uncovered.count == 1 ? "" : "s") \(uncovered.joined(separator: ", "))") }
        let log = FootageLog(method: method, mediaFolder: folder, clips: clips, takes: takes, uncovered: uncovered)
        var md = "# Footage log (\(method) production)\n\n| shot | clip | in | out |\n|---|---|---|---|\n"
        md += takes.map { String(format: "| %@ | %@ | %.2f | %.2f |\n", $0.shot, $0.source, $0.inPoint, $0.outPoint) }.joined()
        if !uncovered.isEmpty { md += "\nNot covered: " + uncovered.joined(separator: ", ") + "\n" }
        let work = ArtefactFolder(given.workFolder)
        let artefacts = [try work.write(FootageLog.encoder.encode(log), as: "footage.json", name: "footage log", type: "json"),
                         try work.write(md, as: "footage.md", name: "footage log (table)", type: "markdown")]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: log, artefacts: artefacts, notes: notes, summary: "\(English.count(clips.count, "clip")) logged, \(English.count(takes.count, "take")), \(English.count(uncovered.count, "shot")) uncovered (\(method) production)"), provenance: "native", model: nil))
    }
}
