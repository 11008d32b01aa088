import Foundation
import KijkoMedia
import KijkoTestSupport

/// Presets, synthesised masters (cached under `.build/test-media`), the kijko binary, and
/// readers that look inside deliverables: stamps through a known geometry, mean levels, loudness.
enum DeliveryFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let presets = root.appendingPathComponent("presets/platforms").path
    static let cache = root.appendingPathComponent(".build/test-media").path

    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-delivery-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// The synthesised master for `spec`, linked into a scratch folder as `name` (outputs are
    /// named after the master).
    static func master(_ spec: SynthSpec, name: String = "master") throws -> (path: String, folder: String) {
        let file = try Synthesizer.cached(spec, in: cache)
        let folder = try scratch()
        let path = "\(folder)/\(name).\(spec.defaultExtension)"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: file)
        return (path, folder)
    }

    /// The built `kijko` binary.
    static var kijko: String { Program.kijko }

    /// Runs a program to completion: exit status, stdout, stderr.
    static func run(_ program: String, _ arguments: [String]) throws -> ProgramResult { try Program.run(program, arguments) }

    /// Where a `width`x`height` master lands inside a `frameWidth`x`frameHeight` output when
    /// scaled to fit inside (`cover` false) or to cover it, centred: x, y, width, height.
    static func placement(_ width: Int, _ height: Int, in frameWidth: Int, _ frameHeight: Int,
                          cover: Bool) -> (x: Int, y: Int, width: Int, height: Int) {
        let sx = Double(frameWidth) / Double(width), sy = Double(frameHeight) / Double(height)
        let s = cover ? max(sx, sy) : min(sx, sy)
        let w = Int((Double(width) * s).rounded()), h = Int((Double(height) * s).rounded())
        return ((frameWidth - w) / 2, (frameHeight - h) / 2, w, h)
    }

    /// Every frame of `path` (optionally through `filter`, e.g. `transpose=cclock`), handed to `body`
    /// as planar YUV.
    static func eachFrame(_ path: String, filter: String? = nil, _ body: (Frame) throws -> Void) throws {
        let reader = try FrameReader(path: path)
        let graph = try FilterGraph("[in]\(filter.map { $0 + "," } ?? "")format=yuv420p[out]", inputs: ["in": reader.frameFormat])
        let frame = try Frame(), out = try Frame()
        var more = true
        while more {
            more = try reader.next(into: frame)
            try graph.push(more ? frame : nil)
            while try graph.pull(into: out) == .frame { try body(out) }
        }
    }

    /// The stamps read from every frame, the master's picture lying at `region` of the output.
    /// `source` is the master's picture size.
    static func stamps(_ path: String, region: (x: Int, y: Int, width: Int, height: Int)? = nil,
                       source: (width: Int, height: Int)? = nil, filter: String? = nil) throws -> [Int?] {
        var stamps: [Int?] = []
        try eachFrame(path, filter: filter) { frame in
            stamps.append(FrameStamp.read(frame, region: region ?? (0, 0, frame.width, frame.height), source: source))
        }
        return stamps
    }

    /// Mean luma (8-bit) and its standard deviation over rows `rows` of a frame.
    static func lumaStatistics(_ frame: Frame, rows: Range<Int>) -> (mean: Double, deviation: Double) {
        guard let luma = frame.data(0), !rows.isEmpty else { return (0, 0) }
        var sum = 0.0, squares = 0.0, count = 0.0
        for y in rows {
            let line = luma + y * frame.lineSize(0)
            for x in 0..<frame.width {
                let v = Double(line[x])
                sum += v
                squares += v * v
                count += 1
            }
        }
        let mean = sum / count
        return (mean, (squares / count - mean * mean).squareRoot())
    }
}
