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
    /// A 1D LUT's channel tables (R, G, B) by bit depth: input code value → output in code values.
    private var lutTables: [Int: [[Float]]] = [:]
    /// A cube's cell tables by bit depth.
    private var cellTables: [Int: CubeCells] = [:]

    /// Where each code value of each channel falls in a cube (the shaper applied): the lattice
    /// offset of its cell's near corner along that channel, and the fraction across the cell; and
    /// the lattice as SIMD entries (R, G, B, 0), so a corner is one load.
    struct CubeCells {
        var offset: [[Int32]]
        var fraction: [[Float]]
        var lattice: [SIMD4<Float>]
    }
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

    /// A 1D LUT's tables at `bits` bits: each code value's output in code values.
    func lutTables(_ lut: CubeLUT, bits: Int) -> [[Float]] {
        if let known = lutTables[bits] { return known }
        let top = Double((1 << bits) - 1)
        let made = (0..<3).map { c in
            (0...Int(top)).map { i in Float(min(1, max(0, lut.shaped(Double(i) / top, c))) * top) }
        }
        lutTables[bits] = made
        return made
    }

    /// A cube's cell tables at `bits` bits.
    func cells(_ lut: CubeLUT, _ cube: CubeLUT.Table, bits: Int) -> CubeCells {
        if let known = cellTables[bits] { return known }
        let top = Double((1 << bits) - 1), n = cube.size
        let strides = [1, n, n * n]
        var offset: [[Int32]] = [], fraction: [[Float]] = []
        for c in 0..<3 {
            var o: [Int32] = [], f: [Float] = []
            o.reserveCapacity(Int(top) + 1)
            f.reserveCapacity(Int(top) + 1)
            for i in 0...Int(top) {
                let p = cube.position(lut.shaped(Double(i) / top, c), c)
                let cell = min(Int(p), n - 2)
                o.append(Int32(cell * strides[c]))
                f.append(Float(p - Double(cell)))
            }
            offset.append(o)
            fraction.append(f)
        }
        let lattice = (0..<(n * n * n)).map { SIMD4<Float>(cube.values[3 * $0], cube.values[3 * $0 + 1], cube.values[3 * $0 + 2], 0) }
        let made = CubeCells(offset: offset, fraction: fraction, lattice: lattice)
        cellTables[bits] = made
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
            if let cube = lut.cube {
                let cells = cells(lut, cube, bits: bits)
                if bits == 8 { apply(cells, size: cube.size, to: rgb, as: UInt8.self, top: top) } else { apply(cells, size: cube.size, to: rgb, as: UInt16.self, top: top) }
            } else {
                let table = lutTables(lut, bits: bits)
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
                    nonisolated(unsafe) let tables = (rTable, gTable, bTable)
                    Self.inBands(rgb) { rows in
                    let (rTable, gTable, bTable) = tables
                    for y in rows {
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
    }

    /// Rows of `rgb` in bands, one per core (at most four), each band on its own thread.
    static func inBands(_ rgb: Frame, _ body: (Range<Int>) -> Void) {
        let height = rgb.height
        let bands = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount, height / 16))
        guard bands > 1 else { body(0..<height); return }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: bands) { band in
                work((height * band / bands)..<(height * (band + 1) / bands))
            }
        }
    }

    /// A 3D LUT, tetrahedrally, from the cube's cell tables. Outputs are rounded by adding 2²³ (a
    /// float's integer part is then its value, rounded to nearest): no checked conversion per sample.
    private func apply<Sample: FixedWidthInteger & UnsignedInteger>(_ cells: CubeCells, size n: Int, to rgb: Frame, as _: Sample.Type, top: Float) {
        let sr = 1, sg = n, sb = n * n, far = sr + sg + sb
        let last = cells.offset[0].count - 1
        let magic: Float = 8_388_608, scale = SIMD4<Float>(repeating: top)
        cells.lattice.withUnsafeBufferPointer { lattice in
        cells.offset[0].withUnsafeBufferPointer { oR in cells.offset[1].withUnsafeBufferPointer { oG in cells.offset[2].withUnsafeBufferPointer { oB in
        cells.fraction[0].withUnsafeBufferPointer { fR in cells.fraction[1].withUnsafeBufferPointer { fG in cells.fraction[2].withUnsafeBufferPointer { fB in
            nonisolated(unsafe) let tables = (lattice, oR, oG, oB, fR, fG, fB)
            Self.inBands(rgb) { rows in
                let (lattice, oR, oG, oB, fR, fG, fB) = tables
                for y in rows {
                    guard let (r, g, b) = Self.rows(rgb, y, as: Sample.self) else { return }
                    for x in 0..<rgb.width {
                        let ir = min(Int(r[x]), last), ig = min(Int(g[x]), last), ib = min(Int(b[x]), last)
                        let base = Int(oR[ir]) + Int(oG[ig]) + Int(oB[ib])
                        let dr = fR[ir], dg = fG[ig], db = fB[ib]
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
                        var v = w0 * lattice[base] + w1 * lattice[base + o1]
                        v += w2 * lattice[base + o2] + w3 * lattice[base + far]
                        v *= scale
                        // Clamped lane by lane (the generic SIMD clamp is a call per pixel), then rounded.
                        r[x] = Sample(truncatingIfNeeded: (min(max(v[0], 0), top) + magic).bitPattern &- 0x4B00_0000)
                        g[x] = Sample(truncatingIfNeeded: (min(max(v[1], 0), top) + magic).bitPattern &- 0x4B00_0000)
                        b[x] = Sample(truncatingIfNeeded: (min(max(v[2], 0), top) + magic).bitPattern &- 0x4B00_0000)
                    }
                }
            }
        } } }
        } } }
        }
    }
}
