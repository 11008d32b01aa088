/// Writes one picture as an image file (PNG, JPEG) through the `image2` muxer, atomically.
public enum ImageFile {
    /// - Parameters:
    ///   - frame: the picture, in `format` (its pts is set to 0).
    ///   - settings: `png`, or `mjpeg` with its quality options.
    public static func write(_ frame: Frame, format: FilterInputFormat, settings: EncoderSettings,
                             to path: String) throws(MediaError) {
        let muxer = try Muxer(path: path, format: "image2")
        let encoder = try Encoder(settings, format: format, for: muxer)
        try muxer.addStream(for: encoder)
        try muxer.start()
        let packet = try Packet()
        frame.pts = 0
        try encoder.send(frame)
        while try encoder.receive(into: packet) { try muxer.write(packet, from: encoder) }
        try muxer.drain(encoder, packet: packet)
        try muxer.finish()
    }
}
