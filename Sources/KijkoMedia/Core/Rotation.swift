internal import CFFmpeg

/// Rotation carried as display-matrix side data (phone footage), and the filters that make the
/// picture upright.
public enum Rotation {
    /// The display matrix's rotation in degrees counter-clockwise, rounded (ffprobe's `rotation`).
    static func displayMatrixDegrees(of stream: UnsafeMutablePointer<AVStream>) -> Int? {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return nil }
        let degrees = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard degrees.isFinite else { return nil }
        return Int(degrees.rounded())
    }

    /// The filter chain (`transpose=clock`, `hflip,vflip`, …) that turns frames decoded from a
    /// stream whose display matrix says `degrees` (counter-clockwise) upright; nil when none is needed.
    /// Mirrors ffmpeg's own autorotate.
    public static func uprightFilter(degrees: Int) -> String? {
        // ffmpeg: theta = -rotation, normalised to [0, 360).
        var theta = (-degrees) % 360
        if theta < 0 { theta += 360 }
        switch theta {
        case 45..<135: return "transpose=clock"
        case 135..<225: return "hflip,vflip"
        case 225..<315: return "transpose=cclock"
        default: return nil
        }
    }
}
