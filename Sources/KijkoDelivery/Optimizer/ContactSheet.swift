public import KijkoPresets
import Foundation
import KijkoMedia

/// One picture of every version side by side at the same height — each a frame from the middle
/// of the written file, labelled with its preset and size, with the platform's UI safe zone drawn
/// on vertical formats (red where the interface covers the picture, a yellow line round what stays
/// clear) — so a person can check the framing of the whole set at a glance. Written as PNG.
public enum ContactSheet {
    public struct Item: Sendable {
        public var path: String
        public var label: String
        public var safeZone: PlatformPreset.SafeZone?

        public init(path: String, label: String, safeZone: PlatformPreset.SafeZone?) {
            self.path = path
            self.label = label
            self.safeZone = safeZone
        }
    }

    /// Pictures this tall, pixels.
    public static let height = 540

    public static func write(_ items: [Item], to path: String) throws {
        guard !items.isEmpty else { throw MediaError(file: path, stage: .configure, reason: "no versions to put on a contact sheet") }
        var inputs: [String: FilterInputFormat] = [:]
        var frames: [(String, Frame)] = []
        var chains: [String] = []
        for (i, item) in items.enumerated() {
            let reader = try FrameReader(path: item.path)
            let info = try Probe.file(item.path)
            let middle = (info.first(.video)?.duration ?? info.duration ?? 0) / 2
            try reader.seek(toPTS: reader.startPTS + Int64(middle / reader.timeBase.doubleValue))
            let frame = try Frame()
            guard try reader.next(into: frame) else {
                throw MediaError(file: item.path, stage: .decode, reason: "no picture for the contact sheet")
            }
            inputs["in\(i)"] = reader.frameFormat
            frames.append(("in\(i)", frame))
            var chain = "[in\(i)]scale=-2:\(height):flags=bicubic,setsar=1,format=yuv444p"
            if let zone = item.safeZone {
                let band = "color=red@0.35:t=fill"
                chain += ",drawbox=x=0:y=0:w=iw:h=ih*\(zone.top):\(band)"
                chain += ",drawbox=x=0:y=ih*(1-\(zone.bottom)):w=iw:h=ih*\(zone.bottom):\(band)"
                chain += ",drawbox=x=0:y=ih*\(zone.top):w=iw*\(zone.left):h=ih*(1-\(zone.top)-\(zone.bottom)):\(band)"
                chain += ",drawbox=x=iw*(1-\(zone.right)):y=ih*\(zone.top):w=iw*\(zone.right):h=ih*(1-\(zone.top)-\(zone.bottom)):\(band)"
                chain += ",drawbox=x=iw*\(zone.left):y=ih*\(zone.top):w=iw*(1-\(zone.left)-\(zone.right)):h=ih*(1-\(zone.top)-\(zone.bottom)):color=yellow@0.9:t=3"
            }
            // Name above size, each on its own line, so a narrow vertical picture still shows both.
            let lines = item.label.split(separator: " ", maxSplits: 1).map { $0.filter { $0.isLetter || $0.isNumber || "-x".contains($0) } }
            chain += ",pad=iw+24:ih+84:12:12:color=0x1e1e1e"
            for (row, line) in lines.enumerated() {
                chain += ",drawtext=text='\(line)':expansion=none:fontcolor=white:fontsize=20:x=12:y=h-66+\(row * 28)"
            }
            chain += "[p\(i)]"
            chains.append(chain)
        }
        let stack = items.count == 1 ? "[p0]null" : (0..<items.count).map { "[p\($0)]" }.joined() + "hstack=inputs=\(items.count)"
        let graph = try FilterGraph(chains.joined(separator: ";") + ";\(stack),format=rgb24[out]", inputs: inputs)
        for (name, frame) in frames {
            try graph.push(frame, into: name)
            try graph.push(nil, into: name)
        }
        let sheet = try Frame()
        guard try graph.pull(into: sheet) == .frame, let format = graph.outputFormat() else {
            throw MediaError(file: path, stage: .filter, reason: "the contact sheet graph gave no picture")
        }
        try ImageFile.write(sheet, format: format, settings: EncoderSettings(codec: "png"), to: path)
    }
}
