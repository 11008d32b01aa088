public import Foundation
public import KijkoCore

/// A `.cube` LUT (Adobe/Resolve): a 3D table of `LUT_3D_SIZE`³ R′G′B′ entries (red changing
/// fastest) interpolated tetrahedrally, a 1D table of `LUT_1D_SIZE` entries per channel interpolated
/// linearly, or both (Resolve: the 1D table is a shaper applied first). Inputs outside a table's
/// domain (`DOMAIN_MIN`/`DOMAIN_MAX`, or Resolve's `LUT_1D_INPUT_RANGE`/`LUT_3D_INPUT_RANGE`) are held
/// at its edge; outputs are clamped to [0, 1]. An error names the file and line.
public struct CubeLUT: Sendable, Equatable {
    /// One table: its entries (R, G, B interleaved), points a side and input domain per channel.
    public struct Table: Sendable, Equatable {
        public internal(set) var size: Int
        public internal(set) var values: [Float]
        public internal(set) var domainMin: [Double]
        public internal(set) var domainMax: [Double]

        /// Whether its entries fill it: `size` per channel for a 1D table, `size`³ for a cube.
        func isWhole(cube: Bool) -> Bool { size >= 2 && values.count == 3 * (cube ? size * size * size : size) }

        /// Where normalised `v` of channel `c` falls in the table, in points [0, size − 1].
        func position(_ v: Double, _ c: Int) -> Double {
            let t = (v - domainMin[c]) / (domainMax[c] - domainMin[c])
            return min(1, max(0, t.isNaN ? 0 : t)) * Double(size - 1)
        }

        /// A 1D table's value of channel `c` at normalised `v`, interpolated linearly.
        func linear(_ v: Double, _ c: Int) -> Double {
            let p = position(v, c)
            let i = min(Int(p), size - 2)
            let f = p - Double(i)
            return Double(values[3 * i + c]) * (1 - f) + Double(values[3 * (i + 1) + c]) * f
        }
    }

    public internal(set) var title: String?
    /// The 1D table (a shaper when there is a 3D table too).
    public internal(set) var shaper: Table?
    public internal(set) var cube: Table?
    /// Where it was read from (for messages and reports).
    public internal(set) var file: String

    /// Entries and domain values are at most this large (a LUT's numbers are near [0, 1]; this keeps
    /// them finite in single precision, where the grader works).
    public static let largest = 1e6

