internal import CFFmpeg

/// An HDR10 master's static metadata, as its pictures carry it: the mastering display (SMPTE ST
/// 2086: primaries, white point, luminance range) and the content light levels (CTA-861.3 MaxCLL
/// and MaxFALL). Units are HEVC's: chromaticity in 1/50000, luminance in 1/10000 cd/m².
public struct HDRMetadata: Sendable, Equatable, Codable {
    /// CIE 1931 x and y of the display's red, green and blue, and its white point.
    public var red: [Int]
    public var green: [Int]
    public var blue: [Int]
    public var white: [Int]
    public var maxLuminance: Int
    public var minLuminance: Int
    /// Brightest pixel and brightest frame average, cd/m².
    public var maxCLL: Int?
    public var maxFALL: Int?

    /// The metadata `frame` carries (nil when it has no mastering display, or one out of range).
    public init?(frame: Frame) {
        guard let side = av_frame_get_side_data(frame.pointer, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA),
              Int(side.pointee.size) >= MemoryLayout<AVMasteringDisplayMetadata>.size else { return nil }
        let display = UnsafeRawPointer(side.pointee.data).load(as: AVMasteringDisplayMetadata.self)
        guard display.has_primaries != 0, display.has_luminance != 0 else { return nil }
        /// A rational in `unit`ths, or nil when it is not a number in [0, limit].
        func scaled(_ r: AVRational, _ unit: Double, limit: Double) -> Int? {
            guard r.den != 0 else { return nil }
            let v = Double(r.num) / Double(r.den) * unit
            return v.isFinite && v >= 0 && v <= limit ? Int(v.rounded()) : nil
        }
        let p = display.display_primaries
        let xy = [(p.0.0, p.0.1), (p.1.0, p.1.1), (p.2.0, p.2.1), (display.white_point.0, display.white_point.1)].map {
            [scaled($0.0, 50_000, limit: 50_000), scaled($0.1, 50_000, limit: 50_000)]
        }
        guard let maxL = scaled(display.max_luminance, 10_000, limit: 1e8), let minL = scaled(display.min_luminance, 10_000, limit: 1e8),
              xy.allSatisfy({ $0.allSatisfy { $0 != nil } }) else { return nil }
        red = xy[0].compactMap { $0 }
        green = xy[1].compactMap { $0 }
        blue = xy[2].compactMap { $0 }
        white = xy[3].compactMap { $0 }
        maxLuminance = maxL
        minLuminance = minL
        if let light = av_frame_get_side_data(frame.pointer, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL),
           Int(light.pointee.size) >= MemoryLayout<AVContentLightMetadata>.size {
            let levels = UnsafeRawPointer(light.pointee.data).load(as: AVContentLightMetadata.self)
            maxCLL = Int(levels.MaxCLL)
            maxFALL = Int(levels.MaxFALL)
        }
    }

    /// x265's parameters that write it into the stream (with HDR10 signalling, headers repeated).
    public var x265Parameters: String {
        var out = "hdr10=1:repeat-headers=1:master-display=G(\(green[0]),\(green[1]))B(\(blue[0]),\(blue[1]))R(\(red[0]),\(red[1]))"
            + "WP(\(white[0]),\(white[1]))L(\(maxLuminance),\(minLuminance))"
        if let maxCLL, let maxFALL { out += ":max-cll=\(maxCLL),\(maxFALL)" }
        return out
    }
}
