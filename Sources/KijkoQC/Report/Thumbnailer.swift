import Foundation
import KijkoMedia

/// Small JPEG pictures of given frames of a file (320 pixels wide), for reports: each frame is
/// reached by a frame-accurate seek.
public struct Thumbnailer {
    public let file: String
    public let width: Int

    public init(file: String, width: Int = 320) {
        self.file = file
        self.width = width
    }

    /// Writes frame `n` to `path` as JPEG.
    public func write(frame n: Int, to path: String) throws {
        let reader = try FrameReader(path: file)
        try reader.seek(toFrame: n)
        let frame = try Frame()
        guard try reader.next(into: frame) else { throw MediaError(file: file, stage: .decode, reason: "no frame \(n)") }
        let graph = try FilterGraph("[in]scale=\(width):-2:flags=bicubic,format=yuvj420p[out]", inputs: ["in": reader.frameFormat])
        try graph.push(frame)
        try graph.push(nil)
        let small = try Frame()
        guard try graph.pull(into: small) == .frame, let format = graph.outputFormat() else {
            throw MediaError(file: file, stage: .filter, reason: "no thumbnail for frame \(n)")
        }
        try ImageFile.write(small, format: format, settings: EncoderSettings(codec: "mjpeg", options: ["qmin": "2", "qmax": "4"]), to: path)
    }
}
