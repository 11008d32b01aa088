public import Foundation
import KijkoMedia
public import KijkoPipeline

/// MoodMaker: a palette measured natively from the job's reference images or footage (`--media`)
/// — small decoded frames clustered in L*a*b* — with style notes, and a mood board PNG composed
/// natively (reference frames, swatches, notes). Without media, the palette comes from the colour
/// words in the brief. The palette is always measured in code; a model may write the style notes.
public struct MoodMakerAgent: DraftingAgent {
    public let name = "moodmaker"
    public let type = "pre-production"
    public let prompt = "moodmaker"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public struct Input: Codable, Sendable {
        public var tone: String
        public var references: [String]
        public var palette: [MoodBoard.Swatch]
        public var source: String
    }

    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"]

    public func input(_ given: AgentInput, facts: BriefFacts) throws -> Input {
        var references: [String] = []
        if let media = given.media, let files = try? FileManager.default.contentsOfDirectory(atPath: media) {
            references = files.filter { ProductionAgent.mediaExtensions.union(Self.imageExtensions).contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") }
                .sorted().prefix(12).map { URL(fileURLWithPath: (media as NSString).appendingPathComponent($0)).standardizedFileURL.path }
        }
        var palette: [MoodBoard.Swatch] = []
        var source = "footage"
        var usable: [String] = []
        for file in references where (try? Probe.file(file).first(.video)) != nil { usable.append(file) }
        if !usable.isEmpty {
            palette = Palette.cluster(try Palette.samples(from: usable), k: 6).map {
                MoodBoard.Swatch(hex: $0.colour.hex, share: ($0.share * 1000).rounded() / 1000,
                                 lab: [$0.colour.l, $0.colour.a, $0.colour.b].map { ($0 * 10).rounded() / 10 })
            }
        } else {
            source = "brief"
            palette = Self.briefPalette(given.brief + " " + facts.tone)
        }
        return Input(tone: facts.tone, references: usable, palette: palette, source: source)
    }

    /// Colours named in the text (a neutral set when none are).
    static func briefPalette(_ text: String) -> [MoodBoard.Swatch] {
        let named: [(String, String)] = [("red", "#c8323c"), ("orange", "#e8822a"), ("gold", "#d9a441"), ("yellow", "#f2cf3a"), ("green", "#3f8f55"),
                                         ("teal", "#2a8c8c"), ("blue", "#2f5fa8"), ("navy", "#1d2a4d"), ("purple", "#6b3fa0"), ("pink", "#e07aa5"),
                                         ("black", "#111111"), ("white", "#f4f4f0"), ("grey", "#8a8d91"), ("warm", "#d98b4a"), ("cool", "#4a7fb0")]
        let lower = text.lowercased()
        var hexes = named.filter { lower.contains($0.0) }.map(\.1)
        if hexes.isEmpty { hexes = ["#1f2933", "#e4e7eb", "#d9a441", "#3e7cb1", "#9aa5b1"] }
        return hexes.prefix(6).map { hex in
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            let lab = LabColour(red: UInt8(v >> 16 & 255), green: UInt8(v >> 8 & 255), blue: UInt8(v & 255))
            return MoodBoard.Swatch(hex: hex, share: ((1.0 / Double(min(6, hexes.count))) * 1000).rounded() / 1000,
                                    lab: [lab.l, lab.a, lab.b].map { ($0 * 10).rounded() / 10 })
        }
    }

    /// The first three references, 512 px wide, for the model to see.
    public func images(_ input: Input) throws -> [Data] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-refs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try input.references.prefix(3).enumerated().map { i, file in
            var still = StillComposer(width: 512, height: 288)
            still.add(.picture(path: file, seconds: 1, x: 0, y: 0, width: 512, height: 288))
            let path = folder.appendingPathComponent("\(i).jpg").path
            try still.write(to: path)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
    }

    public func draft(_ input: Input, facts: BriefFacts, given: AgentInput) throws -> MoodBoard {
        MoodBoard(source: input.source, palette: input.palette, styleNotes: Self.notes(for: input.palette, tone: input.tone), references: input.references)
    }

    /// What the palette says: warm or cool, light or dark, saturated or muted, contrast.
    static func notes(for palette: [MoodBoard.Swatch], tone: String) -> [String] {
        guard !palette.isEmpty else { return ["No palette: no references and no colours named in the brief"] }
        let total = palette.reduce(0) { $0 + $1.share }
        func weighted(_ f: (MoodBoard.Swatch) -> Double) -> Double { palette.reduce(0) { $0 + f($1) * $1.share } / max(total, 1e-9) }
        let l = weighted { $0.lab[0] }, b = weighted { $0.lab[2] }, a = weighted { $0.lab[1] }
        let chroma = weighted { ($0.lab[1] * $0.lab[1] + $0.lab[2] * $0.lab[2]).squareRoot() }
        let spread = (palette.map { $0.lab[0] }.max() ?? 0) - (palette.map { $0.lab[0] }.min() ?? 0)
        return [
            b + a * 0.5 > 8 ? "Warm overall (golden, amber skin tones): keep grades on the warm side" : (b < -4 ? "Cool overall (blue/teal): a clean, modern feel" : "Neutral colour balance"),
            l > 65 ? "High key: bright, airy exposures" : (l < 35 ? "Low key: dark, moody exposures with controlled highlights" : "Mid key: natural exposure"),
            chroma > 35 ? "Saturated accents: let one brand colour lead" : "Muted palette: restrained colour, texture does the work",
            spread > 50 ? "Strong tonal contrast between lightest and darkest swatches" : "Soft tonal range",
            "Tone from the brief: \(tone)",
        ]
    }

    public func finish(_ output: MoodBoard, input: Input, facts: BriefFacts, given: AgentInput) throws -> Finished<MoodBoard> {
        // The palette and references are measured, never drafted.
        var board = output
        board.palette = input.palette
        board.references = input.references
        board.source = input.source
        if board.styleNotes.isEmpty { board.styleNotes = Self.notes(for: input.palette, tone: input.tone) }
        let folder = ArtefactFolder(given.workFolder)
        try folder.create()
        var still = StillComposer(width: 1600, height: 900)
        still.add(.text("Mood board — \(facts.title)" + (context.client == nil ? "  (offline draft)" : ""), x: 40, y: 28, size: 34, colour: "white"))
        for (i, file) in input.references.prefix(6).enumerated() {
            let x = 40 + (i % 3) * 510, y = 90 + (i / 3) * 290
            still.add(.picture(path: file, seconds: 1, x: x, y: y, width: 490, height: 276))
        }
        let swatchY = input.references.isEmpty ? 110 : 650
        let width = (1520 - 20 * max(0, board.palette.count - 1)) / max(1, board.palette.count)
        for (i, swatch) in board.palette.enumerated() {
            let x = 40 + i * (width + 20)
            still.add(.box(x: x, y: swatchY, width: width, height: 100, colour: "0x" + swatch.hex.dropFirst(), thickness: nil))
            still.add(.text("\(swatch.hex)  \(Int((swatch.share * 100).rounded()))%", x: x, y: swatchY + 110, size: 22, colour: "white"))
        }
        still.add(.text(board.styleNotes.prefix(input.references.isEmpty ? 5 : 2).joined(separator: "\n"), x: 40,
                        y: swatchY + (input.references.isEmpty ? 180 : 150), size: 22, colour: "0xc8ccd2"))
        let png = folder.file("moodboard.png")
        try still.write(to: png)
        return Finished(document: board, artefacts: [Artefact(name: "mood board", path: png, type: "png")], summary: "Palette (\(board.source)): " + board.palette.map(\.hex).joined(separator: " "))
    }
}
