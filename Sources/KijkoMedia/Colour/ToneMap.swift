/// A picture's dynamic range, by its transfer tag.
public enum DynamicRange: String, Sendable, Codable {
    case sdr
    /// SMPTE ST 2084 (HDR10).
    case pq
    /// ARIB STD-B67 (broadcast HDR).
    case hlg

    /// By libav's transfer name (`smpte2084`, `arib-std-b67`; anything else is SDR).
    public init(transfer: String?) {
        switch transfer {
        case "smpte2084"?: self = .pq
        case "arib-std-b67"?: self = .hlg
        default: self = .sdr
        }
    }

    public var isHDR: Bool { self != .sdr }
}

extension ColourProperties {
    /// The dynamic range its transfer tag says.
    public var dynamicRange: DynamicRange { DynamicRange(transfer: transferName) }
}

/// HDR to SDR through libavfilter's `zscale` (zimg) and `tonemap`: the HDR picture to linear light
/// (100 cd/m² as 1), to BT.709 primaries, Hable's curve (highlights rolled off, no desaturation),
/// then BT.709's transfer and matrix in limited range, at 10-bit 4:4:4 so the reframe after it
/// loses nothing.
public enum ToneMap {
    /// The chain taking a picture tagged `source` to one tagged `target`'s range: the tone map when
    /// the source is HDR and the target SDR, nil when nothing is to be done (or when it is not done
    /// here: SDR up to HDR, one HDR to another).
    public static func chain(from source: ColourProperties, to target: ColourProperties) -> String? {
        source.dynamicRange.isHDR && !target.dynamicRange.isHDR ? toSDR(from: source) : nil
    }

    /// The chain from a picture tagged `colour` (PQ or HLG) to SDR BT.709.
    public static func toSDR(from colour: ColourProperties) -> String {
        let transfer = colour.transferName ?? "smpte2084"
        let primaries = colour.primariesName == "bt709" ? "bt709" : "bt2020"
        let matrix = colour.matrixName.map { $0 == "bt2020c" ? "bt2020c" : $0 == "bt709" ? "bt709" : "bt2020nc" } ?? "bt2020nc"
        let range = colour.rangeName == "pc" ? "pc" : "tv"
        // Every step names what it takes (zimg finds no path from properties it must guess).
        return "zscale=tin=\(transfer):pin=\(primaries):min=\(matrix):rin=\(range):t=linear:p=\(primaries):m=gbr:r=pc:npl=100,"
            + "format=gbrpf32le,zscale=tin=linear:pin=\(primaries):min=gbr:rin=pc:t=linear:p=bt709:m=gbr:r=pc,"
            + "tonemap=tonemap=hable:desat=0,"
            + "zscale=tin=linear:pin=bt709:min=gbr:rin=pc:t=bt709:p=bt709:m=bt709:r=tv,format=yuv444p10le"
    }
}
