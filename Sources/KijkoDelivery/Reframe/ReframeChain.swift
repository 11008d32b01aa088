public import KijkoPresets
import KijkoMedia

/// The libavfilter chain that turns a master's picture into a deliverable's frame: `fit`
/// (scaled inside, bars of a colour), `fill` (scaled to cover, centre crop), `blur` (fit over a
/// blurred, darkened fill of the same picture). Square pixels out.
public enum ReframeChain {
    /// - Parameters:
    ///   - width, height: the output frame.
    ///   - label: a prefix that keeps this chain's internal labels unique in a bigger graph.
    public static func description(_ mode: PlatformPreset.Reframe, width: Int, height: Int,
                                   background: String = "black", label: String = "r") -> String {
        let size = "\(width):\(height)"
        switch mode {
        case .fit, .smart:
            return "scale=\(size):force_original_aspect_ratio=decrease:flags=bicubic,"
                + "pad=\(size):(ow-iw)/2:(oh-ih)/2:color=\(background),setsar=1"
        case .fill:
            return "scale=\(size):force_original_aspect_ratio=increase:flags=bicubic,crop=\(size),setsar=1"
        case .blur:
            // The background needs no detail: blur a small copy, then scale it up.
            let smallWidth = max(16, width / 8 / 2 * 2), smallHeight = max(16, height / 8 / 2 * 2)
            let small = "\(smallWidth):\(smallHeight)"
            // The radius fits the chroma planes of the smallest copy (a 320x50 banner's is 20x8).
            let radius = min(6, min(smallWidth, smallHeight) / 4)
            return "split=2[\(label)bg][\(label)fg];"
                + "[\(label)bg]scale=\(small):force_original_aspect_ratio=increase,crop=\(small),"
                + "boxblur=\(radius):2,eq=brightness=-0.08,scale=\(size):flags=bilinear[\(label)b];"
                + "[\(label)fg]scale=\(size):force_original_aspect_ratio=decrease:flags=bicubic[\(label)f];"
                + "[\(label)b][\(label)f]overlay=(W-w)/2:(H-h)/2,setsar=1"
        }
    }
}
