import Foundation
import KijkoCore
import KijkoEditorial
import KijkoMedia
public import KijkoPipeline

/// Colourist: after assembly, every source in the rough cut is matched to one reference (the hero
/// shot the shot list names, else the median-brightness source of the most-used camera) by
/// ``GradeMatchService``; a look split-toned from the mood board's palette is added when the brief
/// asks for a look, and trims when a reviewer asks (warmer, cooler, brighter, darker, more or less
/// saturated, no look); the cut is rendered graded. The CDLs go into the EDL and OpenTimelineIO
/// timeline it writes, so the grade travels to the NLE; the look is a `.cube` beside them.
public struct ColouristAgent: PipelineAgent {
    public let name = "colourist"
    public let type = "post"
    /// Decodes, renders or writes pictures: a worker with `media` runs it.
    public let capability = "media"
    public let context: AgentContext

    public init(context: AgentContext) { self.context = context }

    public func run(_ given: AgentInput) throws -> AgentOutput {
        guard let cut = AgentInputs.document(RoughCut.self, in: given) else { throw AgentError("colour: no rough cut among the job's earlier steps to grade") }
        let list = AgentInputs.document(ShotList.self, in: given)
        let footage = AgentInputs.document(FootageLog.self, in: given)
        let folders = [footage?.mediaFolder, given.media].compactMap { $0 }.filter { !$0.isEmpty }
        let media = folders.isEmpty ? [given.workFolder] : [folders[0]]
        let library = MediaLibrary(folders: media)
        var warnings: [String] = []
        var timeline: Timeline
        do { timeline = try AssemblyService.timeline(edl: cut.edl, rate: cut.frameRate, lenient: true, warnings: &warnings) } catch let error as ServiceError {
            throw AgentError("colour: \(error.message)")
        }
        let work = ArtefactFolder(given.workFolder)
        try work.create()

        // The sources the cut shows, in cut order, with the shots using each.
        var sources: [(file: String, shots: [String])] = []
        for track in timeline.tracks where track.kind == .video {
            for (_, clip) in track.placedClips where !clip.isGenerator {
                guard let file = library.path(for: clip) else { continue }
                let shot = clip.name.hasPrefix("Shot ") ? String(clip.name.dropFirst(5)) : clip.name
                if let i = sources.firstIndex(where: { $0.file == file }) { sources[i].shots.append(shot) } else { sources.append((file, [shot])) }
            }
        }

        // The look: the mood board's palette when the brief asks for one, then each reviewer's trims.
        var notes: [String] = []
        var lookNotes: [String] = []
        var look = ColourLook()
        let trims = Self.trims(given.feedback)
        if Self.asksForLook(given.brief), !trims.dropLook, let board = AgentInputs.document(MoodBoard.self, in: given), !board.palette.isEmpty {
            let palette = board.palette.compactMap { swatch in Self.rgb(hex: swatch.hex).map { (rgb: $0, share: swatch.share) } }
            look = ColourLook.splitTone(palette: palette)
            lookNotes.append("split tone from the mood board's palette (\(board.palette.prefix(6).map(\.hex).joined(separator: ", ")))")
        }
        look.exposure += trims.look.exposure
        look.warmth += trims.look.warmth
        look.saturation *= trims.look.saturation
        lookNotes += trims.applied
        notes += trims.ignored.map { "reviewer's note not read as a grade trim: \($0)" }
        if trims.dropLook { lookNotes.append("the mood board's look left out, as a reviewer asked") }
        var lookFile: String?
        var lut: CubeLUT?
        if !look.isIdentity {
            let path = work.file("look.cube")
            try AtomicFile.write(Data(look.cubeText(title: "Kijko look: " + lookNotes.joined(separator: "; ")).utf8), to: path)
            do { lut = try CubeLUT.read(path: path) } catch { throw AgentError("colour: \(error.description)") }
            lookFile = path
        }

        guard let first = sources.first else {
            // Nothing but cards and black: the cut is the graded cut.
            let doc = ColourGrade(reference: "", referenceReason: "no footage in the cut (placeholders or black only)", sources: [], look: lookFile,
                                  lookNotes: lookNotes, video: cut.video, edl: cut.edl, otio: try writeOTIO(timeline, work), contactSheet: nil, frames: cut.frames)
            return try output(doc, work: work, artefacts: [], notes: notes + ["no footage in the cut to grade: the rough cut stands as the graded cut"],
                              summary: "nothing to grade: the cut holds no footage")
        }
        let (reference, reason) = try Self.reference(sources, list: list, fallback: first.file)

        // Each other source matched to the reference (one per file name: a grade's id is its file's name).
        var names: Set<String> = [URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent.lowercased()]
        let others = sources.filter { source in
            guard source.file != reference else { return false }
            let name = URL(fileURLWithPath: source.file).deletingPathExtension().lastPathComponent.lowercased()
            guard names.insert(name).inserted else {
                notes.append("\(source.file): another source has its name, so it is left ungraded (a CDL's id is its file's name)")
                return false
            }
            return true
        }
        var graded: [ColourGrade.Source] = []
        var contactSheet: String?
        var stills: [Artefact] = []
        if !others.isEmpty {
            var request = GradeMatchService.Request(reference: reference, shots: others.map(\.file), outputFolder: work.file("grade"))
            request.look = lut
            request.frames = 8
            request.skipUnmatchable = true
            let matched: GradeMatchService.Result
            do { matched = try GradeMatchService.perform(request, progress: given.progress) } catch let error as ServiceError { throw AgentError("colour: \(error.message)") }
            contactSheet = matched.contactSheet
            stills.append(Artefact(name: "reference still", path: matched.referenceStill, type: "png"))
            notes += matched.skipped.map { "left ungraded: \($0)" }
            for shot in matched.shots {
                guard let source = others.first(where: { $0.file == shot.file }) else { continue }
                graded.append(ColourGrade.Source(file: shot.file, shots: source.shots, cdl: shot.cdl, slope: shot.slope, offset: shot.offset, power: shot.power,
                                                 saturation: shot.saturation, deltaEBefore: shot.deltaEBefore, deltaEAfter: shot.deltaEAfter,
                                                 identity: shot.identity, beforeStill: shot.beforeStill, afterStill: shot.afterStill))
                let label = source.shots.count == 1 ? "shot \(source.shots[0])" : "shots \(source.shots.joined(separator: ", "))"
                stills.append(Artefact(name: "\(label) before", path: shot.beforeStill, type: "png"))
                stills.append(Artefact(name: "\(label) after", path: shot.afterStill, type: "png"))
            }
        }

        // The CDLs into the timeline, out as EDL and OTIO, and the cut rendered graded.
        let decisions = Dictionary(uniqueKeysWithValues: graded.filter { !$0.identity }.map {
            ($0.file, CDL(slope: $0.slope, offset: $0.offset, power: $0.power, saturation: $0.saturation))
        })
        for t in timeline.tracks.indices {
            for i in timeline.tracks[t].items.indices {
                guard case .clip(var clip) = timeline.tracks[t].items[i], !clip.isGenerator, let file = library.path(for: clip) else { continue }
                clip.colorDecision = decisions[file]
                timeline.tracks[t].items[i] = .clip(clip)
            }
        }
        let edl = work.file("graded.edl")
        try AtomicFile.write(Data(EDLWriter.write(EDL(timeline: timeline)).utf8), to: edl)
        let otio = try writeOTIO(timeline, work)
        let video = work.file("graded.mp4")
        var request = AssemblyService.Request(source: .edl(edl), media: media, output: video, rate: cut.frameRate,
                                              settings: RenderSettings(width: context.renderWidth, height: context.renderHeight, preset: .proxy), lenient: true)
        request.lutFile = lookFile
        let rendered: AssemblyService.Result
        do { rendered = try AssemblyService.perform(request, progress: given.progress) } catch let error as ServiceError { throw AgentError("colour: \(error.message)") }
        let frames = rendered.render?.frames ?? 0
        if frames != cut.frames { notes.append("the graded cut has \(frames) frames, the rough cut \(cut.frames)") }

        let doc = ColourGrade(reference: reference, referenceReason: reason, sources: graded, look: lookFile, lookNotes: lookNotes,
                              video: video, edl: edl, otio: otio, contactSheet: contactSheet, frames: frames)
        var artefacts = [Artefact(name: "graded cut", path: video, type: "video")]
        if let contactSheet { artefacts.append(Artefact(name: "grade: reference, before, after", path: contactSheet, type: "png")) }
        artefacts += stills
        artefacts += [Artefact(name: "graded EDL (ASC CDL)", path: edl, type: "edl"), Artefact(name: "graded timeline (OTIO, CDL)", path: otio, type: "otio")]
        artefacts += graded.map { Artefact(name: "\(URL(fileURLWithPath: $0.file).lastPathComponent) CDL", path: $0.cdl, type: "cdl") }
        if let lookFile { artefacts.append(Artefact(name: "show look (.cube)", path: lookFile, type: "cube")) }
        let moved = graded.filter { !$0.identity }
        let summary = "\(English.count(graded.count, "source")) matched to \(URL(fileURLWithPath: reference).lastPathComponent) (\(reason))"
            + (moved.isEmpty ? ", all already matching" : String(format: ", ΔE00 %.1f → %.1f on average over the %@",
                                                                 moved.map(\.deltaEBefore).reduce(0, +) / Double(moved.count),
                                                                 moved.map(\.deltaEAfter).reduce(0, +) / Double(moved.count), English.count(moved.count, "graded one")))
            + (lookFile == nil ? "" : "; look: " + lookNotes.joined(separator: "; "))
        return try output(doc, work: work, artefacts: artefacts, notes: notes, summary: summary)
    }

