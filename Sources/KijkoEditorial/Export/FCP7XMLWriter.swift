import Foundation
import KijkoMedia

/// Writes a ``Timeline`` as Final Cut Pro 7 XML (`xmeml` version 4), which Premiere Pro and
/// DaVinci Resolve import: one sequence, its video and audio tracks, clip items with source
/// in/out relative to each file's start, cross dissolves and wipes as transition items starting
/// at the cut (as CMX 3600 places them), speed changes as Time Remap, markers on the sequence.
public enum FCP7XMLWriter {
    /// - Parameters:
    ///   - width, height: the sequence frame size.
    ///   - media: resolves clips to files (for `pathurl`), or nil to name files by reel.
    public static func write(_ timeline: Timeline, width: Int = 1920, height: Int = 1080,
                             media: MediaLibrary? = nil) -> String {
        var x = XMLText()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.raw("<!DOCTYPE xmeml>")
        let rate = timeline.rate
        var fileIDs: [String: String] = [:]
        var clipCount = 0
        func rateElement(_ x: inout XMLText, _ r: TimecodeRate) {
            x.element("rate") { x in
                x.leaf("timebase", "\(r.nominal)")
                x.leaf("ntsc", r.rate.den == 1001 ? "TRUE" : "FALSE")
            }
        }
        func timecode(_ x: inout XMLText, frame: Int, _ r: TimecodeRate) {
            x.element("timecode") { x in
                rateElement(&x, r)
                x.leaf("string", Timecode.string(frame, rate: r))
                x.leaf("frame", "\(frame)")
                x.leaf("displayformat", r.dropFrame ? "DF" : "NDF")
            }
        }
        x.element("xmeml", [("version", "4")]) { x in
            x.element("sequence", [("id", "sequence-1")]) { x in
                x.leaf("name", timeline.name.isEmpty ? "Kijko timeline" : timeline.name)
                x.leaf("duration", "\(timeline.duration)")
                rateElement(&x, rate)
                timecode(&x, frame: timeline.startFrame, rate)
                x.element("media") { x in
                    for kind in [TrackKind.video, .audio] {
                        x.element(kind.rawValue) { x in
                            if kind == .video {
                                x.element("format") { x in
                                    x.element("samplecharacteristics") { x in
                                        rateElement(&x, rate)
                                        x.leaf("width", "\(width)")
                                        x.leaf("height", "\(height)")
                                        x.leaf("pixelaspectratio", "square")
                                    }
                                }
                            }
                            for track in timeline.tracks where track.kind == kind {
                                x.element("track") { x in
                                    var position = 0
                                    for item in track.items {
                                        switch item {
                                        case .gap:
                                            break
                                        case .transition(let t):
                                            x.element("transitionitem") { x in
                                                x.leaf("start", "\(position)")
                                                x.leaf("end", "\(position + t.frames)")
                                                x.leaf("alignment", "start")
                                                rateElement(&x, rate)
                                                x.element("effect") { x in
                                                    let name = t.kind == .dissolve ? "Cross Dissolve" : (kind == .audio ? "Cross Fade (+3dB)" : "Edge Wipe")
                                                    x.leaf("name", name)
                                                    x.leaf("effectid", name)
                                                    x.leaf("effectcategory", t.kind == .dissolve ? "Dissolve" : "Wipe")
                                                    x.leaf("effecttype", "transition")
                                                    x.leaf("mediatype", kind.rawValue)
                                                }
                                            }
                                        case .clip(let clip):
                                            clipCount += 1
                                            let path = clip.isGenerator ? nil : media?.path(for: clip)
                                            let source = path.flatMap { try? media?.source($0) }
                                            let fileStart = source.map { Int($0.fileFrame(atSourceFrame: 0, timelineRate: rate) * -1) }
                                                ?? 0
                                            // Source in/out relative to the file's first frame.
                                            let sourceIn = clip.source.start - fileStart
                                            x.element("clipitem", [("id", "clipitem-\(clipCount)")]) { x in
                                                x.leaf("name", clip.name)
                                                x.leaf("enabled", "TRUE")
                                                x.leaf("duration", "\(source?.frames ?? clip.source.end - fileStart)")
                                                rateElement(&x, rate)
                                                x.leaf("start", "\(position)")
                                                x.leaf("end", "\(position + clip.duration)")
                                                x.leaf("in", "\(sourceIn)")
                                                x.leaf("out", "\(sourceIn + clip.source.duration)")
                                                let key = path ?? clip.reel ?? clip.name
                                                if let id = fileIDs[key] {
                                                    x.empty("file", [("id", id)])
                                                } else {
                                                    let id = "file-\(fileIDs.count + 1)"
                                                    fileIDs[key] = id
                                                    x.element("file", [("id", id)]) { x in
                                                        x.leaf("name", path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? clip.reel ?? clip.name)
                                                        if let path { x.leaf("pathurl", URL(fileURLWithPath: path).absoluteString.replacingOccurrences(of: "file:///", with: "file://localhost/")) }
                                                        rateElement(&x, rate)
                                                        if let source { x.leaf("duration", "\(source.frames)") }
                                                        timecode(&x, frame: fileStart, rate)
                                                        x.element("media") { x in
                                                            x.element("video") { _ in }
                                                            x.element("audio") { _ in }
                                                        }
                                                    }
                                                }
                                                if let speed = clip.speed {
                                                    let percent = switch speed {
                                                    case .freeze: 0.0
                                                    case .rate(let fps): fps / rate.rate.doubleValue * 100
                                                    }
                                                    x.element("filter") { x in
                                                        x.element("effect") { x in
                                                            x.leaf("name", "Time Remap")
                                                            x.leaf("effectid", "timeremap")
                                                            x.leaf("effectcategory", "motion")
                                                            x.leaf("effecttype", "motion")
                                                            x.leaf("mediatype", "video")
                                                            x.element("parameter") { x in
                                                                x.leaf("parameterid", "speed")
                                                                x.leaf("name", "speed")
                                                                x.leaf("value", String(format: "%.4f", percent))
                                                            }
                                                            x.element("parameter") { x in
                                                                x.leaf("parameterid", "variablespeed")
                                                                x.leaf("value", "0")
                                                            }
                                                        }
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
                for track in timeline.tracks where track.kind == .video {
                    for (_, clip) in track.placedClips {
                        for marker in clip.markers {
                            x.element("marker") { x in
                                x.leaf("name", marker.name)
                                x.leaf("comment", marker.color)
                                x.leaf("in", "\(marker.frame)")
                                x.leaf("out", "-1")
                            }
                        }
                    }
                }
            }
        }
        return x.text
    }
}
