import Foundation
import KijkoCore
import KijkoEditorial
import KijkoMedia
public import KijkoPipeline

/// Assembler: the shot list and the footage log become an EDL, edit notes and a frame-accurate
/// rough cut, rendered natively. Missing media does not stop it: the shot shows black and the
/// edit notes say which and why.
public struct AssemblerAgent: PipelineAgent {
    public let name = "assembler"
    public let type = "post"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        guard var list = AgentInputs.document(ShotList.self, in: given) else { throw AgentError("assembly: no shot list among the job's earlier steps") }
        let footage = AgentInputs.document(FootageLog.self, in: given)
        for take in footage?.takes ?? [] {
            guard let i = list.shots.firstIndex(where: { $0.shot == take.shot }) else { continue }
            list.shots[i].source = take.source
            list.shots[i].in = String(format: "%.6f", take.inPoint)
            list.shots[i].out = String(format: "%.6f", take.outPoint)
        }
        guard let rate = TimecodeRate(parsing: list.frameRate ?? "25") else { throw AgentError("assembly: shot list frame rate \(list.frameRate ?? "") is not a timecode rate") }
        let folders = [footage?.mediaFolder, given.media].compactMap { $0 }.filter { !$0.isEmpty }
        let work = ArtefactFolder(given.workFolder)
        try work.create()
        // The same service `kijko assemble --shots` calls: the same EDL, notes and render.
        let video = work.file("roughcut.mp4")
        let request = AssemblyService.Request(source: .list(list), media: folders.isEmpty ? [given.workFolder] : [folders[0]], output: video,
                                              edlOutput: work.file("roughcut.edl"),
                                              settings: RenderSettings(width: context.renderWidth, height: context.renderHeight, preset: .proxy),
                                              lenient: true)
        let result: AssemblyService.Result
        do { result = try AssemblyService.perform(request, progress: given.progress) } catch let error as ServiceError { throw AgentError("assembly: \(error.message)") }
        guard let report = result.render, let edlPath = result.edl, let notesPath = result.notesMarkdown, let notesJson = result.notesJson else {
            throw AgentError("assembly: the rough cut was not rendered")
        }
        let edl = Artefact(name: "EDL", path: edlPath, type: "edl")
        let notesFile = Artefact(name: "edit notes", path: notesPath, type: "markdown")
        let notesData = Artefact(name: "edit notes (JSON)", path: notesJson, type: "json")
        let planned = (list.totalDuration * 1_000_000).rounded() / 1_000_000
        let noteLines = (result.notes ?? []).map { "shot \($0.shot): \($0.kind.rawValue): \($0.message)" } + report.warnings
        var notes: [String] = []
        let fps = rate.rate.doubleValue
        if abs(report.seconds - planned) > Double(list.shots.count) / fps + 1e-6 {
            notes.append(String(format: "rendered %.3f s against the shot list's %.3f s", report.seconds, planned))
        }
        let cut = RoughCut(video: video, edl: edl.path, editNotes: notesFile.path, shots: list.shots.count, frameRate: list.frameRate ?? "25",
                           frames: report.frames, seconds: report.seconds, plannedSeconds: planned, editNoteLines: noteLines)
        let artefacts = [Artefact(name: "rough cut", path: video, type: "video"), edl, notesFile, notesData,
                         try work.write(RoughCut.encoder.encode(cut), as: "rough_cut.json", name: "rough cut (summary)", type: "json")]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: cut, artefacts: artefacts, notes: notes, summary: "\(English.count(cut.shots, "shot")), \(English.count(cut.frames, "frame")) " + String(format: "(%.2f s; planned %.2f s), ", cut.seconds, cut.plannedSeconds) + English.count(noteLines.count, "edit note")), provenance: "native", model: nil))
    }
}
