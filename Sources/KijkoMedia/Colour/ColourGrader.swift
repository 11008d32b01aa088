import Foundation

/// Grades pictures by an ASC CDL (``CDL``), then a `.cube` LUT (``CubeLUT``), either or both.
/// Planar RGB is graded at its own depth; another picture goes to 16-bit planar RGB through the
/// matrix and range it is tagged with (untagged: BT.709 from 720 lines up, else BT.601, limited
/// range), without dither, and back to its own format the same way (to an 8-bit format swscale's
/// ordered dither applies). Each step's value (the CDL's, then the LUT's) is rounded once, at the
/// picture's depth. One grader per grade; one thread at a time.
public final class ColourGrader {
    public let cdl: CDL?
    public let lut: CubeLUT?
    /// CDL channel tables (R, G, B) by bit depth: input code value → slope, offset and power, in code values (unrounded).
    private var cdlTables: [Int: [[Float]]] = [:]
    /// LUT channel tables (R, G, B) by bit depth: input code value → position in the cube, in points
    /// (the shaper applied); for a 1D LUT, the output in code values.
    private var lutTables: [Int: [[Float]]] = [:]
    /// The conversions to 16-bit RGB and back, by picture geometry, format and tags.
    private var graphs: [String: (to: FilterGraph, back: FilterGraph)] = [:]

    /// - Throws: ``MediaError`` (stage `.configure`) naming what is wrong with `cdl`.
    public init(cdl: CDL? = nil, lut: CubeLUT? = nil) throws(MediaError) {
        if let problem = cdl?.problem { throw MediaError(file: "ASC CDL", stage: .configure, reason: problem) }
        if let lut, lut.cube.map({ !$0.isWhole(cube: true) }) ?? false || lut.shaper.map({ !$0.isWhole(cube: false) }) ?? false || (lut.cube == nil && lut.shaper == nil) {
            throw MediaError(file: lut.file, stage: .configure, reason: "the LUT's tables are not whole")
        }
        self.cdl = cdl?.isIdentity == true ? nil : cdl
        self.lut = lut
    }

    /// Changes nothing.
    public var isIdentity: Bool { cdl == nil && lut == nil }

    /// The CDL's slope, offset and power of each channel at `bits` bits.
    func cdlTables(_ cdl: CDL, bits: Int) -> [[Float]] {
        if let known = cdlTables[bits] { return known }
        let top = Double((1 << bits) - 1)
        let made = (0..<3).map { c in (0...Int(top)).map { i in Float(cdl.sop(Double(i) / top, c) * top) } }
        cdlTables[bits] = made
        return made
    }

