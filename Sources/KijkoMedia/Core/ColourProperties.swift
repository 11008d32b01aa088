internal import CFFmpeg

/// The colour description of a picture: primaries, transfer, matrix and range, as libav names them
/// (`bt709`, `smpte2084`, `tv`). Carried from inputs to outputs, never guessed.
public struct ColourProperties: Hashable, Sendable, Codable {
    public var primaries: Int32
    public var transfer: Int32
    public var matrix: Int32
    public var range: Int32

    /// Rec. 709, limited ("tv") range: the default for HD masters.
    public static let bt709 = ColourProperties(primaries: Int32(truncatingIfNeeded: AVCOL_PRI_BT709.rawValue),
                                               transfer: Int32(truncatingIfNeeded: AVCOL_TRC_BT709.rawValue),
                                               matrix: Int32(truncatingIfNeeded: AVCOL_SPC_BT709.rawValue),
                                               range: Int32(truncatingIfNeeded: AVCOL_RANGE_MPEG.rawValue))
    public static let unspecified = ColourProperties(primaries: Int32(truncatingIfNeeded: AVCOL_PRI_UNSPECIFIED.rawValue),
                                                     transfer: Int32(truncatingIfNeeded: AVCOL_TRC_UNSPECIFIED.rawValue),
                                                     matrix: Int32(truncatingIfNeeded: AVCOL_SPC_UNSPECIFIED.rawValue),
                                                     range: Int32(truncatingIfNeeded: AVCOL_RANGE_UNSPECIFIED.rawValue))

    public init(primaries: Int32, transfer: Int32, matrix: Int32, range: Int32) {
        self.primaries = primaries
        self.transfer = transfer
        self.matrix = matrix
        self.range = range
    }

    init(frame: UnsafeMutablePointer<AVFrame>) {
        self.init(primaries: Int32(truncatingIfNeeded: frame.pointee.color_primaries.rawValue), transfer: Int32(truncatingIfNeeded: frame.pointee.color_trc.rawValue),
                  matrix: Int32(truncatingIfNeeded: frame.pointee.colorspace.rawValue), range: Int32(truncatingIfNeeded: frame.pointee.color_range.rawValue))
    }

    init(codec: UnsafeMutablePointer<AVCodecParameters>) {
        self.init(primaries: Int32(truncatingIfNeeded: codec.pointee.color_primaries.rawValue), transfer: Int32(truncatingIfNeeded: codec.pointee.color_trc.rawValue),
                  matrix: Int32(truncatingIfNeeded: codec.pointee.color_space.rawValue), range: Int32(truncatingIfNeeded: codec.pointee.color_range.rawValue))
    }

    func apply(to frame: UnsafeMutablePointer<AVFrame>) {
        frame.pointee.color_primaries = AVColorPrimaries(rawValue: .init(truncatingIfNeeded: primaries))
        frame.pointee.color_trc = AVColorTransferCharacteristic(rawValue: .init(truncatingIfNeeded: transfer))
        frame.pointee.colorspace = AVColorSpace(rawValue: .init(truncatingIfNeeded: matrix))
        frame.pointee.color_range = AVColorRange(rawValue: .init(truncatingIfNeeded: range))
    }

    func apply(to context: UnsafeMutablePointer<AVCodecContext>) {
        context.pointee.color_primaries = AVColorPrimaries(rawValue: .init(truncatingIfNeeded: primaries))
        context.pointee.color_trc = AVColorTransferCharacteristic(rawValue: .init(truncatingIfNeeded: transfer))
        context.pointee.colorspace = AVColorSpace(rawValue: .init(truncatingIfNeeded: matrix))
        context.pointee.color_range = AVColorRange(rawValue: .init(truncatingIfNeeded: range))
    }

    /// Fills each unspecified field from `other`.
    public func filled(from other: ColourProperties) -> ColourProperties {
        let u = ColourProperties.unspecified
        return ColourProperties(primaries: primaries == u.primaries ? other.primaries : primaries,
                                transfer: transfer == u.transfer ? other.transfer : transfer,
                                matrix: matrix == u.matrix ? other.matrix : matrix,
                                range: range == u.range ? other.range : range)
    }

    /// The colour description libav names `primaries`/`transfer`/`matrix`/`range`
    /// (`bt709`, `bt709`, `bt709`, `tv`); nil when a name is unknown.
    public init?(names primaries: String, _ transfer: String, _ matrix: String, _ range: String) {
        let p = av_color_primaries_from_name(primaries), t = av_color_transfer_from_name(transfer)
        let m = av_color_space_from_name(matrix), r = av_color_range_from_name(range)
        guard p >= 0, t >= 0, m >= 0, r >= 0 else { return nil }
        self.init(primaries: p, transfer: t, matrix: m, range: r)
    }

    /// libav's names; nil for unspecified fields.
    public var primariesName: String? {
        primaries == Int32(truncatingIfNeeded: AVCOL_PRI_UNSPECIFIED.rawValue) ? nil : av_color_primaries_name(AVColorPrimaries(rawValue: .init(truncatingIfNeeded: primaries))).map { String(cString: $0) }
    }
    public var transferName: String? {
        transfer == Int32(truncatingIfNeeded: AVCOL_TRC_UNSPECIFIED.rawValue) ? nil : av_color_transfer_name(AVColorTransferCharacteristic(rawValue: .init(truncatingIfNeeded: transfer))).map { String(cString: $0) }
    }
    public var matrixName: String? {
        matrix == Int32(truncatingIfNeeded: AVCOL_SPC_UNSPECIFIED.rawValue) ? nil : av_color_space_name(AVColorSpace(rawValue: .init(truncatingIfNeeded: matrix))).map { String(cString: $0) }
    }
    public var rangeName: String? {
        range == Int32(truncatingIfNeeded: AVCOL_RANGE_UNSPECIFIED.rawValue) ? nil : av_color_range_name(AVColorRange(rawValue: .init(truncatingIfNeeded: range))).map { String(cString: $0) }
    }
}