    func writeOTIO(_ timeline: Timeline, _ work: ArtefactFolder) throws -> String {
        let path = work.file("graded.otio")
        try AtomicFile.write(try OTIOWriter.data(timeline), to: path)
        return path
    }

    func output(_ doc: ColourGrade, work: ArtefactFolder, artefacts: [Artefact], notes: [String], summary: String) throws -> AgentOutput {
        let all = artefacts + [try work.write(ColourGrade.encoder.encode(doc), as: "colour_grade.json", name: "colour grade (summary)", type: "json")]
        return AgentOutput(output: try AgentEnvelope.wrap(Finished(document: doc, artefacts: all, notes: notes, summary: summary), provenance: "native", model: nil))
    }

    /// The reference: the hero shot's source when the shot list marks one the cut shows; else, among
    /// the sources of the most-used camera (the same codec, size, pixel format and rate), the one of
    /// median brightness — a typical picture, not the darkest or the brightest.
    static func reference(_ sources: [(file: String, shots: [String])], list: ShotList?, fallback: String) throws -> (String, String) {
        if let hero = list?.shots.first(where: { $0.hero == true }), let source = sources.first(where: { $0.shots.contains(hero.shot) }) {
            return (source.file, "hero shot \(hero.shot)")
        }
        var cameras: [String: [String]] = [:]
        var order: [String] = []
        for source in sources {
            let video = (try? Probe.file(source.file))?.first(.video)
            let camera = [video?.codec ?? "?", "\(video?.width ?? 0)x\(video?.height ?? 0)", video?.pixelFormat ?? "?",
                          video?.frameRate.map { "\($0)" } ?? "?"].joined(separator: " ")
            if cameras[camera] == nil { order.append(camera) }
            cameras[camera, default: []].append(source.file)
        }
        guard let camera = order.max(by: { cameras[$0]!.count < cameras[$1]!.count }), let files = cameras[camera] else { return (fallback, "the first shot") }
        if files.count == 1 { return (files[0], "the only source of the most-used camera (\(camera))") }
        var brightness: [(file: String, luma: Double)] = []
        for file in files {
            guard let sample = try? ColourSample.read(path: file, frames: 3, width: 64), !sample.pixels.isEmpty else { continue }
            let luma = sample.pixels.reduce(0.0) { $0 + Double(0.2126 * $1.x + 0.7152 * $1.y + 0.0722 * $1.z) } / Double(sample.pixels.count)
            brightness.append((file, luma))
        }
        guard !brightness.isEmpty else { return (files[0], "the first source of the most-used camera") }
        brightness.sort { $0.luma < $1.luma }
        let median = brightness[(brightness.count - 1) / 2]
        return (median.file, "median brightness of \(English.count(files.count, "source")) from the most-used camera (\(camera))")
    }

