import ArgumentParser
import Foundation
import KijkoMedia

/// Decodes frames and reads the frame numbers ``FrameStamp`` wrote: proof of frame accuracy.
struct StampsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stamps",
        abstract: "Read the frame numbers stamped by `kijko synth` from decoded frames.",
        discussion: "Each line: the output frame index, its pts in seconds and the stamped number (or - when absent).")

    @Argument(help: "The media file.") var file: String
    @Option(help: "Seek to this frame first (frame-accurate).") var from: Int?
    @Option(help: "Read at most this many frames.") var count: Int?
    @OptionGroup var global: GlobalOptions
    var json: Bool { global.json }

    struct Row: Encodable {
        let index: Int
        let pts: Int64
        let seconds: Double
        let stamp: Int?
    }

    struct Report: Encodable {
        let file: String
        let frameRate: Rational
        let timeBase: Rational
        let frames: [Row]
    }

    func run() throws {
        try reportingErrors {
            let reader = try FrameReader(path: file)
            if let from { try reader.seek(toFrame: from) }
            let frame = try Frame()
            var rows: [Row] = []
            while count.map({ rows.count < $0 }) ?? true, try reader.next(into: frame) {
                let pts = frame.pts ?? 0
                rows.append(Row(index: reader.frameIndex(ofPTS: pts), pts: pts,
                                seconds: Double(pts) * reader.timeBase.doubleValue, stamp: FrameStamp.read(frame)))
            }
            if json {
                try Output.json(Report(file: file, frameRate: reader.frameRate, timeBase: reader.timeBase, frames: rows))
            } else {
                for row in rows {
                    print("\(row.index)\t\(String(format: "%.6f", row.seconds))\t\(row.stamp.map(String.init) ?? "-")")
                }
            }
        }
    }
}