    /// The LUT's tables at `bits` bits: the cube position each code value falls at (shaper applied),
    /// or a 1D LUT's output in code values.
    func lutTables(_ lut: CubeLUT, bits: Int) -> [[Float]] {
        if let known = lutTables[bits] { return known }
        let top = Double((1 << bits) - 1)
        let made = (0..<3).map { c in
            (0...Int(top)).map { i in
                let v = lut.shaper.map { $0.linear(Double(i) / top, c) } ?? Double(i) / top
                if let cube = lut.cube { return Float(cube.position(v, c)) }
                return Float(min(1, max(0, v)) * top)
            }
        }
        lutTables[bits] = made
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

    /// The matrix and range `frame` goes to R′G′B′ by, as the scale filter names them: its tags;
    /// untagged, BT.709 from 720 lines up (else BT.601) and limited range.
    public static func matrixAndRange(of frame: Frame) -> (matrix: String, range: String) {
        let colour = frame.colour
        return (scaleMatrix(colour.matrixName) ?? (frame.height >= 720 ? "bt709" : "smpte170m"), colour.rangeName ?? "tv")
    }

    /// `frame` graded: a new frame of the same size and format, pts and colour tags kept.
    public func grade(_ frame: Frame) throws(MediaError) -> Frame {
        if isIdentity { return try frame.reference() }
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
        let (matrix, range) = Self.matrixAndRange(of: frame)
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
        guard let (toRGB, fromRGB) = graphs[key].map({ ($0.to, $0.back) }) else { throw MediaError(file: "grade", stage: .filter, reason: "no graph") }
        let pts = frame.pts
        let rgb = try Frame()
        try toRGB.push(try frame.reference())
        guard try toRGB.pull(into: rgb) == .frame else { throw MediaError(file: "grade", stage: .filter, reason: "no RGB picture") }
        try rgb.makeWritable()
        apply(to: rgb, bits: 16)
        try fromRGB.push(rgb)
        let out = try Frame()
        guard try fromRGB.pull(into: out) == .frame else { throw MediaError(file: "grade", stage: .filter, reason: "no graded picture") }
        out.pts = pts
        colour.apply(to: out.pointer)
        return out
    }

    /// The grade on a planar RGB picture of `bits` bits (G, B, R planes), in place.
    func apply(to rgb: Frame, bits: Int) {
        let top = Float((1 << bits) - 1)
        if let cdl {
            let table = cdlTables(cdl, bits: bits)
            if bits == 8 { apply(cdl, to: rgb, table, as: UInt8.self, top: top) } else { apply(cdl, to: rgb, table, as: UInt16.self, top: top) }
        }
        if let lut {
            let table = lutTables(lut, bits: bits)
            if let cube = lut.cube {
                if bits == 8 { apply(cube, to: rgb, table, as: UInt8.self, top: top) } else { apply(cube, to: rgb, table, as: UInt16.self, top: top) }
            } else {
                if bits == 8 { apply(CDL(), to: rgb, table, as: UInt8.self, top: top) } else { apply(CDL(), to: rgb, table, as: UInt16.self, top: top) }
            }
        }
    }

    /// The three planes of a planar RGB picture's row `y`, as R, G, B.
    private static func rows<Sample>(_ rgb: Frame, _ y: Int, as _: Sample.Type) -> (UnsafeMutablePointer<Sample>, UnsafeMutablePointer<Sample>, UnsafeMutablePointer<Sample>)? {
        guard let g = rgb.data(0), let b = rgb.data(1), let r = rgb.data(2) else { return nil }
        let width = rgb.width
        return (UnsafeMutableRawPointer(r + y * rgb.lineSize(2)).bindMemory(to: Sample.self, capacity: width),
                UnsafeMutableRawPointer(g + y * rgb.lineSize(0)).bindMemory(to: Sample.self, capacity: width),
                UnsafeMutableRawPointer(b + y * rgb.lineSize(1)).bindMemory(to: Sample.self, capacity: width))
    }

    /// Per-channel tables (code value → code value, unrounded), then `cdl`'s saturation (a 1D LUT: none).
    private func apply<Sample: FixedWidthInteger & UnsignedInteger>(_ cdl: CDL, to rgb: Frame, _ table: [[Float]], as _: Sample.Type, top: Float) {
        let sat = Float(cdl.saturation)
        let applySaturation = cdl.saturation != 1
        let last = table[0].count - 1   // a sample past the depth (a damaged picture) reads the top entry
        table[0].withUnsafeBufferPointer { rTable in
            table[1].withUnsafeBufferPointer { gTable in
                table[2].withUnsafeBufferPointer { bTable in
                    for y in 0..<rgb.height {
                        guard let (r, g, b) = Self.rows(rgb, y, as: Sample.self) else { return }
                        for x in 0..<rgb.width {
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

    /// A 3D LUT, tetrahedrally: `table` gives each code value's position in the cube.
    private func apply<Sample: FixedWidthInteger & UnsignedInteger>(_ cube: CubeLUT.Table, to rgb: Frame, _ table: [[Float]], as _: Sample.Type, top: Float) {
        let n = cube.size, edge = n - 2
        // Steps through the lattice (entries of three) along red, green and blue.
        let sr = 3, sg = 3 * n, sb = 3 * n * n
        let last = table[0].count - 1
        cube.values.withUnsafeBufferPointer { lattice in
            table[0].withUnsafeBufferPointer { rTable in
                table[1].withUnsafeBufferPointer { gTable in
                    table[2].withUnsafeBufferPointer { bTable in
                        for y in 0..<rgb.height {
                            guard let (r, g, b) = Self.rows(rgb, y, as: Sample.self) else { return }
                            for x in 0..<rgb.width {
                                let pr = rTable[min(Int(r[x]), last)], pg = gTable[min(Int(g[x]), last)], pb = bTable[min(Int(b[x]), last)]
                                let ir = min(Int(pr), edge), ig = min(Int(pg), edge), ib = min(Int(pb), edge)
                                let dr = pr - Float(ir), dg = pg - Float(ig), db = pb - Float(ib)
                                let base = ir * sr + ig * sg + ib * sb
                                // The tetrahedron the point is in: its two middle corners and four weights.
                                let o1: Int, o2: Int, w0: Float, w1: Float, w2: Float, w3: Float
                                if dr > dg {
                                    if dg > db { (o1, o2, w0, w1, w2, w3) = (sr, sr + sg, 1 - dr, dr - dg, dg - db, db) }
                                    else if dr > db { (o1, o2, w0, w1, w2, w3) = (sr, sr + sb, 1 - dr, dr - db, db - dg, dg) }
                                    else { (o1, o2, w0, w1, w2, w3) = (sb, sr + sb, 1 - db, db - dr, dr - dg, dg) }
                                } else {
                                    if db > dg { (o1, o2, w0, w1, w2, w3) = (sb, sg + sb, 1 - db, db - dg, dg - dr, dr) }
                                    else if db > dr { (o1, o2, w0, w1, w2, w3) = (sg, sg + sb, 1 - dg, dg - db, db - dr, dr) }
                                    else { (o1, o2, w0, w1, w2, w3) = (sg, sr + sg, 1 - dg, dg - dr, dr - db, db) }
                                }
                                let a = base, b1 = base + o1, b2 = base + o2, d = base + sr + sg + sb
                                let ro = w0 * lattice[a] + w1 * lattice[b1] + w2 * lattice[b2] + w3 * lattice[d]
                                let go = w0 * lattice[a + 1] + w1 * lattice[b1 + 1] + w2 * lattice[b2 + 1] + w3 * lattice[d + 1]
                                let bo = w0 * lattice[a + 2] + w1 * lattice[b1 + 2] + w2 * lattice[b2 + 2] + w3 * lattice[d + 2]
                                r[x] = Sample(truncatingIfNeeded: Int32(min(1, max(0, ro)) * top + 0.5))
                                g[x] = Sample(truncatingIfNeeded: Int32(min(1, max(0, go)) * top + 0.5))
                                b[x] = Sample(truncatingIfNeeded: Int32(min(1, max(0, bo)) * top + 0.5))
                            }
                        }
                    }
                }
            }
        }
    }
}
