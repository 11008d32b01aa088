internal import CFFmpeg

/// A libav pixel format, named as libav names it (`yuv420p`, `yuv422p10le`, `rgb24`).
public struct PixelFormat: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The format called `name`, or nil when libav has none by that name.
    public init?(name: String) {
        let value = av_get_pix_fmt(name)
        guard value != AV_PIX_FMT_NONE else { return nil }
        rawValue = value.rawValue
    }

    public static let yuv420p = PixelFormat(rawValue: AV_PIX_FMT_YUV420P.rawValue)
    public static let gray = PixelFormat(rawValue: AV_PIX_FMT_GRAY8.rawValue)

    var av: AVPixelFormat { AVPixelFormat(rawValue) }

    public var name: String { av_get_pix_fmt_name(av).map { String(cString: $0) } ?? "none" }
    public var description: String { name }

    /// Bits per component of the first (luma) component.
    public var bitDepth: Int? {
        guard let desc = av_pix_fmt_desc_get(av) else { return nil }
        return Int(desc.pointee.comp.0.depth)
    }

    /// Log2 of the chroma subsampling (width, height): (1, 1) for 4:2:0.
    public var chromaShift: (x: Int, y: Int) {
        guard let desc = av_pix_fmt_desc_get(av) else { return (0, 0) }
        return (Int(desc.pointee.log2_chroma_w), Int(desc.pointee.log2_chroma_h))
    }

    /// True for 8-bit planar YUV formats whose first plane is luma.
    public var isPlanarYUV8: Bool {
        guard let desc = av_pix_fmt_desc_get(av) else { return false }
        let flags = desc.pointee.flags
        return flags & UInt64(AV_PIX_FMT_FLAG_PLANAR) != 0 && flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0
            && desc.pointee.comp.0.depth == 8 && desc.pointee.nb_components >= 3
    }
}
