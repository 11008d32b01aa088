import Foundation

extension EDL {
    /// The CMX 3600 list of a timeline's picture track: one event per clip (picture and stereo
    /// sound, `AA/V`, for media; `V` from `BL` for placeholder cards), dissolves and wipes as
    /// two-line events, M2 for retimed clips, clip names, source files and markers as comments.
    public init(timeline: Timeline) {
        self.init(title: timeline.name, rate: timeline.rate)
        guard let track = timeline.tracks.first(where: { $0.kind == .video }) else { return }
        var record = timeline.startFrame
        var pending: Transition?
        var previous: (clip: Clip, end: Int)?
        var number = 0
        var reels = ReelNames()
        for item in track.items {
            switch item {
            case .gap(let frames):
                record += frames
                previous = nil
            case .transition(let t):
                pending = t
            case .clip(let clip):
                number += 1
                let reel = reels.name(for: clip)
                let trackCode = clip.isGenerator ? "V" : "AA/V"
                var sourceOut = clip.source.start + clip.source.duration
                if clip.speed == .freeze { sourceOut = clip.source.start + 1 }
                var event = EDLEvent(number: number,
                                     edit: EDLSource(reel: reel, track: trackCode, sourceIn: clip.source.start, sourceOut: sourceOut,
                                                     recordIn: record, recordOut: record + clip.duration),
                                     dropFrame: timeline.rate.dropFrame)
                if let t = pending, let prev = previous {
                    event.transition = t.kind
                    event.transitionFrames = t.frames
                    if var from = t.from {
                        from.reel = reels.name(forReel: from.reel)
                        event.from = from
                    } else {
                        event.from = EDLSource(reel: reels.name(for: prev.clip), track: trackCode, sourceIn: prev.end,
                                               sourceOut: prev.end, recordIn: record, recordOut: record)
                    }
                    event.clipName = prev.clip.name
                    event.toClipName = clip.name
                } else {
                    event.clipName = clip.name
                }
                switch clip.speed {
                case .freeze?:
                    event.speed = EDLSpeed(reel: reel, speed: 0, sourceIn: clip.source.start)
                    event.freezeFrame = true
                case .rate(let fps)?:
                    event.speed = EDLSpeed(reel: reel, speed: fps, sourceIn: clip.source.start)
                case nil:
                    break
                }
                event.sourceFile = clip.sourceFile
                event.colorDecision = clip.colorDecision
                event.markers = clip.markers.map { EDLMarker(recordFrame: timeline.startFrame + $0.frame, color: $0.color, text: $0.name) }
                event.comments = clip.comments
                if let card = clip.placeholder { event.comments.insert(PlaceholderComment.text(card), at: 0) }
                events.append(event)
                pending = nil
                previous = (clip, sourceOut)
                record += clip.duration
            }
        }
    }

    /// A card in an EDL comment, Kijko's own key (`KIJKO PLACEHOLDER: title / line / …`, a `/` or
    /// `%` inside a part percent-encoded), read back exactly.
    enum PlaceholderComment {
        static let key = "KIJKO PLACEHOLDER: "

        static func text(_ card: Placeholder) -> String {
            key + ([card.title] + card.lines).map { $0.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F") }
                .joined(separator: " / ")
        }

        static func card(_ comment: String) -> Placeholder? {
            guard comment.hasPrefix(key) else { return nil }
            let parts = comment.dropFirst(key.count).components(separatedBy: " / ")
                .map { $0.replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%25", with: "%") }
            guard let title = parts.first, !title.isEmpty else { return nil }
            return Placeholder(title: title, lines: Array(parts.dropFirst()))
        }
    }

    /// The legal CMX 3600 reel of each clip in one list: at most 8 letters, digits or `_`; `BL` for
    /// generated clips. A longer name is cut to 8 (the file keeps its full name in `* SOURCE FILE`
    /// and the clip in `* FROM CLIP NAME`; the media library finds a file from its first 8
    /// characters); two names that cut alike get the first 6 and a number, so reels stay distinct.
    struct ReelNames {
        private var given: [String: String] = [:]
        private var taken: [String: String] = [:]

        mutating func name(for clip: Clip) -> String {
            if clip.isGenerator { return "BL" }
            return name(forReel: clip.reel ?? clip.sourceFile.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? "AX")
        }

        mutating func name(forReel full: String) -> String {
            if let known = given[full] { return known }
            let legal = String(full.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
            var reel = legal.isEmpty ? "AX" : String(legal.prefix(8))
            var n = 1
            while let owner = taken[reel], owner != full {
                let suffix = String(format: "%02d", n)
                reel = String(legal.prefix(8 - suffix.count)) + suffix
                n += 1
            }
            given[full] = reel
            taken[reel] = full
            return reel
        }
    }
}
