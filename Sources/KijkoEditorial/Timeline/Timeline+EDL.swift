import Foundation
import KijkoMedia

extension Timeline {
    /// Track names for an EDL channel code, as OpenTimelineIO names them (V, A1, A2, …).
    static func trackNames(for code: String) -> [String] {
        switch code {
        case "A", "A1": ["A1"]
        case "AA", "A1/A2", "A12": ["A1", "A2"]
        case "B", "A/V", "V/A": ["V", "A1"]
        case "A2/V", "V/A2": ["V", "A2"]
        case "AA/V", "V/AA": ["V", "A1", "A2"]
        case "NONE": []
        default: code.split(separator: "/").map(String.init)
        }
    }

    /// Builds the timeline an EDL describes.
    ///
    /// - Parameter lenient: events that cannot be placed become warnings instead of errors.
    /// - Throws: ``EDLDiagnostic`` naming the event and line when an event overlaps the one before
    ///   it on its track, or its source and record lengths differ without a speed change.
    public init(_ edl: EDL, file: String = "<edl>", lenient: Bool = false,
                warnings: inout [EDLDiagnostic]) throws(EDLDiagnostic) {
        self.init(name: edl.title ?? "", rate: edl.rate.with(dropFrame: edl.rate.dropFrame))
        startFrame = edl.events.map(\.edit.recordIn).min() ?? 0
        var ends: [String: Int] = [:]   // record frame where each track ends
        for event in edl.events {
            let edit = event.edit
            do throws(EDLDiagnostic) {
                if !event.isRetimed && edit.sourceDuration != edit.recordDuration {
                    throw EDLDiagnostic(file: file, line: event.line, event: event.number,
                                        message: "source runs \(edit.sourceDuration) frames but record \(edit.recordDuration), and no M2 speed change")
                }
                let names = Self.trackNames(for: edit.track)
                for name in names {
                    if let end = ends[name], edit.recordIn < end {
                        throw EDLDiagnostic(file: file, line: event.line, event: event.number,
                                            message: "starts at \(Timecode.string(edit.recordIn, rate: rate)), before the previous event on track \(name) ends at \(Timecode.string(end, rate: rate))")
                    }
                }
                for name in names { place(event, on: name, ends: &ends) }
            } catch {
                guard lenient else { throw error }
                warnings.append(error)
            }
        }
        tracks.sort { lhs, rhs in
            lhs.kind != rhs.kind ? lhs.kind == .video : lhs.name.localizedStandardCompare(rhs.name) == .orderedAscending
        }
    }

    private mutating func place(_ event: EDLEvent, on name: String, ends: inout [String: Int]) {
        let edit = event.edit
        if !tracks.contains(where: { $0.name == name }) {
            tracks.append(Track(name: name, kind: name.hasPrefix("A") ? .audio : .video))
        }
        let index = tracks.firstIndex { $0.name == name }!
        let end = ends[name] ?? startFrame
        if edit.recordIn > end { tracks[index].items.append(.gap(frames: edit.recordIn - end)) }
        if event.transition != .cut {
            tracks[index].items.append(.transition(Transition(
                kind: event.transition, frames: event.transitionFrames,
                name: Self.transitionName(event), from: event.from)))
        }
        tracks[index].items.append(.clip(Self.clip(event, timelineStart: startFrame)))
        ends[name] = edit.recordOut
    }

    static func clipName(_ event: EDLEvent) -> String {
        if event.transition != .cut, let to = event.toClipName { return to }
        if var name = event.clipName {
            if event.freezeFrame, name.hasSuffix(" FF") { name.removeLast(3) }
            return name
        }
        if let file = event.sourceFile {
            return URL(fileURLWithPath: file.replacingOccurrences(of: "\\", with: "/")).deletingPathExtension().lastPathComponent
        }
        return String(format: "%03d", event.number)
    }

    static func transitionName(_ event: EDLEvent) -> String {
        let kind = switch event.transition {
        case .dissolve: "SMPTE_Dissolve"
        case .wipe: "SMPTE_Wipe"
        default: "Key"
        }
        if let from = event.clipName, let to = event.toClipName { return "\(kind) from \(from) to \(to)" }
        return "\(kind) to \(clipName(event))"
    }

    static func clip(_ event: EDLEvent, timelineStart: Int) -> Clip {
        let edit = event.edit
        var speed: Speed?
        if event.freezeFrame || event.speed?.speed == 0 { speed = .freeze } else if let m2 = event.speed { speed = .rate(fps: m2.speed) }
        // A card Kijko wrote (`BL` with `* KIJKO PLACEHOLDER: title / line / …`) is a card again.
        var comments = event.comments
        var placeholder: Placeholder?
        if ["BL", "BLACK"].contains(edit.reel.uppercased()),
           let i = comments.firstIndex(where: { EDL.PlaceholderComment.card($0) != nil }) {
            placeholder = EDL.PlaceholderComment.card(comments[i])
            comments.remove(at: i)
        }
        return Clip(name: clipName(event), reel: edit.reel, sourceFile: event.sourceFile,
                    source: FrameRange(start: edit.sourceIn, duration: edit.sourceDuration),
                    duration: edit.recordDuration, speed: speed,
                    markers: event.markers.map { Marker(frame: $0.recordFrame - timelineStart, name: $0.text, color: $0.color) },
                    colorDecision: event.colorDecision, comments: comments, event: event.number, placeholder: placeholder)
    }
}
