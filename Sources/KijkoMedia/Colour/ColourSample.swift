import Foundation

/// A shot's pictures as R′G′B′ pixels, for colour statistics: up to `frames` frames spread evenly
/// through it (an image: its one picture), each scaled to at most `width` pixels wide and taken to
/// R′G′B′ by the matrix and range it is tagged with (as ``ColourGrader`` does).
public struct ColourSample {
    /// Normalised R′G′B′ of every sampled pixel.
    public var pixels: [SIMD3<Float>]
    /// The middle sampled picture as decoded (for before and after stills).
    public var still: Frame
    /// Pictures sampled.
    public var frames: Int

    /// - Throws: ``MediaError`` naming the file when it has no picture.
    public static func read(path: String, frames wanted: Int = 12, width: Int = 160) throws(MediaError) -> ColourSample {
        let info = try Probe.file(path)
        guard let video = info.first(.video) else { throw MediaError(file: path, stage: .probe, reason: "no picture to measure") }
        let reader = try FrameReader(path: path)
        // Frames in the shot, from the file's own numbers: bounded before any integer is made of them.
        let rate = video.frameRate?.doubleValue ?? 25
        let frames = (video.duration ?? info.duration ?? 0) * rate
        let total = frames.isFinite && frames >= 1 ? Int(min(frames, Double(1 << 40)).rounded(.down)) : 1
        let count = min(max(1, wanted), total)
        var pixels: [SIMD3<Float>] = []
        var pictures: [Frame] = []
        for k in 0..<count {
            let decoded = try Frame()
            if count > 1 { try reader.seek(toFrame: Int(Double(total) * Double(2 * k + 1) / Double(2 * count))) }
            guard try reader.next(into: decoded) else { break }
            pixels += try rgb(of: decoded, width: width, file: path)
            pictures.append(decoded)
        }
        guard !pictures.isEmpty else { throw MediaError(file: path, stage: .decode, reason: "no picture could be decoded") }
        return ColourSample(pixels: pixels, still: pictures[pictures.count / 2], frames: pictures.count)
    }

    /// The pixels of `frame` scaled to at most `width` wide, as normalised R′G′B′.
    public static func rgb(of frame: Frame, width: Int, file: String) throws(MediaError) -> [SIMD3<Float>] {
        let (matrix, range) = ColourGrader.matrixAndRange(of: frame)
        let w = min(frame.width, width), h = max(2, Int((Double(frame.height) * Double(w) / Double(max(1, frame.width))).rounded()))
        let graph = try FilterGraph("[in]scale=\(w):\(h):flags=area:in_color_matrix=\(matrix):in_range=\(range),format=gbrp16le[out]",
                                    inputs: ["in": .video(width: frame.width, height: frame.height, pixelFormat: frame.pixelFormat,
                                                          timeBase: Rational(1, 1), sampleAspectRatio: Rational(1, 1))])
        try graph.push(try frame.reference())
        let rgb = try Frame()
        guard try graph.pull(into: rgb) == .frame, let g = rgb.data(0), let b = rgb.data(1), let r = rgb.data(2) else {
            throw MediaError(file: file, stage: .filter, reason: "no R′G′B′ picture to measure")
        }
        var out: [SIMD3<Float>] = []
        out.reserveCapacity(rgb.width * rgb.height)
        for y in 0..<rgb.height {
            let rr = UnsafeRawPointer(r + y * rgb.lineSize(2)), gg = UnsafeRawPointer(g + y * rgb.lineSize(0)), bb = UnsafeRawPointer(b + y * rgb.lineSize(1))
            for x in 0..<rgb.width {
                out.append(SIMD3<Float>(Float(rr.load(fromByteOffset: 2 * x, as: UInt16.self)), Float(gg.load(fromByteOffset: 2 * x, as: UInt16.self)),
                                        Float(bb.load(fromByteOffset: 2 * x, as: UInt16.self))) / 65_535)
            }
        }
        return out
    }
}
