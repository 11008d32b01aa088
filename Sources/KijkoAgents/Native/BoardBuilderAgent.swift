import Foundation
import KijkoEditorial
import KijkoMedia
public import KijkoPipeline
import KijkoCore

/// BoardBuilder: a storyboard frame per shot — from ComfyUI when `KIJKO_COMFYUI_URL` is set,
/// otherwise a card drawn natively with the shot type's frame guides, number and description —
/// and a storyboard sheet PNG of them all. A ComfyUI failure for a shot falls back to its card and
/// the notes say so.
public struct BoardBuilderAgent: PipelineAgent {
    public let name = "boardbuilder"
    public let type = "pre-production"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
    public let context: AgentContext
    public var comfy: ComfyUIClient?

    public init(context: AgentContext, comfy: ComfyUIClient? = ComfyUIClient.fromEnvironment()) {
        self.context = context
        self.comfy = comfy
    }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        guard let list = AgentInputs.document(ShotList.self, in: given) else { throw AgentError("storyboard: no shot list among the job's earlier steps") }
        let tone = AgentInputs.document(MoodBoard.self, in: given)?.styleNotes.first ?? (try? AgentInputs.facts(given).tone) ?? ""
        let folder = ArtefactFolder(given.workFolder)
        let frames = ArtefactFolder(folder.file("frames"))
        try frames.create()
        var notes: [String] = []
        var board: [Storyboard.Frame] = []
        let workflow = comfy.flatMap { _ in try? String(contentsOfFile: (context.presetsFolder as NSString).appendingPathComponent("comfyui/storyboard.json"), encoding: .utf8) }
        for (i, shot) in list.shots.enumerated() {
            let path = frames.file("\(shot.shot.filter { $0.isLetter || $0.isNumber }).png")
            var source = "card"
            if let comfy, let workflow {
                let prompt = "Storyboard frame, \(shot.shotType ?? "MS") shot, \(shot.cameraMovement ?? "static") camera: \(shot.description ?? ""). \(tone)"
                do {
                    try AtomicFile.write(try comfy.image(prompt: prompt, seed: 1000 + i, workflow: workflow), to: path)
                    source = "comfyui"
                } catch {
                    notes.append("shot \(shot.shot): \(error); drawn as a card instead")
                }
            }
            if source == "card" { try Self.card(shot, index: i, of: list.shots.count).write(to: path) }
            board.append(.init(shot: shot.shot, shotType: shot.shotType ?? "", description: shot.description ?? "", image: path, source: source))
        }
        let sheet = folder.file("storyboard.png")
        try Self.sheet(board, title: list.title ?? "Storyboard", offline: context.client == nil && comfy == nil).write(to: sheet)
        let document = Storyboard(frames: board, sheet: sheet)
        let artefacts = [Artefact(name: "storyboard sheet", path: sheet, type: "png"),
                         try folder.write(Storyboard.encoder.encode(document), as: "storyboard.json", name: "storyboard", type: "json")]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: document, artefacts: artefacts, notes: notes, summary: "\(English.count(board.count, "frame")) (\(board.filter { $0.source == "comfyui" }.count) from ComfyUI, \(board.filter { $0.source == "card" }.count) drawn)"),
                                                          provenance: comfy == nil ? "native" : "comfyui", model: nil))
    }

    /// A 960x540 card: the frame, thirds, the subject's size for the shot type, number and description.
    static func card(_ shot: ShotList.Shot, index: Int, of count: Int) -> StillComposer {
        var card = StillComposer(width: 960, height: 540, background: "0xf4f1ea")
        let fx = 60, fy = 40, fw = 840, fh = 400
        card.add(.box(x: fx, y: fy, width: fw, height: fh, colour: "0xe2ddd2", thickness: nil))
        for k in 1...2 {
            card.add(.box(x: fx + fw * k / 3, y: fy, width: 1, height: fh, colour: "0xb8b2a6", thickness: nil))
            card.add(.box(x: fx, y: fy + fh * k / 3, width: fw, height: 1, colour: "0xb8b2a6", thickness: nil))
        }
        // Subject: height share of the frame by shot type; head box at the top of it.
        let type = (shot.shotType ?? "MS").uppercased()
        let share: Double = ["EWS": 0.15, "WS": 0.35, "MWS": 0.55, "MS": 0.75, "MCU": 0.95, "CU": 1.3, "ECU": 2.6, "OTS": 0.8, "POV": 0.5,
                             "INSERT": 0.6, "AERIAL": 0.1, "TWO-SHOT": 0.7][type] ?? 0.7
        let bodyH = Int(Double(fh) * share), bodyW = max(20, bodyH / 3)
        let bx = fx + fw * 2 / 3 - bodyW / 2, by = fy + fh - min(fh, bodyH) + (share > 1 ? Int(Double(fh) * (share - 1) * 0.2) : 0)
        if type == "INSERT" {
            card.add(.box(x: fx + fw / 2 - 120, y: fy + fh / 2 - 70, width: 240, height: 140, colour: "0x555049", thickness: 6))
        } else {
            let headH = max(10, min(fh - 10, bodyH / 7 * (share > 1 ? 2 : 1)))
            card.add(.box(x: bx, y: max(fy, by), width: bodyW, height: fy + fh - max(fy, by), colour: "0x8e877b", thickness: nil))
            card.add(.box(x: bx + bodyW / 2 - headH / 3, y: max(fy, by - headH), width: headH * 2 / 3, height: headH, colour: "0x6f695f", thickness: nil))
            if type == "OTS" { card.add(.box(x: fx, y: fy + fh / 3, width: fw / 4, height: fh * 2 / 3, colour: "0x4a453e", thickness: nil)) }
            if type == "TWO-SHOT" { card.add(.box(x: fx + fw / 3 - bodyW / 2, y: max(fy, by), width: bodyW, height: fy + fh - max(fy, by), colour: "0x8e877b", thickness: nil)) }
        }
        card.add(.box(x: fx, y: fy, width: fw, height: fh, colour: "0x222222", thickness: 3))
        card.add(.text("SHOT \(shot.shot)  ·  \(type)  ·  \(shot.cameraMovement ?? "static")  ·  \(String(format: "%.1f", shot.duration)) s",
                       x: fx, y: 8, size: 24, colour: "0x222222"))
        card.add(.text(StillComposer.wrap(shot.description ?? "", characters: 70, lines: 2), x: fx, y: fy + fh + 10, size: 22, colour: "0x333333"))
        card.add(.text("\(index + 1)/\(count)", x: fx + fw - 60, y: 8, size: 22, colour: "0x666666"))
        return card
    }

    /// Frames in rows of three, 480x270 each, with the title above.
    static func sheet(_ frames: [Storyboard.Frame], title: String, offline: Bool) -> StillComposer {
        let columns = 3, w = 480, h = 270, gap = 20
        let rows = (frames.count + columns - 1) / columns
        var sheet = StillComposer(width: columns * w + (columns + 1) * gap, height: 80 + rows * (h + gap) + gap, background: "0x1b1f26")
        sheet.add(.text("Storyboard — \(title)" + (offline ? "  (drawn cards; no image model)" : ""), x: gap, y: 24, size: 30, colour: "white"))
        for (i, frame) in frames.enumerated() {
            sheet.add(.picture(path: frame.image, seconds: 0, x: gap + (i % columns) * (w + gap), y: 80 + (i / columns) * (h + gap), width: w, height: h))
        }
        return sheet
    }
}
