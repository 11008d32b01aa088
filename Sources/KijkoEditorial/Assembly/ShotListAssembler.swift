import Foundation
public import KijkoMedia

/// Builds a rough-cut timeline from a shot list and a folder of takes: each shot matched to its
/// media (source file, reel, or shot number in a file name), in script order, trimmed to its
/// intended duration — centred on the slate's in/out when given, on the take otherwise. Missing
/// and VFX shots become placeholder cards of their intended length, so the cut runs to time.
public struct ShotListAssembler {
    public let list: ShotList
    public let library: MediaLibrary
    public let rate: TimecodeRate
    /// Record timecode of the first frame.
    public let startFrame: Int

    public init(list: ShotList, library: MediaLibrary, rate: TimecodeRate, startFrame: Int? = nil) {
        self.list = list
        self.library = library
        self.rate = rate
        self.startFrame = startFrame ?? rate.nominal * 3600   // 01:00:00:00
    }

    /// The assembly: its timeline, the notes, and the file each shot was cut from.
    public struct Result: Sendable {
        public var timeline: Timeline
        public var notes: [EditNote]
        /// Shot number → file.
        public var matched: [String: String]
    }

    public func assemble() throws(MediaError) -> Result {
        var items: [TrackItem] = []
        var notes: [EditNote] = []
        var matched: [String: String] = [:]
        let fps = rate.rate.doubleValue
        for (index, shot) in list.shots.enumerated() {
            let frames = max(1, Int((shot.duration * fps).rounded()))
            let name = "Shot \(shot.shot)"
            func card(_ why: String, frames: Int) -> TrackItem {
                var lines = [shot.description ?? "", String(format: "%.1f s", Double(frames) / fps)]
                if let scene = shot.scene { lines.insert("Scene \(scene)", at: 0) }
                return .clip(Clip(name: name, reel: "BL", source: FrameRange(start: 0, duration: frames), event: index + 1,
                                  placeholder: Placeholder(title: "SHOT \(shot.shot) — \(why)", lines: lines.filter { !$0.isEmpty })))
            }
            if shot.vfx == true {
                notes.append(EditNote(shot: shot.shot, kind: .vfx, message: "VFX shot: placeholder card until the plate is delivered"))
                items.append(card("VFX", frames: frames))
                continue
            }
            guard let path = library.path(forShot: shot.shot, source: shot.source, reel: shot.reel) else {
                let looked = [shot.source, shot.reel].compactMap { $0 }.joined(separator: ", ")
                notes.append(EditNote(shot: shot.shot, kind: .missing,
                                      message: "no media for shot \(shot.shot)\(looked.isEmpty ? "" : " (\(looked))"): placeholder card"))
                items.append(card("MISSING", frames: frames))
                continue
            }
            let source = try library.source(path)
            matched[name] = path
            let fileRate = source.rate.doubleValue
            let available = Double(source.frames) / fileRate
            var start: Double
            if let slate = slateRange(shot, source: source, notes: &notes) {
                let length = slate.upperBound - slate.lowerBound
                if abs(length - shot.duration) > 0.1 * shot.duration {
                    notes.append(EditNote(shot: shot.shot, kind: .durationMismatch,
                                          message: String(format: "slate runs %.2f s, the plan %.2f s: cut %.2f s centred on the slate", length, shot.duration, shot.duration)))
                }
                start = (slate.lowerBound + slate.upperBound) / 2 - shot.duration / 2
            } else {
                start = (available - shot.duration) / 2
            }
            var cut = frames
            if available + 1e-9 < shot.duration {
                cut = Int((available * fps).rounded(.down))
                start = 0
                notes.append(EditNote(shot: shot.shot, kind: .tooShort,
                                      message: String(format: "take %@ has %.2f s, the plan %.2f s: used all of it, the rest is a placeholder card",
                                                      URL(fileURLWithPath: path).lastPathComponent, available, shot.duration)))
            }
            start = min(max(0, start), max(0, available - Double(cut) / fps))
            let firstFileFrame = Int((start * fileRate).rounded())
            let sourceStart = source.sourceFrame(atFileFrame: firstFileFrame, timelineRate: rate)
            if cut > 0 {
                items.append(.clip(Clip(name: name, reel: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                                        sourceFile: path, source: FrameRange(start: sourceStart, duration: cut),
                                        comments: shot.description.map { [$0] } ?? [], event: index + 1)))
            }
            if cut < frames { items.append(card("SHORT TAKE", frames: frames - cut)) }
        }
        let timeline = Timeline(name: list.title ?? "Rough cut", rate: rate, startFrame: startFrame,
                                tracks: [Track(name: "V", kind: .video, items: items)])
        return Result(timeline: timeline, notes: notes, matched: matched)
    }

    /// The slate's in and out as seconds into the file, or nil when the shot gives none.
    func slateRange(_ shot: ShotList.Shot, source: MediaLibrary.Source, notes: inout [EditNote]) -> ClosedRange<Double>? {
        guard let inText = shot.in, let outText = shot.out else { return nil }
        func seconds(_ text: String) -> Double? {
            if let value = Double(text) { return value }
            guard let frames = try? Timecode.frames(text, rate: source.timecodeRate) else { return nil }
            return Double(frames - source.startFrame) / source.rate.doubleValue
        }
        guard let a = seconds(inText), let b = seconds(outText), b > a else {
            notes.append(EditNote(shot: shot.shot, kind: .badSlate,
                                  message: "slate in \(inText) / out \(outText) is not a range in the take: centred on the take instead"))
            return nil
        }
        return a...b
    }
}
