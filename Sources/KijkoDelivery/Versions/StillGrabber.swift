public import KijkoPresets
import Foundation
import KijkoMedia

/// Frame grabs for print and out-of-home: one frame, seeked to exactly, reframed to the
/// preset's size and written as PNG (lossless, RGB) or JPEG (full-range, high quality).
public enum StillGrabber {
    public static func grab(master: String, preset: PlatformPreset, reframe: PlatformPreset.Reframe,
                            at seconds: Double, to path: String) throws {
        let reader = try FrameReader(path: master)
        try reader.seek(toPTS: reader.startPTS + Int64(seconds / reader.timeBase.doubleValue))
        let frame = try Frame()
        guard try reader.next(into: frame) else {
            throw MediaError(file: master, stage: .decode, reason: "no frame at \(seconds) s")
        }
        let jpeg = preset.container == "jpg" || preset.container == "jpeg"
        let pixel = jpeg ? "yuvj420p" : "rgb24"
        let chain = ReframeChain.description(reframe == .smart ? .fit : reframe, width: preset.width, height: preset.height)
        let graph = try FilterGraph("[in]\(chain),format=\(pixel)[out]", inputs: ["in": reader.frameFormat])
        try graph.push(frame)
        try graph.push(nil)
        let picture = try Frame()
        guard try graph.pull(into: picture) == .frame, let format = graph.outputFormat() else {
            throw MediaError(file: master, stage: .filter, reason: "reframe gave no picture")
        }
        let settings = jpeg ? EncoderSettings(codec: "mjpeg", options: ["qmin": "1", "qmax": "2"])
                            : EncoderSettings(codec: "png")
        try ImageFile.write(picture, format: format, settings: settings, to: path)
    }
}