    /// Reads `path`. - Throws: ``FileProblem`` naming the line and what is wrong.
    public static func read(path: String) throws(FileProblem) -> CubeLUT {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileProblem(file: path, line: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        return try parse(data, file: path)
    }

    /// Parses `.cube` text. - Throws: ``FileProblem`` naming the line and what is wrong.
    public static func parse(_ data: Data, file: String) throws(FileProblem) -> CubeLUT {
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw FileProblem(file: file, line: nil, message: "not UTF-8 text: not a .cube LUT")
        }
        /// A line's words as a message quotes them: at most 60 characters, control characters escaped.
        func quoted(_ words: some Sequence<Substring>) -> String {
            let text = words.joined(separator: " ")
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        }
        func fail(_ line: Int?, _ message: String) -> FileProblem { FileProblem(file: file, line: line, message: message) }
        var title: String?
        var size1D: Int?, size3D: Int?
        var domain: (min: [Double]?, max: [Double]?) = (nil, nil)
        var range1D: [Double]?, range3D: [Double]?
        var entries: [Float] = []
        var firstData: Int?
        var lineNumber = 0
        /// The last line with something on it (where a table that ends early ends).
        var lastLine = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines))
            if line.isEmpty || line.hasPrefix("#") { continue }
            lastLine = lineNumber
            if line.hasPrefix("TITLE") {
                guard firstData == nil else { throw fail(lineNumber, "TITLE after the table's entries: keywords come first") }
                title = line.dropFirst(5).trimmingCharacters(in: CharacterSet(charactersIn: " \t\""))
                continue
            }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = words.first else { continue }
            /// The numbers after the keyword (an entry: all the words).
            func values(_ count: Int, entry: Bool = false) throws(FileProblem) -> [Double] {
                let given = entry ? words[...] : words.dropFirst()
                let found = given.compactMap { Double($0) }
                guard given.count == count, found.count == count, found.allSatisfy({ $0.isFinite && abs($0) <= CubeLUT.largest }) else {
                    throw fail(lineNumber, "\(entry ? "an entry" : quoted([keyword])) needs \(count) numbers within ±1e6, got \(quoted(given))")
                }
                return found
            }
            if let first = keyword.first, first.isLetter {
                guard firstData == nil else { throw fail(lineNumber, "\(quoted([keyword])) after the table's entries: keywords come first") }
                switch keyword {
                case "LUT_1D_SIZE", "LUT_3D_SIZE":
                    let is3D = keyword == "LUT_3D_SIZE"
                    let top = is3D ? 256 : 65536
                    guard (is3D ? size3D : size1D) == nil else { throw fail(lineNumber, "\(keyword) is given twice") }
                    guard words.count == 2, let n = Int(words[1]), (2...top).contains(n) else {
                        throw fail(lineNumber, "\(keyword) needs a whole number 2–\(top), got \(quoted(words.dropFirst()))")
                    }
                    if is3D { size3D = n } else { size1D = n }
                case "DOMAIN_MIN": domain.min = try values(3)
                case "DOMAIN_MAX": domain.max = try values(3)
                case "LUT_1D_INPUT_RANGE": let v = try values(2); range1D = [v[0], v[0], v[0], v[1], v[1], v[1]]
                case "LUT_3D_INPUT_RANGE": let v = try values(2); range3D = [v[0], v[0], v[0], v[1], v[1], v[1]]
                default:
                    throw fail(lineNumber, "unknown keyword \(quoted([keyword])): not a .cube LUT this reader knows (Adobe or Resolve)")
                }
                continue
            }
            // An entry: three numbers.
            let entry = try values(3, entry: true)
            if firstData == nil {
                guard size1D != nil || size3D != nil else { throw fail(lineNumber, "an entry before LUT_1D_SIZE or LUT_3D_SIZE") }
                firstData = lineNumber
                entries.reserveCapacity(min(3 * ((size1D ?? 0) + (size3D ?? 0) * (size3D ?? 0) * (size3D ?? 0)), 1 << 24))
            }
            guard entries.count < 3 * ((size1D ?? 0) + (size3D ?? 0) * (size3D ?? 0) * (size3D ?? 0)) else {
                throw fail(lineNumber, "an entry past the table's \(expected(size1D, size3D))")
            }
            entries += entry.map(Float.init)
        }
        guard size1D != nil || size3D != nil else { throw fail(nil, "no LUT_1D_SIZE or LUT_3D_SIZE: not a .cube LUT") }
        let want = 3 * ((size1D ?? 0) + (size3D ?? 0) * (size3D ?? 0) * (size3D ?? 0))
        guard entries.count == want else {
            throw fail(lastLine, "the table ends after \(entries.count / 3) entries of its \(expected(size1D, size3D))")
        }
        // DOMAIN_MIN/MAX is the input's domain: the first table's, unless Resolve's range names it.
        let given = (domain.min ?? [0, 0, 0]) + (domain.max ?? [1, 1, 1])
        for c in 0..<3 where given[c] >= given[c + 3] {
            throw fail(nil, "DOMAIN_MIN \(given[c]) is not below DOMAIN_MAX \(given[c + 3]) for \(["red", "green", "blue"][c])")
        }
        for (name, range) in [("LUT_1D_INPUT_RANGE", range1D), ("LUT_3D_INPUT_RANGE", range3D)] {
            if let range, range[0] >= range[3] { throw fail(nil, "\(name)'s minimum \(range[0]) is not below its maximum \(range[3])") }
        }
        var lut = CubeLUT(title: title, shaper: nil, cube: nil, file: file)
        var offset = 0
        if let n = size1D {
            let d = range1D ?? given
            lut.shaper = Table(size: n, values: Array(entries[0..<3 * n]), domainMin: Array(d[0..<3]), domainMax: Array(d[3..<6]))
            offset = 3 * n
        }
        if let n = size3D {
            let d = range3D ?? (size1D == nil || range1D != nil ? given : [0, 0, 0, 1, 1, 1])
            lut.cube = Table(size: n, values: Array(entries[offset...]), domainMin: Array(d[0..<3]), domainMax: Array(d[3..<6]))
        }
        return lut
    }

    private static func expected(_ size1D: Int?, _ size3D: Int?) -> String {
        [size1D.map { "\($0) 1D" }, size3D.map { "\($0 * $0 * $0) 3D (\($0)³)" }].compactMap { $0 }.joined(separator: " and ") + " entries"
    }

    /// The LUT on one normalised pixel: the shaper linearly, then the cube tetrahedrally, clamped to
    /// [0, 1] (the reference the grader is tested against).
    public func apply(_ rgb: (Double, Double, Double)) -> (Double, Double, Double) {
        var v = [shaped(rgb.0, 0), shaped(rgb.1, 1), shaped(rgb.2, 2)]
        if let cube {
            v = Self.tetrahedral(cube.values, size: cube.size, (cube.position(v[0], 0), cube.position(v[1], 1), cube.position(v[2], 2)))
        }
        let out = v.map { min(1, max(0, $0)) }
        return (out[0], out[1], out[2])
    }

    /// Normalised `v` of channel `c` through the shaper (as it is, without one).
    func shaped(_ v: Double, _ c: Int) -> Double { shaper.map { $0.linear(v, c) } ?? v }

    /// Tetrahedral interpolation of an RGB lattice (red fastest) at a position in points.
    static func tetrahedral(_ lattice: [Float], size n: Int, _ p: (Double, Double, Double)) -> [Double] {
        let ir = min(Int(p.0), n - 2), ig = min(Int(p.1), n - 2), ib = min(Int(p.2), n - 2)
        let dr = p.0 - Double(ir), dg = p.1 - Double(ig), db = p.2 - Double(ib)
        func at(_ r: Int, _ g: Int, _ b: Int, _ c: Int) -> Double { Double(lattice[3 * ((ib + b) * n * n + (ig + g) * n + ir + r) + c]) }
        return (0..<3).map { c in
            let c000 = at(0, 0, 0, c), c111 = at(1, 1, 1, c)
            if dr > dg {
                if dg > db { return (1 - dr) * c000 + (dr - dg) * at(1, 0, 0, c) + (dg - db) * at(1, 1, 0, c) + db * c111 }
                if dr > db { return (1 - dr) * c000 + (dr - db) * at(1, 0, 0, c) + (db - dg) * at(1, 0, 1, c) + dg * c111 }
                return (1 - db) * c000 + (db - dr) * at(0, 0, 1, c) + (dr - dg) * at(1, 0, 1, c) + dg * c111
            }
            if db > dg { return (1 - db) * c000 + (db - dg) * at(0, 0, 1, c) + (dg - dr) * at(0, 1, 1, c) + dr * c111 }
            if db > dr { return (1 - dg) * c000 + (dg - db) * at(0, 1, 0, c) + (db - dr) * at(0, 1, 1, c) + dr * c111 }
            return (1 - dg) * c000 + (dg - dr) * at(0, 1, 0, c) + (dr - db) * at(1, 1, 0, c) + db * c111
        }
    }

    /// The number of points a side of the cube (0 for a 1D LUT), for reports.
    public var points: Int { cube?.size ?? 0 }
}
