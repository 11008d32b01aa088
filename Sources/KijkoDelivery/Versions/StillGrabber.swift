public import KijkoPresets
import Foundation
public import KijkoMedia

/// Frame grabs for print and out-of-home: one frame, seeked to exactly, reframed to the
/// preset's size and written as PNG (lossless, RGB) or JPEG (full-range, high quality).
public enum StillGrabber {
    /// - Parameter window: a smart reframe's crop of the master at that frame (of the still's
    ///   shape), taken before the scale; nil reframes as `reframe` says (smart as fit).
    /// - Parameter grader: grades the master's frame before the reframe.
    public static func grab(master: String, preset: PlatformPreset, reframe: PlatformPreset.Reframe,
                            at seconds: Double, window: CropWindow? = nil, grader: ColourGrader? = nil, to path: String) throws {
        let reader = try FrameReader(path: master)
        try reader.seek(toPTS: reader.startPTS + Int64(seconds / reader.timeBase.doubleValue))
        let decoded = try Frame()
        guard try reader.next(into: decoded) else {
            throw MediaError(file: master, stage: .decode, reason: "no frame at \(seconds) s")
        }
        let frame = try grader?.grade(decoded) ?? decoded
        let jpeg = preset.container == "jpg" || preset.container == "jpeg"
        let pixel = jpeg ? "yuvj420p" : "rgb24"
        var input = reader.frameFormat
        var chain = ReframeChain.description(reframe == .smart ? .fit : reframe, width: preset.width, height: preset.height)
        // From an HDR master to the still's SDR, tone-mapped first.
        let hdr = ToneMap.chain(from: reader.colour, to: preset.colour).map { $0 + "," } ?? ""
        if let window, case let .video(_, _, pix, tb, _, rate) = input {
            try frame.crop(x: window.x, y: window.y, width: window.width, height: window.height)
            input = .video(width: window.width, height: window.height, pixelFormat: pix, timeBase: tb, sampleAspectRatio: Rational(1, 1), frameRate: rate)
            chain = "scale=\(preset.width):\(preset.height):flags=lanczos,setsar=1"
        }
        let graph = try FilterGraph("[in]\(hdr)\(chain),format=\(pixel)[out]", inputs: ["in": input])
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
