/// The frame number as a code strip in the picture: 3 rows of 8 cells at the top centre, bits of
/// the frame number (16, most significant first) then a check byte. Cells are light (Y 220) for 1
/// and dark (Y 32) for 0 — legal levels — and large enough (height/27) to survive compression and
/// scaling. ``read(_:)`` returns nil when the strip is absent or damaged.
public enum FrameStamp {
    static let columns = 8
    static let rows = 3

    /// Cell size in pixels for a picture `height` pixels tall.
    public static func cellSize(height: Int) -> Int { max(4, (height / 27) & ~1) }

    /// Where the strip lies inside a picture of the given size: x, y, cell size.
    static func layout(width: Int, height: Int) -> (x: Int, y: Int, cell: Int) {
        let cell = cellSize(height: height)
        return (((width - columns * cell) / 2) & ~1, (cell / 2) & ~1, cell)
    }

    static func bits(of number: Int) -> [Bool] {
        let n = UInt16(truncatingIfNeeded: number)
        let check = UInt8(truncatingIfNeeded: n) ^ UInt8(truncatingIfNeeded: n >> 8) ^ 0xA5
        return (0..<16).map { n & (1 << (15 - $0)) != 0 } + (0..<8).map { check & (1 << (7 - $0)) != 0 }
    }

    /// Writes `number` (0…65535) into `frame`, a planar YUV picture of 8 to 16 bits.
    public static func write(_ number: Int, into frame: Frame) throws(MediaError) {
        try frame.makeWritable()
        let format = frame.pixelFormat
        guard let depth = format.bitDepth, let luma = frame.data(0) else { return }
        let (x0, y0, cell) = layout(width: frame.width, height: frame.height)
        let shift = format.chromaShift
        let bytes = depth > 8 ? 2 : 1
        let mid = 128 << (depth - 8)
        for (i, bit) in bits(of: number).enumerated() {
            let cx = x0 + (i % columns) * cell, cy = y0 + (i / columns) * cell
            fill(luma, frame.lineSize(0), bytes, cx, cy, cell, cell, (bit ? 220 : 32) << (depth - 8))
            for plane in 1...2 {
                guard let chroma = frame.data(plane) else { continue }
                fill(chroma, frame.lineSize(plane), bytes, cx >> shift.x, cy >> shift.y,
                     cell >> shift.x, cell >> shift.y, mid)
            }
        }
    }

    /// Reads the number stamped in `frame`, or nil when there is none (or it fails its check).
    public static func read(_ frame: Frame) -> Int? {
        read(frame, region: (0, 0, frame.width, frame.height))
    }

    /// The mean level (8-bit scale) of each of the 24 cells: for checking blends, where a cell
    /// whose bit differs between two pictures sits between 32 and 220.
    public static func cellLevels(_ frame: Frame) -> [Int] {
        guard let depth = frame.pixelFormat.bitDepth, let luma = frame.data(0) else { return [] }
        let (lx, ly, cell) = layout(width: frame.width, height: frame.height)
        let bytes = depth > 8 ? 2 : 1
        let stride = frame.lineSize(0)
        let span = max(1, cell / 2)
        return (0..<(columns * rows)).map { i in
            let cx = lx + (i % columns) * cell + cell / 4, cy = ly + (i / columns) * cell + cell / 4
            var sum = 0
            for y in cy..<(cy + span) {
                let row = luma + y * stride
                for x in cx..<(cx + span) {
                    sum += bytes == 1 ? Int(row[x]) : Int(row[2 * x]) | Int(row[2 * x + 1]) << 8
                }
            }
            return (sum / (span * span)) >> (depth - 8)
        }
    }

    /// The 24 cell bits that stamp `number` (16 of the number, 8 of the check byte).
    public static func cellBits(_ number: Int) -> [Bool] { bits(of: number) }

    /// Reads the stamp of a picture that lies at `region` (x, y, width, height) inside `frame`,
    /// e.g. the fitted picture of a letterboxed output. `source` is the size the picture was
    /// stamped at, when known: the strip is then located exactly as scaled from it.
    public static func read(_ frame: Frame, region: (x: Int, y: Int, width: Int, height: Int),
                            source: (width: Int, height: Int)? = nil) -> Int? {
        guard let depth = frame.pixelFormat.bitDepth, let luma = frame.data(0) else { return nil }
        let stamped = source ?? (region.width, region.height)
        let (lx, ly, cell) = layout(width: stamped.width, height: stamped.height)
        let sx = Double(region.width) / Double(stamped.width), sy = Double(region.height) / Double(stamped.height)
        let bytes = depth > 8 ? 2 : 1
        let stride = frame.lineSize(0)
        let threshold = 126 << (depth - 8)
        // Average the inner half of each cell: edges smear under compression and scaling.
        let spanX = max(1, Int(Double(cell) * sx / 2)), spanY = max(1, Int(Double(cell) * sy / 2))
        var value = 0
        var check = 0
        for i in 0..<(columns * rows) {
            let cx = region.x + Int((Double(lx + (i % columns) * cell) + Double(cell) / 4) * sx)
            let cy = region.y + Int((Double(ly + (i / columns) * cell) + Double(cell) / 4) * sy)
            guard cx + spanX <= frame.width, cy + spanY <= frame.height, cx >= 0, cy >= 0 else { return nil }
            var sum = 0
            for y in cy..<(cy + spanY) {
                let row = luma + y * stride
                for x in cx..<(cx + spanX) {
                    sum += bytes == 1 ? Int(row[x]) : Int(row[2 * x]) | Int(row[2 * x + 1]) << 8
                }
            }
            let bit = sum / (spanX * spanY) > threshold ? 1 : 0
            if i < 16 { value = value << 1 | bit } else { check = check << 1 | bit }
        }
        let expected = (value & 0xFF) ^ (value >> 8) ^ 0xA5
        return check == expected ? value : nil
    }

    static func fill(_ base: UnsafeMutablePointer<UInt8>, _ stride: Int, _ bytes: Int,
                     _ x: Int, _ y: Int, _ w: Int, _ h: Int, _ value: Int) {
        for row in y..<(y + h) {
            let line = base + row * stride
            if bytes == 1 {
                (line + x).update(repeating: UInt8(value), count: w)
            } else {
                UnsafeMutableRawPointer(line + 2 * x).bindMemory(to: UInt16.self, capacity: w)
                    .update(repeating: UInt16(value).littleEndian, count: w)
            }
        }
    }
}
