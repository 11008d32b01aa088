import KijkoMedia

/// Something an editor should know about an assembly: a missing or VFX shot, a take too short, a
/// slate whose length differs from the plan.
public struct EditNote: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case missing, vfx
        case tooShort = "too_short"
        case durationMismatch = "duration_mismatch"
        case badSlate = "bad_slate"
    }

    public var shot: String
    public var kind: Kind
    public var message: String

    public init(shot: String, kind: Kind, message: String) {
        self.shot = shot
        self.kind = kind
        self.message = message
    }
}

/// The edit notes as Markdown, for people.
public enum EditNotesMarkdown {
    public static func render(title: String, notes: [EditNote], timeline: Timeline, matched: [String: String]) -> String {
        var lines = ["# Edit notes — \(title)", ""]
        let seconds = Double(timeline.duration) / timeline.rate.rate.doubleValue
        lines.append("Rough cut: \(timeline.duration) frames (\(String(format: "%.2f", seconds)) s) at \(timeline.rate), starting \(Timecode.string(timeline.startFrame, rate: timeline.rate)).")
        lines.append("")
        if notes.isEmpty {
            lines.append("Every shot was found and cut to its intended length.")
        } else {
            lines.append("| shot | note | detail |")
            lines.append("|---|---|---|")
            for note in notes {
                lines.append("| \(cell(note.shot)) | \(note.kind.rawValue.replacingOccurrences(of: "_", with: " ")) | \(cell(note.message)) |")
            }
        }
        lines.append("")
        lines.append("## Shots and media")
        lines.append("")
        for track in timeline.tracks where track.kind == .video {
            for (start, clip) in track.placedClips {
                let media = clip.placeholder != nil ? "placeholder card" : (matched[clip.name].map { "`\($0)`" } ?? "—")
                lines.append("- \(Timecode.string(timeline.startFrame + start, rate: timeline.rate)) **\(clip.name)** (\(clip.duration) frames): \(media)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
