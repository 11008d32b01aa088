public import Foundation

/// Writes a ``Timeline`` as OpenTimelineIO JSON (`.otio`), schema versions as OpenTimelineIO 0.18
/// writes them. Times are `RationalTime` at the timeline rate; clip markers are converted from
/// record time to the clip's source time, where OpenTimelineIO keeps them.
public enum OTIOWriter {
    public static func data(_ timeline: Timeline) throws -> Data {
        try JSONSerialization.data(withJSONObject: object(timeline), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    static func object(_ timeline: Timeline) -> [String: Any] {
        let rate = timeline.rate.rate.doubleValue
        func time(_ frames: Int) -> [String: Any] {
            ["OTIO_SCHEMA": "RationalTime.1", "rate": rate, "value": Double(frames)]
        }
        func range(_ start: Int, _ duration: Int) -> [String: Any] {
            ["OTIO_SCHEMA": "TimeRange.1", "start_time": time(start), "duration": time(duration)]
        }
        func composable(_ schema: String, name: String, extra: [String: Any]) -> [String: Any] {
            var base: [String: Any] = ["OTIO_SCHEMA": schema, "name": name, "metadata": [String: Any](),
                                       "effects": [Any](), "markers": [Any](), "enabled": true, "color": NSNull()]
            base.merge(extra) { $1 }
            return base
        }
        func clip(_ clip: Clip, recordStart: Int) -> [String: Any] {
            var effects: [[String: Any]] = []
            switch clip.speed {
            case .freeze?:
                effects.append(["OTIO_SCHEMA": "FreezeFrame.1", "name": "", "effect_name": "FreezeFrame",
                                "metadata": [String: Any](), "time_scalar": 0.0, "enabled": true])
            case .rate(let fps)?:
                effects.append(["OTIO_SCHEMA": "LinearTimeWarp.1", "name": "", "effect_name": "LinearTimeWarp",
                                "metadata": [String: Any](), "time_scalar": fps / rate, "enabled": true])
            case nil:
                break
            }
            let markers: [[String: Any]] = clip.markers.map { marker in
                // Source time of the marked record frame.
                let sourceFrame = clip.source.start + (marker.frame - recordStart)
                return ["OTIO_SCHEMA": "Marker.2", "name": marker.name, "comment": "",
                        "color": otioColor(marker.color), "marked_range": range(sourceFrame, 0),
                        "metadata": ["cmx_3600": ["color": marker.color]]]
            }
            var cmx: [String: Any] = [:]
            if let reel = clip.reel, reel != "AX" { cmx["reel"] = reel }
            if !clip.comments.isEmpty { cmx["comments"] = clip.comments }
            var metadata: [String: Any] = [:]
            if !cmx.isEmpty { metadata["cmx_3600"] = cmx }
            if let cdl = clip.colorDecision {
                metadata["cdl"] = ["asc_sat": cdl.saturation,
                                   "asc_sop": ["slope": cdl.slope, "offset": cdl.offset, "power": cdl.power]]
            }
            var kijko: [String: Any] = [:]
            if let event = clip.event { kijko = ["event": event, "source_frames": clip.source.duration] }
            if !clip.crop.isEmpty {
                kijko["crop"] = clip.crop.map { ["frame": $0.frame, "x": $0.x, "y": $0.y, "width": $0.width, "height": $0.height] }
            }
            if let card = clip.placeholder { kijko["placeholder"] = ["title": card.title, "lines": card.lines] }
            if !kijko.isEmpty { metadata["kijko"] = kijko }
            let reference: [String: Any]
            if clip.isGenerator {
                reference = ["OTIO_SCHEMA": "GeneratorReference.1", "name": "", "metadata": [String: Any](),
                             "generator_kind": clip.reel == "BARS" ? "SMPTEBars" : "black", "parameters": [String: Any](),
                             "available_range": NSNull(), "available_image_bounds": NSNull()]
            } else if let file = clip.sourceFile {
                reference = ["OTIO_SCHEMA": "ExternalReference.1", "name": "", "metadata": [String: Any](),
                             "target_url": file, "available_range": NSNull(), "available_image_bounds": NSNull()]
            } else {
                reference = ["OTIO_SCHEMA": "MissingReference.1", "name": "", "metadata": [String: Any](),
                             "available_range": NSNull(), "available_image_bounds": NSNull()]
            }
            return composable("Clip.2", name: clip.name, extra: [
                "source_range": range(clip.source.start, clip.duration), "effects": effects, "markers": markers,
                "metadata": metadata, "media_references": ["DEFAULT_MEDIA": reference],
                "active_media_reference_key": "DEFAULT_MEDIA"])
        }
        func transition(_ t: Transition) -> [String: Any] {
            var metadata: [String: Any] = ["cmx_3600": ["transition": t.kind.code, "transition_duration": Double(t.frames)]]
            if let from = t.from {
                metadata["kijko"] = ["from": ["reel": from.reel, "source_in": from.sourceIn, "record_in": from.recordIn]]
            }
            let type = switch t.kind {
            case .dissolve: "SMPTE_Dissolve"
            case .wipe: "SMPTE_Wipe"
            default: "Custom_Transition"
            }
            return ["OTIO_SCHEMA": "Transition.1", "name": t.name, "metadata": metadata, "transition_type": type,
                    "in_offset": time(0), "out_offset": time(t.frames)]
        }
        let tracks: [[String: Any]] = timeline.tracks.map { track in
            var position = 0
            var children: [[String: Any]] = []
            for item in track.items {
                switch item {
                case .clip(let c): children.append(clip(c, recordStart: position))
                case .gap(let frames):
                    children.append(composable("Gap.1", name: "", extra: ["source_range": range(0, frames)]))
                case .transition(let t): children.append(transition(t))
                }
                position += item.duration
            }
            return composable("Track.1", name: track.name, extra: [
                "kind": track.kind == .video ? "Video" : "Audio", "source_range": NSNull(), "children": children])
        }
        return ["OTIO_SCHEMA": "Timeline.1", "name": timeline.name, "metadata": [String: Any](),
                "global_start_time": time(timeline.startFrame),
                "tracks": composable("Stack.1", name: "tracks", extra: ["source_range": NSNull(), "children": tracks])]
    }

    static let colors: Set<String> = ["PINK", "RED", "ORANGE", "YELLOW", "GREEN", "CYAN", "BLUE", "PURPLE", "MAGENTA", "BLACK", "WHITE"]

    static func otioColor(_ color: String) -> String {
        colors.contains(color.uppercased()) ? color.uppercased() : "RED"
    }
}