    /// Whether the brief asks for a look: it speaks of a look, a grade, a palette or a LUT.
    static func asksForLook(_ brief: String) -> Bool {
        let words = Set(brief.lowercased().split { !$0.isLetter }.map(String.init))
        return !words.isDisjoint(with: ["look", "grade", "graded", "grading", "palette", "lut", "colourist", "colorist"])
    }

    /// Trims read from reviewers' feedback, one rule per phrase, applied once per time asked.
    static func trims(_ feedback: [String]) -> (look: ColourLook, applied: [String], ignored: [String], dropLook: Bool) {
        var look = ColourLook()
        var applied: [String] = [], ignored: [String] = []
        var drop = false
        for line in feedback {
            // Whole words only ("lifted" is not "lift"), in a text of words and single spaces.
            let text = " " + line.lowercased().split { !$0.isLetter }.joined(separator: " ") + " "
            var understood = false
            func has(_ phrases: [String]) -> Bool { phrases.contains { text.contains(" \($0) ") } }
            if has(["no look", "without the look", "drop the look", "lose the look"]) { drop = true; understood = true }
            if has(["warmer", "too cold", "too cool", "too blue"]) { look.warmth += 0.3; applied.append("warmer (asked: \(line))"); understood = true }
            if has(["cooler", "too warm", "too orange", "too yellow"]) { look.warmth -= 0.3; applied.append("cooler (asked: \(line))"); understood = true }
            if has(["brighter", "too dark", "lift it", "lift the exposure"]) { look.exposure += 0.2; applied.append("brighter, +0.2 stop (asked: \(line))"); understood = true }
            if has(["darker", "too bright", "too light"]) { look.exposure -= 0.2; applied.append("darker, −0.2 stop (asked: \(line))"); understood = true }
            if has(["less saturated", "desaturate", "desaturated", "muted", "too saturated", "oversaturated", "over saturated", "less colour", "less color"]) {
                look.saturation *= 0.9; applied.append("less saturated (asked: \(line))"); understood = true
            } else if has(["more saturated", "saturate", "punchier", "richer", "more colour", "more color", "undersaturated"]) {
                look.saturation *= 1.1; applied.append("more saturated (asked: \(line))"); understood = true
            }
            if !understood { ignored.append(line) }
        }
        return (look, applied, ignored, drop)
    }

    /// `#rrggbb` as normalised R′G′B′.
    static func rgb(hex: String) -> SIMD3<Double>? {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        return SIMD3(Double(value >> 16 & 0xff), Double(value >> 8 & 0xff), Double(value & 0xff)) / 255
    }
}
