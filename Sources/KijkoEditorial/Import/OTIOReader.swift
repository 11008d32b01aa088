public import Foundation
import KijkoMedia

/// Reads OpenTimelineIO JSON (`.otio`, schema versions as OpenTimelineIO 0.14–0.18 write them) into a
/// ``Timeline``: tracks of clips, gaps and transitions; external, generator and missing media
/// references; `LinearTimeWarp` and `FreezeFrame` effects; markers; the CMX 3600 adapter's `cdl`
/// (`asc_sop`, `asc_sat`) and `cmx_3600` (reel, comments) metadata, and Kijko's own. Every time is
/// brought to the timeline's rate (the `global_start_time`'s, else the first clip's) and rounded to
/// whole frames. A transition whose cut lies inside it (`in_offset` > 0) becomes Kijko's form — the
/// cut moved to its start, the incoming clip starting `in_offset` earlier in its source.
///
/// Refused, naming the file and the item: nested stacks (compound clips), image sequences, times
/// that are not finite or negative where they cannot be, CDL numbers that are not finite.
public enum OTIOReader {
    /// What is wrong with a file, and where in it.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var file: String
        /// The item, as a path through the file (`track V1, item 3 (clip "A012")`), or nil for the whole file.
        public var place: String?
        public var message: String

        public var description: String { [file, place, message].compactMap { $0 }.joined(separator: ": ") }
    }

    /// The largest `.otio` file read (bytes): 256 MiB, far past any edit.
    public static let maximumBytes = 256 << 20

    /// Reads a file. Unknown effects are dropped with a warning each (`warnings`).
    public static func read(path: String, warnings: inout [String]) throws(Problem) -> Timeline {
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= maximumBytes else { throw Problem(file: path, message: "\(size) bytes; an OpenTimelineIO file over \(maximumBytes >> 20) MiB is refused") }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(file: path, message: "cannot be read (\((error as NSError).localizedDescription))")
        }
        return try timeline(data, file: path, warnings: &warnings)
    }

    /// Reads OpenTimelineIO JSON already in memory; `file` names it in problems.
    public static func timeline(_ data: Data, file: String = "<otio>", warnings: inout [String]) throws(Problem) -> Timeline {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw Problem(file: file, message: "not JSON (\((error as NSError).localizedDescription))")
        }
        var reader = Reader(file: file)
        defer { warnings += reader.warnings }
        return try reader.timeline(root)
    }

    /// One reading: the file, the rate once known, the warnings.
    struct Reader {
        let file: String
        var rate = 0.0
        var warnings: [String] = []

        func problem(_ place: String?, _ message: String) -> Problem { Problem(file: file, place: place, message: message) }

        mutating func timeline(_ root: Any) throws(Problem) -> Timeline {
            guard let object = root as? [String: Any] else { throw problem(nil, "not an OpenTimelineIO timeline (a JSON object)") }
            guard let schema = object["OTIO_SCHEMA"] as? String, schema.hasPrefix("Timeline.") else {
                throw problem(nil, "OTIO_SCHEMA is \((object["OTIO_SCHEMA"] as? String).map { "\"\($0)\"" } ?? "missing"), not a Timeline")
            }
            guard let stack = object["tracks"] as? [String: Any], (stack["OTIO_SCHEMA"] as? String)?.hasPrefix("Stack.") == true else {
                throw problem(nil, "the timeline has no stack of tracks")
            }
            let trackObjects = (stack["children"] as? [Any]) ?? []
            let start = object["global_start_time"] as? [String: Any]
            rate = try timelineRate(start: start, tracks: trackObjects)
            guard let timecodeRate = Self.timecodeRate(rate) else { throw problem(nil, "a rate of \(rate) frames a second is not a timecode rate") }
            var timeline = Timeline(name: object["name"] as? String ?? "", rate: timecodeRate)
            if let start { timeline.startFrame = try frames(start, at: "global_start_time", allowNegative: false) }
            var names: Set<String> = []
            for (index, child) in trackObjects.enumerated() {
                var track = try self.track(child, index: index)
                // Distinct names, as Kijko's tracks need them (`V`, `V2`…, `A1`, `A2`…).
                let base = track.name.isEmpty ? (track.kind == .video ? "V" : "A") : track.name
                var name = base, n = 1
                while names.contains(name) { n += 1; name = "\(base)\(n)" }
                names.insert(name)
                track.name = name
                timeline.tracks.append(track)
            }
            return timeline
        }

        /// The rate of the first clip's or gap's range, else the global start's (OpenTimelineIO
        /// writes a start of 0 at rate 1 when none was set: the items' rate is the edit's).
        func timelineRate(start: [String: Any]?, tracks: [Any]) throws(Problem) -> Double {
            func first(_ items: [Any]) -> Double? {
                for item in items {
                    guard let object = item as? [String: Any] else { continue }
                    if let range = object["source_range"] as? [String: Any], let duration = range["duration"] as? [String: Any],
                       let r = (duration["rate"] as? NSNumber)?.doubleValue { return r }
                    if let children = object["children"] as? [Any], let r = first(children) { return r }
                }
                return nil
            }
            guard let r = first(tracks) ?? (start?["rate"] as? NSNumber)?.doubleValue else {
                throw problem(nil, "no time in the file says its rate")
            }
            guard r.isFinite, r >= 1, r <= 1000 else { throw problem(nil, "rate \(r) is not a frame rate") }
            return r
        }

        /// The exact rate a float names: whole rates, and the NTSC rates (n × 1000/1001).
        static func timecodeRate(_ rate: Double) -> TimecodeRate? {
            if abs(rate - rate.rounded()) < 1e-6 { return TimecodeRate(rate: Rational(Int32(rate.rounded()), 1)) }
            let ntsc = (rate * 1.001).rounded()
            if abs(rate - ntsc * 1000 / 1001) < 1e-3 { return TimecodeRate(rate: Rational(Int32(ntsc) * 1000, 1001)) }
            return nil
        }

        /// A `RationalTime` as whole frames at the timeline's rate.
        func frames(_ value: Any?, at place: String, allowNegative: Bool = true) throws(Problem) -> Int {
            guard let time = value as? [String: Any], let v = (time["value"] as? NSNumber)?.doubleValue,
                  let r = (time["rate"] as? NSNumber)?.doubleValue else {
                throw problem(place, "not a RationalTime (value and rate)")
            }
            guard v.isFinite, r.isFinite, r > 0 else { throw problem(place, "the time \(v) at rate \(r) is not a number of frames") }
            let result = (v * rate / r).rounded()
            guard abs(result) <= 1e9 else { throw problem(place, "the time \(v) at rate \(r) is beyond a billion frames") }
            guard allowNegative || result >= 0 else { throw problem(place, "the time \(v) is negative") }
            return Int(result)
        }

        func range(_ value: Any?, at place: String) throws(Problem) -> FrameRange {
            guard let range = value as? [String: Any] else { throw problem(place, "not a TimeRange") }
            let start = try frames(range["start_time"], at: place + ", start_time")
            let duration = try frames(range["duration"], at: place + ", duration", allowNegative: false)
            return FrameRange(start: start, duration: duration)
        }

        mutating func track(_ value: Any, index: Int) throws(Problem) -> Track {
            guard let object = value as? [String: Any], let schema = object["OTIO_SCHEMA"] as? String else {
                throw problem("track \(index + 1)", "not an OpenTimelineIO object")
            }
            let name = object["name"] as? String ?? ""
            let place = "track \(name.isEmpty ? "\(index + 1)" : name)"
            guard schema.hasPrefix("Track.") else {
                throw problem(place, "a \(schema) directly in the timeline's stack; only tracks are read (flatten it in the NLE)")
            }
            let kind: TrackKind = (object["kind"] as? String) == "Audio" ? .audio : .video
            var track = Track(name: name, kind: kind)
            var pendingIn = 0   // a transition's in_offset, taken from the item before it and given to the item after
            var position = 0    // record frames so far
            for (i, child) in ((object["children"] as? [Any]) ?? []).enumerated() {
                guard let item = child as? [String: Any], let itemSchema = item["OTIO_SCHEMA"] as? String else {
                    throw problem("\(place), item \(i + 1)", "not an OpenTimelineIO object")
                }
                let itemName = item["name"] as? String ?? ""
                let at = "\(place), item \(i + 1) (\(itemSchema.split(separator: ".").first ?? "") \"\(itemName)\")"
                if itemSchema.hasPrefix("Gap.") {
                    var frames = try range(item["source_range"], at: at + ", source_range").duration
                    if case .transition(let t)? = track.items.last {
                        // A fade to black: the gap takes the frames the transition took from the clip before.
                        track.items.removeLast()
                        frames += pendingIn
                        pendingIn = 0
                        warnings.append("\(file): \(place): \(t.name.isEmpty ? "a transition" : t.name) into a gap (a fade to black) is rendered as a cut")
                    }
                    if frames > 0 { track.items.append(.gap(frames: frames)) }
                    position += frames
                } else if itemSchema.hasPrefix("Clip.") {
                    var clip = try self.clip(item, at: at)
                    // Markers come as frames from the clip's start; its record start (before a transition moves it) is added.
                    let recordStart = position + pendingIn
                    for k in clip.markers.indices { clip.markers[k].frame += recordStart }
                    if pendingIn > 0 {
                        guard clip.speed == nil else { throw problem(at, "a transition whose cut lies inside it meets a retimed clip") }
                        clip.source.start -= pendingIn
                        clip.source.duration += pendingIn
                        clip.duration += pendingIn
                        pendingIn = 0
                    }
                    track.items.append(.clip(clip))
                    position += clip.duration   // (its duration already holds the frames a transition gave it)
                } else if itemSchema.hasPrefix("Transition.") {
                    let inOffset = try frames(item["in_offset"], at: at + ", in_offset", allowNegative: false)
                    let outOffset = try frames(item["out_offset"], at: at + ", out_offset", allowNegative: false)
                    if pendingIn > 0 { throw problem(at, "two transitions in a row") }
                    if inOffset > 0 {
                        switch track.items.last {
                        case .clip(var before)?:
                            guard before.speed == nil else { throw problem(at, "a transition whose cut lies inside it follows a retimed clip") }
                            guard before.duration > inOffset else { throw problem(at, "in_offset \(inOffset) is not shorter than the clip before it (\(before.duration) frames)") }
                            before.duration -= inOffset
                            before.source.duration -= inOffset
                            track.items[track.items.count - 1] = .clip(before)
                        case .gap(let frames)?:
                            // A fade from black: the gap gives up the transition's first half.
                            guard frames >= inOffset else { throw problem(at, "in_offset \(inOffset) is longer than the gap before it (\(frames) frames)") }
                            track.items[track.items.count - 1] = .gap(frames: frames - inOffset)
                            if frames == inOffset { track.items.removeLast() }
                        default:
                            throw problem(at, "a transition with in_offset \(inOffset) at the start of the track")
                        }
                        position -= inOffset
                        pendingIn = inOffset
                    }
                    track.items.append(.transition(Transition(kind: transitionKind(item), frames: inOffset + outOffset, name: itemName)))
                } else if itemSchema.hasPrefix("Stack.") || itemSchema.hasPrefix("Track.") {
                    throw problem(at, "a nested \(itemSchema.split(separator: ".").first ?? "") (a compound clip) is not read; flatten it in the NLE first")
                } else {
                    throw problem(at, "\(itemSchema) is not an item Kijko reads (clips, gaps and transitions)")
                }
            }
            if case .transition? = track.items.last { throw problem(place, "the track ends with a transition") }
            return track
        }

        func transitionKind(_ item: [String: Any]) -> EDLTransition {
            if let cmx = (item["metadata"] as? [String: Any])?["cmx_3600"] as? [String: Any],
               let code = cmx["transition"] as? String {
                if code == "D" { return .dissolve }
                if code.hasPrefix("W"), let n = Int(code.dropFirst()), (0...999).contains(n) { return .wipe(code: n) }
                if ["K", "KB", "KO"].contains(code) { return .key(code) }
            }
            return (item["transition_type"] as? String) == "SMPTE_Wipe" ? .wipe(code: 1) : .dissolve
        }

        mutating func clip(_ item: [String: Any], at place: String) throws(Problem) -> Clip {
            let name = item["name"] as? String ?? ""
            // The media reference: Clip.2's active key in its dictionary, Clip.1's single one.
            var reference: [String: Any]?
            if let references = item["media_references"] as? [String: Any] {
                let key = item["active_media_reference_key"] as? String ?? "DEFAULT_MEDIA"
                reference = references[key] as? [String: Any]
            } else {
                reference = item["media_reference"] as? [String: Any]
            }
            let referenceSchema = reference?["OTIO_SCHEMA"] as? String ?? "MissingReference.1"
            let metadata = item["metadata"] as? [String: Any] ?? [:]
            let cmx = metadata["cmx_3600"] as? [String: Any] ?? [:]
            let kijko = metadata["kijko"] as? [String: Any] ?? [:]
            var reel = cmx["reel"] as? String
            var sourceFile: String?
            if referenceSchema.hasPrefix("ExternalReference.") {
                guard let url = reference?["target_url"] as? String, !url.isEmpty else { throw problem(place, "its ExternalReference has no target_url") }
                sourceFile = Self.path(url)
            } else if referenceSchema.hasPrefix("GeneratorReference.") {
                reel = (reference?["generator_kind"] as? String) == "SMPTEBars" ? "BARS" : "BL"
            } else if referenceSchema.hasPrefix("ImageSequenceReference.") {
                throw problem(place, "an image sequence; Kijko renders from movie files")
            } else if !referenceSchema.hasPrefix("MissingReference.") {
                throw problem(place, "\(referenceSchema) is not a media reference Kijko reads")
            }
            let trimmed: FrameRange
            if item["source_range"] is [String: Any] {
                trimmed = try range(item["source_range"], at: place + ", source_range")
            } else if let available = reference?["available_range"] as? [String: Any] {
                trimmed = try range(available, at: place + ", available_range")
            } else {
                throw problem(place, "neither a source_range nor its media's available_range says which frames it uses")
            }
            guard trimmed.duration > 0 else { throw problem(place, "it lasts no frames") }
            var speed: Speed?
            for (k, effect) in ((item["effects"] as? [Any]) ?? []).enumerated() {
                guard let effect = effect as? [String: Any] else { continue }
                let schema = effect["OTIO_SCHEMA"] as? String ?? ""
                if schema.hasPrefix("FreezeFrame.") {
                    speed = .freeze
                } else if schema.hasPrefix("LinearTimeWarp.") {
                    guard let scalar = (effect["time_scalar"] as? NSNumber)?.doubleValue, scalar.isFinite, abs(scalar) <= 1000 else {
                        throw problem(place + ", effect \(k + 1)", "a LinearTimeWarp without a time_scalar within ±1000")
                    }
                    // Frames a second of source, to a millionth (an EDL's M2 gives a tenth; a float's last bit is no speed).
                    speed = scalar == 0 ? .freeze : .rate(fps: (scalar * rate * 1e6).rounded() / 1e6)
                } else {
                    warnings.append("\(file): \(place): effect \(effect["effect_name"] as? String ?? schema) is not rendered; left out")
                }
            }
            // Source frames used: Kijko's own count when it wrote the file, else what the retime implies.
            var sourceFrames = trimmed.duration
            switch speed {
            case .freeze?: sourceFrames = 1
            case .rate(let fps)?: sourceFrames = max(1, Int((Double(trimmed.duration) * abs(fps) / rate).rounded()))
            case nil: break
            }
            if let counted = (kijko["source_frames"] as? NSNumber)?.intValue, counted > 0, counted <= 1_000_000_000 { sourceFrames = counted }
            var clip = Clip(name: name, reel: reel, sourceFile: sourceFile,
                            source: FrameRange(start: trimmed.start, duration: sourceFrames), duration: trimmed.duration, speed: speed)
            if let comments = cmx["comments"] as? [String] { clip.comments = comments }
            if let event = (kijko["event"] as? NSNumber)?.intValue, event >= 0, event <= 1_000_000 { clip.event = event }
            if let card = kijko["placeholder"] as? [String: Any], let title = card["title"] as? String, !title.isEmpty {
                clip.placeholder = Placeholder(title: title, lines: (card["lines"] as? [String]) ?? [])
            }
            if let cdl = metadata["cdl"] as? [String: Any] { clip.colorDecision = try decision(cdl, at: place + ", metadata.cdl") }
            for (k, value) in ((item["markers"] as? [Any]) ?? []).enumerated() {
                guard let marker = value as? [String: Any] else { continue }
                let marked = try range(marker["marked_range"], at: place + ", marker \(k + 1)")
                let color = ((marker["metadata"] as? [String: Any])?["cmx_3600"] as? [String: Any])?["color"] as? String
                    ?? marker["color"] as? String ?? "RED"
                // Frames from the clip's start (source and record alike, as Kijko's writer maps them); the track adds the clip's place.
                clip.markers.append(Marker(frame: marked.start - trimmed.start, name: marker["name"] as? String ?? "", color: color))
            }
            return clip
        }

        /// The CMX adapter's `{"asc_sop": {"slope", "offset", "power"}, "asc_sat"}`, checked.
        func decision(_ cdl: [String: Any], at place: String) throws(Problem) -> ColorDecision {
            let sop = cdl["asc_sop"] as? [String: Any] ?? [:]
            func triple(_ key: String, _ fallback: Double) throws(Problem) -> [Double] {
                guard let value = sop[key] else { return [fallback, fallback, fallback] }
                guard let numbers = value as? [Any], numbers.count == 3 else { throw problem(place, "asc_sop.\(key) is not three numbers") }
                var result: [Double] = []
                for number in numbers {
                    guard let n = (number as? NSNumber)?.doubleValue else { throw problem(place, "asc_sop.\(key) is not three numbers") }
                    result.append(n)
                }
                return result
            }
            var saturation = 1.0
            if let value = cdl["asc_sat"] {
                guard let n = (value as? NSNumber)?.doubleValue else { throw problem(place, "asc_sat is not a number") }
                saturation = n
            }
            let decision = CDL(slope: try triple("slope", 1), offset: try triple("offset", 0), power: try triple("power", 1), saturation: saturation)
            // Read as written, as from an EDL: numbers a grade cannot use (a power of 0) stop the render, not the reading.
            guard (decision.slope + decision.offset + decision.power + [saturation]).allSatisfy({ $0.isFinite && abs($0) <= 1e6 }) else {
                throw problem(place, "values must be finite numbers within ±1e6")
            }
            return decision
        }

        /// A file path from a `target_url`: `file://` URLs decoded, anything else as written.
        static func path(_ url: String) -> String {
            guard url.lowercased().hasPrefix("file:") else { return url }
            if let parsed = URL(string: url), parsed.isFileURL, !parsed.path.isEmpty { return parsed.path }
            let rest = url.dropFirst(url.lowercased().hasPrefix("file://") ? 7 : 5)
            return rest.removingPercentEncoding ?? String(rest)
        }
    }
}
