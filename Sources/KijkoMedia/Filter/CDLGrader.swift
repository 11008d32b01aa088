import Foundation

/// Applies an ASC CDL (v1.2) to pictures: on normalised R′G′B′, per channel
/// `out = clamp(in × slope + offset)^power`, then saturation about Rec. 709 luma
/// (`L = 0.2126 R + 0.7152 G + 0.0722 B`, `out = L + sat × (in − L)`), clamped to [0, 1].
/// Planar RGB is graded at its own depth; another picture goes to 16-bit planar RGB through the
/// matrix and range it is tagged with (untagged: BT.709 from 720 lines up, else BT.601, limited
/// range), without dither, and back to its own format the same way (to an 8-bit format swscale's
/// ordered dither applies). The formula's value is rounded once. One grader per decision; one
/// thread at a time.
public final class CDLGrader {
    /// A decision's numbers: three each of slope, offset and power (R, G, B), and saturation.
    public struct Values: Sendable, Equatable, Hashable {
        public var slope: [Double]
        public var offset: [Double]
        public var power: [Double]
        public var saturation: Double

        public init(slope: [Double], offset: [Double], power: [Double], saturation: Double) {
            self.slope = slope
            self.offset = offset
            self.power = power
            self.saturation = saturation
        }

        /// Changes nothing (within a 16-bit code value).
        public var isIdentity: Bool {
            slope == [1, 1, 1] && offset == [0, 0, 0] && power == [1, 1, 1] && saturation == 1
        }

        /// What is wrong with these numbers for a grade, or nil: three of each, finite, slope and
        /// power not negative (ASC CDL: power > 0), saturation not negative.
        public var problem: String? {
            guard slope.count == 3, offset.count == 3, power.count == 3 else { return "slope, offset and power need three values each" }
            guard (slope + offset + power + [saturation]).allSatisfy(\.isFinite) else { return "values must be finite numbers" }
            if slope.contains(where: { $0 < 0 }) { return "slope must not be negative" }
            if power.contains(where: { $0 <= 0 }) { return "power must be above 0" }
            if saturation < 0 { return "saturation must not be negative" }
            return nil
        }

        /// The formula on one normalised pixel (the reference the grader is tested against).
        public func apply(_ rgb: (Double, Double, Double)) -> (Double, Double, Double) {
            func sop(_ v: Double, _ c: Int) -> Double { pow(min(1, max(0, v * slope[c] + offset[c])), power[c]) }
            let r = sop(rgb.0, 0), g = sop(rgb.1, 1), b = sop(rgb.2, 2)
            let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
            func sat(_ v: Double) -> Double { min(1, max(0, luma + saturation * (v - luma))) }
            return (sat(r), sat(g), sat(b))
        }
    }

    public let values: Values
    /// Channel tables (R, G, B) by bit depth: input code value → slope, offset and power, in code values (unrounded).
    private var tables: [Int: [[Float]]] = [:]
    /// The conversions to 16-bit RGB and back, by picture geometry, format and tags.
    private var graphs: [String: (to: FilterGraph, back: FilterGraph)] = [:]

    /// - Throws: ``MediaError`` (stage `.configure`) naming what is wrong with `values`.
    public init(_ values: Values) throws(MediaError) {
        if let problem = values.problem { throw MediaError(file: "ASC CDL", stage: .configure, reason: problem) }
        self.values = values
    }

    /// The slope, offset and power of each channel at `bits` bits.
    func tables(bits: Int) -> [[Float]] {
        if let known = tables[bits] { return known }
        let top = Double((1 << bits) - 1)
        let made = (0..<3).map { c in
            (0...Int(top)).map { i in
                Float(pow(min(1, max(0, Double(i) / top * values.slope[c] + values.offset[c])), values.power[c]) * top)
            }
        }
        tables[bits] = made
        return made
    }

    /// Planar RGB formats graded as they are, by depth.
    static let planarRGB = ["gbrp": 8, "gbrp10le": 10, "gbrp12le": 12, "gbrp16le": 16]

    /// The scale filter's name for a libav matrix name (nil: libav's default, both ways).
    static func scaleMatrix(_ name: String?) -> String? {
        switch name {
        case "bt709"?: "bt709"
        case "smpte170m"?: "smpte170m"
        case "bt470bg"?: "bt470"
        case "bt2020nc"?, "bt2020c"?: "bt2020"
        case "smpte240m"?: "smpte240m"
        default: nil
        }
    }

