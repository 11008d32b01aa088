import Foundation
import KijkoEditorial
import KijkoMedia
public import KijkoPipeline

/// Assembler: the shot list and the footage log become an EDL, edit notes and a frame-accurate
/// rough cut, rendered natively. Missing media does not stop it: the shot shows black and the
/// edit notes say which and why.
public struct AssemblerAgent: PipelineAgent {
    public let name = "assembler"
    public let type = "post"
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
        let library = MediaLibrary(folders: folders.isEmpty ? [given.workFolder] : [folders[0]])
        let result = try ShotListAssembler(list: list, library: library, rate: rate).assemble()
        let work = ArtefactFolder(given.workFolder)
        try work.create()
        let edl = try work.write(EDLWriter.write(EDL(timeline: result.timeline)), as: "roughcut.edl", name: "EDL", type: "edl")
        let markdown = EditNotesMarkdown.render(title: list.title ?? "Rough cut", notes: result.notes, timeline: result.timeline, matched: result.matched)
        let notesFile = try work.write(markdown, as: "roughcut.notes.md", name: "edit notes", type: "markdown")
        let video = work.file("roughcut.mp4")
        let settings = RenderSettings(width: context.renderWidth, height: context.renderHeight, preset: .proxy)
        let report: RenderReport
        do {
            report = try TimelineRenderer(timeline: result.timeline, library: library, settings: settings, lenient: true).render(to: video)
        } catch let error as RenderError {
            throw AgentError("assembly: \(error.description)")
        }
        let planned = (list.totalDuration * 1_000_000).rounded() / 1_000_000
        let noteLines = result.notes.map { "shot \($0.shot): \($0.kind.rawValue): \($0.message)" } + report.warnings
        var notes: [String] = []
        let fps = rate.rate.doubleValue
        if abs(report.seconds - planned) > Double(list.shots.count) / fps + 1e-6 {
            notes.append(String(format: "rendered %.3f s against the shot list's %.3f s", report.seconds, planned))
        }
        let cut = RoughCut(video: video, edl: edl.path, editNotes: notesFile.path, shots: list.shots.count, frameRate: list.frameRate ?? "25",
                           frames: report.frames, seconds: report.seconds, plannedSeconds: planned, editNoteLines: noteLines)
        let artefacts = [Artefact(name: "rough cut", path: video, type: "video"), edl, notesFile,
                         try work.write(RoughCut.encoder.encode(cut), as: "rough_cut.json", name: "rough cut (summary)", type: "json")]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: cut, artefacts: artefacts, notes: notes, summary: String(format: "%d shots, %d frames (%.2f s; planned %.2f s), %d edit notes", cut.shots, cut.frames, cut.seconds, cut.plannedSeconds, noteLines.count)), provenance: "native", model: nil))
    }
}
