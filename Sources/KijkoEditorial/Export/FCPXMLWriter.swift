import Foundation

/// Writes a ``Timeline`` as FCPXML 1.9 (Final Cut Pro 10.4.1 and later): a format and one asset
/// per source file in the resources, and a project whose spine holds the picture track's clips,
/// gaps and transitions. Times are exact rational seconds (`1001/30000s`); speed changes are
/// time maps. Sound comes with each clip's asset.
public enum FCPXMLWriter {
    public static func write(_ timeline: Timeline, width: Int = 1920, height: Int = 1080,
                             media: MediaLibrary? = nil) -> String {
        let rate = timeline.rate.rate
        /// `frames` as rational seconds.
        func time(_ frames: Int) -> String {
            if frames == 0 { return "0s" }
            let num = Int64(frames) * Int64(rate.den), den = Int64(rate.num)
            if num % den == 0 { return "\(num / den)s" }
            return "\(num)/\(den)s"
        }
        /// A fractional frame count as seconds: exact when whole, else to the microsecond.
        func seconds(_ frames: Double) -> String {
            if frames == frames.rounded() { return time(Int(frames)) }
            return String(format: "%.6fs", frames / rate.doubleValue)
        }
        var x = XMLText()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.raw("<!DOCTYPE fcpxml>")
        let picture = timeline.tracks.first { $0.kind == .video } ?? Track(name: "V", kind: .video)
        // Assets: one per distinct source.
        var assets: [(id: String, key: String, clip: Clip, path: String?, source: MediaLibrary.Source?)] = []
        func assetID(for clip: Clip) -> String {
            let path = clip.isGenerator ? nil : media?.path(for: clip)
            let key = path ?? clip.reel ?? clip.name
            if let found = assets.first(where: { $0.key == key }) { return found.id }
            let id = "r\(assets.count + 3)"
            assets.append((id, key, clip, path, path.flatMap { try? media?.source($0) }))
            return id
        }
        let clipAssets = picture.items.map { item -> String? in
            if case .clip(let clip) = item, !clip.isGenerator { return assetID(for: clip) }
            return nil
        }
        let fileStart: (MediaLibrary.Source?) -> Int = { source in
            source.map { Int(-$0.fileFrame(atSourceFrame: 0, timelineRate: timeline.rate)) } ?? 0
        }
        let tcFormat = timeline.rate.dropFrame ? "DF" : "NDF"
        x.element("fcpxml", [("version", "1.9")]) { x in
            x.element("resources") { x in
                x.empty("format", [("id", "r1"), ("name", "Kijko \(width)x\(height) \(rate)"),
                                   ("frameDuration", time(1)), ("width", "\(width)"), ("height", "\(height)")])
                x.empty("effect", [("id", "r2"), ("name", "Cross Dissolve"), ("uid", "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265")])
                for asset in assets {
                    let start = fileStart(asset.source)
                    let duration = asset.source?.frames ?? (asset.clip.source.end - start)
                    x.element("asset", [("id", asset.id), ("name", asset.path.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? asset.key),
                                        ("start", time(start)), ("duration", time(duration)), ("hasVideo", "1"),
                                        ("hasAudio", asset.source?.info.first(.audio) == nil && asset.source != nil ? "0" : "1"),
                                        ("format", "r1")]) { x in
                        if let path = asset.path {
                            x.empty("media-rep", [("kind", "original-media"), ("src", URL(fileURLWithPath: path).absoluteString)])
                        }
                    }
                }
            }
            x.element("library") { x in
                x.element("event", [("name", "Kijko")]) { x in
                    x.element("project", [("name", timeline.name.isEmpty ? "Kijko timeline" : timeline.name)]) { x in
                        x.element("sequence", [("format", "r1"), ("duration", time(timeline.duration)),
                                               ("tcStart", time(timeline.startFrame)), ("tcFormat", tcFormat)]) { x in
                            x.element("spine") { x in
                                var position = timeline.startFrame
                                for (index, item) in picture.items.enumerated() {
                                    switch item {
                                    case .gap(let frames):
                                        x.empty("gap", [("name", "Gap"), ("offset", time(position)), ("duration", time(frames)),
                                                        ("start", "3600s")])
                                    case .transition(let t):
                                        x.element("transition", [("name", t.kind == .dissolve ? "Cross Dissolve" : "Wipe"),
                                                                 ("offset", time(position)), ("duration", time(t.frames))]) { x in
                                            x.empty("filter-video", [("ref", "r2"), ("name", "Cross Dissolve")])
                                        }
                                    case .clip(let clip):
                                        if clip.isGenerator {
                                            x.empty("gap", [("name", clip.name), ("offset", time(position)), ("duration", time(clip.duration)),
                                                            ("start", "3600s")])
                                        } else {
                                            let id = clipAssets[index]!
                                            x.element("asset-clip", [("ref", id), ("name", clip.name), ("offset", time(position)),
                                                                     ("start", time(clip.source.start)), ("duration", time(clip.duration)),
                                                                     ("tcFormat", tcFormat)]) { x in
                                                if let speed = clip.speed {
                                                    let scalar = switch speed {
                                                    case .freeze: 0.0
                                                    case .rate(let fps): fps / rate.doubleValue
                                                    }
                                                    x.element("timeMap") { x in
                                                        x.empty("timept", [("time", "0s"), ("value", "0s"), ("interp", "linear")])
                                                        x.empty("timept", [("time", time(clip.duration)),
                                                                           ("value", seconds(Double(clip.duration) * scalar)),
                                                                           ("interp", "linear")])
                                                    }
                                                }
                                                for marker in clip.markers {
                                                    let at = clip.source.start + (marker.frame - (position - timeline.startFrame))
                                                    x.empty("marker", [("start", time(at)), ("duration", time(1)), ("value", marker.name)])
                                                }
                                            }
                                        }
                                    }
                                    position += item.duration
                                }
                            }
                        }
                    }
                }
            }
        }
        return x.text
    }
}