    /// `frame` graded: a new frame of the same size and format, pts and colour tags kept.
    public func grade(_ frame: Frame) throws(MediaError) -> Frame {
        if values.isIdentity { return try frame.reference() }
        let format = frame.pixelFormat
        if let bits = Self.planarRGB[format.name] {
            // Already R′G′B′: graded at its own depth, no conversion.
            let out = try frame.reference()
            try out.makeWritable()
            apply(to: out, bits: bits)
            return out
        }
        let colour = frame.colour
        // The matrix and range it goes to RGB with are the ones it comes back with.
        let matrix = Self.scaleMatrix(colour.matrixName) ?? (frame.height >= 720 ? "bt709" : "smpte170m")
        let range = colour.rangeName ?? "tv"
        let key = "\(frame.width)x\(frame.height)/\(format.name)/\(matrix)/\(range)"
        if graphs[key] == nil {
            let input = FilterInputFormat.video(width: frame.width, height: frame.height, pixelFormat: format,
                                                timeBase: Rational(1, 1), sampleAspectRatio: Rational(1, 1))
            let flags = "scale=flags=accurate_rnd+full_chroma_int+bitexact:sws_dither=none"
            let to = try FilterGraph("[in]\(flags):in_color_matrix=\(matrix):in_range=\(range),format=gbrp16le[out]", inputs: ["in": input])
            let back = try FilterGraph("[in]\(flags):out_color_matrix=\(matrix):out_range=\(range),format=\(format.name)[out]",
                                       inputs: ["in": .video(width: frame.width, height: frame.height, pixelFormat: PixelFormat(name: "gbrp16le")!,
                                                             timeBase: Rational(1, 1), sampleAspectRatio: Rational(1, 1))])
            graphs[key] = (to, back)
        }
        guard let (toRGB, fromRGB) = graphs[key].map({ ($0.to, $0.back) }) else { throw MediaError(file: "ASC CDL", stage: .filter, reason: "no graph") }
        let pts = frame.pts
        let rgb = try Frame()
        try toRGB.push(try frame.reference())
        guard try toRGB.pull(into: rgb) == .frame else { throw MediaError(file: "ASC CDL", stage: .filter, reason: "no RGB picture") }
        try rgb.makeWritable()
        apply(to: rgb, bits: 16)
        try fromRGB.push(rgb)
        let out = try Frame()
        guard try fromRGB.pull(into: out) == .frame else { throw MediaError(file: "ASC CDL", stage: .filter, reason: "no graded picture") }
        out.pts = pts
        colour.apply(to: out.pointer)
        return out
    }

    /// The decision on a planar RGB picture of `bits` bits (G, B, R planes), in place.
    func apply(to rgb: Frame, bits: Int) {
        let table = tables(bits: bits)
        if bits == 8 { apply(to: rgb, table, as: UInt8.self, top: 255) } else { apply(to: rgb, table, as: UInt16.self, top: Float((1 << bits) - 1)) }
    }

    private func apply<Sample: FixedWidthInteger & UnsignedInteger>(to rgb: Frame, _ table: [[Float]], as _: Sample.Type, top: Float) {
        guard let gPlane = rgb.data(0), let bPlane = rgb.data(1), let rPlane = rgb.data(2) else { return }
        let sat = Float(values.saturation)
        let applySaturation = values.saturation != 1
        let width = rgb.width
        let last = table[0].count - 1   // a sample past the depth (a damaged picture) reads the top entry
        table[0].withUnsafeBufferPointer { rTable in
            table[1].withUnsafeBufferPointer { gTable in
                table[2].withUnsafeBufferPointer { bTable in
                    for y in 0..<rgb.height {
                        let g = UnsafeMutableRawPointer(gPlane + y * rgb.lineSize(0)).bindMemory(to: Sample.self, capacity: width)
                        let b = UnsafeMutableRawPointer(bPlane + y * rgb.lineSize(1)).bindMemory(to: Sample.self, capacity: width)
                        let r = UnsafeMutableRawPointer(rPlane + y * rgb.lineSize(2)).bindMemory(to: Sample.self, capacity: width)
                        for x in 0..<width {
                            let rv = rTable[min(Int(r[x]), last)], gv = gTable[min(Int(g[x]), last)], bv = bTable[min(Int(b[x]), last)]
                            // Values are within [0, top]: +0.5 and a truncating conversion round them
                            // (one instruction; the generic rounding conversion cost 20 times more).
                            guard applySaturation else {
                                r[x] = Sample(truncatingIfNeeded: Int32(rv + 0.5))
                                g[x] = Sample(truncatingIfNeeded: Int32(gv + 0.5))
                                b[x] = Sample(truncatingIfNeeded: Int32(bv + 0.5))
                                continue
                            }
                            let luma = 0.2126 * rv + 0.7152 * gv + 0.0722 * bv
                            r[x] = Sample(truncatingIfNeeded: Int32(min(top, max(0, luma + sat * (rv - luma))) + 0.5))
                            g[x] = Sample(truncatingIfNeeded: Int32(min(top, max(0, luma + sat * (gv - luma))) + 0.5))
                            b[x] = Sample(truncatingIfNeeded: Int32(min(top, max(0, luma + sat * (bv - luma))) + 0.5))
                        }
                    }
                }
            }
        }
    }
}
