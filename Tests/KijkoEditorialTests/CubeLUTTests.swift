import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
import KijkoMedia
@testable import KijkoEditorial

/// `.cube` LUTs: the reader (Adobe 3D and 1D, Resolve's shaper and cube, errors naming their
/// line), the grader against the reference interpolation on every 8- and 10-bit code value and
/// against FFmpeg's own tetrahedral `lut3d`, and the render grading every clip by `--lut`.
@Suite struct CubeLUTTests {
    /// A look with channel crosstalk and a curve (red above 1 where it is bright, to be clamped).
    static func look(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
        (pow(min(1, 0.85 * r + 0.15 * g), 0.9) + 0.03, 0.1 * r + 0.8 * g + 0.1 * b, 0.9 * b.squareRoot() + 0.05 * r)
    }

    /// The look sampled as a `.cube` of `points` a side (red fastest), with what goes before the table.
    static func cube(points: Int, header: String = "", _ f: (Double, Double, Double) -> (Double, Double, Double) = look) -> String {
        var text = "# made by a test\nTITLE \"test look\"\n\(header)LUT_3D_SIZE \(points)\n"
        let n = Double(points - 1)
        for b in 0..<points {
            for g in 0..<points {
                for r in 0..<points {
                    let v = f(Double(r) / n, Double(g) / n, Double(b) / n)
                    text += String(format: "%.6f %.6f %.6f\n", v.0, v.1, v.2)
                }
            }
        }
        return text
    }

    @Test func theReaderTakesAdobeAndResolveLUTs() throws {
        let lut = try CubeLUT.parse(Data(Self.cube(points: 5).utf8), file: "look.cube")
        #expect(lut.title == "test look" && lut.points == 5 && lut.shaper == nil && lut.cube?.values.count == 375)
        // On the lattice's own points the LUT gives its entries; the domain holds inputs at its edges.
        let corner = lut.apply((0.25, 0.5, 1))
        let want = Self.look(0.25, 0.5, 1)
        #expect(abs(corner.0 - want.0) < 1e-5 && abs(corner.1 - want.1) < 1e-5 && abs(corner.2 - want.2) < 1e-5)
        let domain = try CubeLUT.parse(Data(Self.cube(points: 3, header: "DOMAIN_MIN 0 0 0\nDOMAIN_MAX 2 2 2\n", { ($0, $1, $2) }).utf8), file: "d.cube")
        #expect(abs(domain.apply((0.5, 0.5, 0.5)).0 - 0.25) < 1e-6 && domain.apply((3, 3, 3)).0 == 1)
        // A 1D LUT (x²), and Resolve's shaper (x²) before an identity cube: the same curve.
        var oneD = "LUT_1D_SIZE 33\n"
        for i in 0...32 { let x = Double(i) / 32; oneD += "\(x * x) \(x * x) \(x * x)\n" }
        let curve = try CubeLUT.parse(Data(oneD.utf8), file: "curve.cube")
        #expect(curve.cube == nil && abs(curve.apply((0.5, 0.75, 0.1)).1 - 0.5625) < 1e-6)
        let identity9 = Self.cube(points: 9, { ($0, $1, $2) }).components(separatedBy: "LUT_3D_SIZE 9\n")[1]
        let shaped = "LUT_1D_SIZE 33\nLUT_1D_INPUT_RANGE 0 1\nLUT_3D_SIZE 9\nLUT_3D_INPUT_RANGE 0 1\n"
            + oneD.replacingOccurrences(of: "LUT_1D_SIZE 33\n", with: "") + identity9
        let resolve = try CubeLUT.parse(Data(shaped.utf8), file: "resolve.cube")
        #expect(resolve.shaper?.size == 33 && resolve.points == 9)
        for x in stride(from: 0.0, through: 1, by: 0.05) {
            #expect(abs(resolve.apply((x, x, x)).0 - x * x) < 0.001, "shaper at \(x)")
        }
    }

    @Test func aMalformedLUTIsRefusedNamingItsLine() {
        let good = Self.cube(points: 2)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "LUT_3D_SIZE 2", with: "LUT_3D_SIZE 300"), "bad.cube:3: LUT_3D_SIZE needs a whole number 2–256, got 300"),
            (good.replacingOccurrences(of: "LUT_3D_SIZE 2", with: "LUT_3D_SIZE 3"), "bad.cube:11: the table ends after 8 entries of its 27 3D (3³) entries"),
            (good + "0.5 0.5 0.5\n", "bad.cube:12: an entry past the table's 8 3D (2³) entries"),
            (good.replacingOccurrences(of: "TITLE", with: "LUT_IN_VIDEO_RANGE\nTITLE"), "bad.cube:2: unknown keyword LUT_IN_VIDEO_RANGE"),
            (good + "DOMAIN_MIN 0 0 0\n", "bad.cube:12: DOMAIN_MIN after the table's entries"),
            (good.replacingOccurrences(of: "TITLE \"test look\"", with: "DOMAIN_MAX 1 1 one"), "bad.cube:2: DOMAIN_MAX needs 3 numbers within ±1e6, got 1 1 one"),
            (good.replacingOccurrences(of: "TITLE \"test look\"", with: "DOMAIN_MIN 0 1 0"), "bad.cube: DOMAIN_MIN 1.0 is not below DOMAIN_MAX 1.0 for green"),
            ("# nothing\n0 0 0\n", "bad.cube:2: an entry before LUT_1D_SIZE or LUT_3D_SIZE"),
            ("TITLE \"x\"\n", "bad.cube: no LUT_1D_SIZE or LUT_3D_SIZE"),
            (good.replacingOccurrences(of: "\n0.030000 0.000000 0.000000", with: "\n0.03 nan 0"), "bad.cube:4: an entry needs 3 numbers within ±1e6, got 0.03 nan 0"),
            (good.replacingOccurrences(of: "LUT_3D_SIZE 2", with: "LUT_3D_SIZE 2\nLUT_3D_SIZE 2"), "bad.cube:4: LUT_3D_SIZE is given twice"),
            (good.replacingOccurrences(of: "\n0.030000 0.000000 0.000000", with: "\n0.03 1e39 0"), "bad.cube:4: an entry needs 3 numbers within ±1e6"),
            (good.replacingOccurrences(of: "TITLE \"test look\"", with: "LUT_WITH_A_VERY_LONG_NAME_" + String(repeating: "X", count: 200) + "\u{7}"),
             "bad.cube:2: unknown keyword LUT_WITH_A_VERY_LONG_NAME_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX…: not a .cube LUT"),
            ("LUT_3D_SIZE 2\n\u{0}", "bad.cube: not UTF-8 text"),
            (good.replacingOccurrences(of: "\n0.030000 0.000000 0.000000", with: "\n0.03 0"), "bad.cube:4: an entry needs 3 numbers within ±1e6, got 0.03 0"),
        ]
        for (text, wanted) in cases {
            do {
                _ = try CubeLUT.parse(Data(text.utf8), file: "bad.cube")
                Issue.record("accepted: \(wanted)")
            } catch {
                #expect(error.description.hasPrefix(wanted), "\(error) — wanted \(wanted)")
            }
        }
        #expect(throws: FileProblem.self) { _ = try CubeLUT.read(path: "/nonexistent/show.cube") }
    }

    /// Every code value of each channel (the three channels differ in each pixel, so the points
    /// fall in every tetrahedron) through a 17-point LUT: within half a code value of the reference.
    /// The look as each kind of LUT: a 17-point cube; a cube over a wider domain; a 1D curve; Resolve's shaper before a cube.
    static func lut(_ kind: String) throws -> CubeLUT {
        var curve = ""
        for i in 0...32 { let x = Double(i) / 32; curve += "\(x * x) \(x.squareRoot()) \(x)\n" }
        let text: String
        switch kind {
        case "domain": text = cube(points: 17, header: "DOMAIN_MIN -0.1 0 0\nDOMAIN_MAX 1.2 1 1.5\n")
        case "1d": text = "LUT_1D_SIZE 33\n" + curve
        case "shaper":
            text = "LUT_1D_SIZE 33\nLUT_3D_SIZE 17\n" + curve + cube(points: 17).components(separatedBy: "LUT_3D_SIZE 17\n")[1]
        default: text = cube(points: 17)
        }
        return try CubeLUT.parse(Data(text.utf8), file: "\(kind).cube")
    }

    @Test(arguments: [(8, "cube"), (10, "cube"), (10, "domain"), (10, "1d"), (10, "shaper"), (8, "shaper")])
    func theGraderFollowsTheReferenceOnRamps(bits: Int, kind: String) throws {
        let lut = try Self.lut(kind)
        let top = (1 << bits) - 1
        let ramp = try ColourGradeTests.picture("color=c=black:s=\(top + 1)x2,format=\(bits == 8 ? "gbrp" : "gbrp10le"),geq=r='X':g='\(top)-X':b='mod(X*7\\,\(top + 1))'")
        let graded = try ColourGrader(lut: lut).grade(ramp)
        let before = ColourGradeTests.rgb(ramp, bytes: bits == 8 ? 1 : 2), after = ColourGradeTests.rgb(graded, bytes: bits == 8 ? 1 : 2)
        var worst = 0.0
        let t = Double(top)
        for (input, output) in zip(before, after) {
            let want = lut.apply((Double(input.0) / t, Double(input.1) / t, Double(input.2) / t))
            worst = max(worst, abs(Double(output.0) - want.0 * t), abs(Double(output.1) - want.1 * t), abs(Double(output.2) - want.2 * t))
        }
        #expect(worst <= 0.51, "worst \(worst) code values off the reference at \(bits) bits, \(kind)")
    }

    /// The same picture through FFmpeg's `lut3d` (tetrahedral, computed in float; it truncates
    /// where Kijko rounds): within one code value at 10 bits. A wrong tetrahedron would be tens off.
    @Test func theGraderAgreesWithFFmpegsLut3d() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-lut-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.cube(points: 33).write(toFile: folder + "/look.cube", atomically: true, encoding: .utf8)
        // 64 rows: graded in bands, one per core; every row compared.
        let source = "color=c=black:s=1024x64,format=gbrp10le,geq=r='X':g='1023-X':b='mod(X*7+Y*13\\,1024)'"
        let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-frames:v", "1",
                                              "-vf", "lut3d=file=\(folder)/look.cube:interp=tetrahedral", "-f", "rawvideo", "-pix_fmt", "gbrp10le",
                                              folder + "/ffmpeg.raw"])
        try #require(made.status == 0, "\(made.stderr)")
        let raw = try Data(contentsOf: URL(fileURLWithPath: folder + "/ffmpeg.raw"))
        let plane = 1024 * 64 * 2
        try #require(raw.count == plane * 3)
        let graded = try ColourGrader(lut: try CubeLUT.read(path: folder + "/look.cube")).grade(try ColourGradeTests.picture(source))
        // rawvideo gbrp10le: the G plane, then B, then R.
        func theirs(_ p: Int, _ x: Int, _ y: Int) -> Int { Int(raw[p * plane + y * 2048 + 2 * x]) | Int(raw[p * plane + y * 2048 + 2 * x + 1]) << 8 }
        func ours(_ p: Int, _ x: Int, _ y: Int) -> Int { Int(UnsafeRawPointer(graded.data(p)! + y * graded.lineSize(p)).load(fromByteOffset: 2 * x, as: UInt16.self)) }
        var worst = 0
        for y in 0..<64 {
            for x in 0..<1024 {
                for p in 0..<3 { worst = max(worst, abs(ours(p, x, y) - theirs(p, x, y))) }
            }
        }
        #expect(worst <= 1, "worst \(worst) code values from ffmpeg's lut3d")
    }

    /// An identity LUT leaves a 10-bit YUV picture as it was, within a code value of the round trip
    /// through RGB (a smooth picture: 4:2:2 chroma goes to 4:4:4 and back, which softens hard colour edges; colours outside R′G′B′ would be clipped).
    @Test func anIdentityLUTChangesNothing() throws {
        let lut = try CubeLUT.parse(Data(Self.cube(points: 33, { ($0, $1, $2) }).utf8), file: "identity.cube")
        let source = try ColourGradeTests.picture("color=c=black:s=64x36,format=yuv422p10le,geq=lum='250+X*7':cb='500+X/3+Y/4':cr='530-X/4',setparams=colorspace=bt709:range=tv")
        let graded = try ColourGrader(lut: lut).grade(source)
        #expect(graded.pixelFormat == source.pixelFormat)
        var worst = 0
        for plane in 0..<3 {
            let width = plane == 0 ? 64 : 32
            for y in 0..<36 {
                let a = UnsafeRawPointer(source.data(plane)! + y * source.lineSize(plane)), b = UnsafeRawPointer(graded.data(plane)! + y * graded.lineSize(plane))
                for x in 0..<width {
                    worst = max(worst, abs(Int(a.load(fromByteOffset: 2 * x, as: UInt16.self)) - Int(b.load(fromByteOffset: 2 * x, as: UInt16.self))))
                }
            }
        }
        #expect(worst <= 1, "an identity LUT moved a sample \(worst) code values")
    }

    /// `--lut` grades every clip after its own CDL: event 1 (an EDL CDL) by the CDL then the LUT,
    /// event 2 by the LUT alone; measured on flat 10-bit patches through ProRes. A malformed LUT
    /// stops the render before anything is written, naming its line.
    @Test func theRenderGradesEveryClipByTheLUT() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-lutrender-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (reel, colour) in [("A", "0x7a5c40"), ("B", "0x406a8c")] {
            let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=\(colour):s=320x180:r=25:d=2",
                                                  "-vf", "format=yuv444p10le", "-color_primaries", "bt709", "-color_trc", "bt709",
                                                  "-colorspace", "bt709", "-color_range", "tv", "-c:v", "ffv1", "\(folder)/\(reel).mkv"])
            try #require(made.status == 0, "\(made.stderr)")
        }
        try Self.cube(points: 33).write(toFile: folder + "/look.cube", atomically: true, encoding: .utf8)
        try "LUT_3D_SIZE 2\n0 0 0\n".write(toFile: folder + "/bad.cube", atomically: true, encoding: .utf8)
        try """
            TITLE: lut
            FCM: NON-DROP FRAME
            001  A        V     C        00:00:00:00 00:00:01:00 10:00:00:00 10:00:01:00
            * ASC_SOP (1.2 1.0 0.8)(0.05 0.0 -0.02)(1.0 1.1 0.9)
            * ASC_SAT 0.8
            002  B        V     C        00:00:00:00 00:00:01:00 10:00:01:00 10:00:02:00

            """.write(toFile: folder + "/cut.edl", atomically: true, encoding: .utf8)
        func render(_ name: String, lut: String?) throws -> AssemblyService.Result {
            var request = AssemblyService.Request(source: .edl(folder + "/cut.edl"), media: [folder], output: folder + "/\(name).mov",
                                                  settings: RenderSettings(width: 320, height: 180, preset: .prores))
            request.lutFile = lut
            request.settings.applyCDL = lut != nil
            return try AssemblyService.perform(request)
        }
        let graded = try render("graded", lut: folder + "/look.cube")
        #expect(graded.render?.lut == folder + "/look.cube" && graded.render?.graded == ["001"])
        _ = try render("plain", lut: nil)   // neither the CDL nor a LUT
        let lut = try CubeLUT.read(path: folder + "/look.cube")
        let cdl = CDL(slope: [1.2, 1.0, 0.8], offset: [0.05, 0, -0.02], power: [1.0, 1.1, 0.9], saturation: 0.8)
        let source = [try ColourGradeTests.colour(folder + "/plain.mov", 12), try ColourGradeTests.colour(folder + "/plain.mov", 37)]
        let wants = [lut.apply(cdl.apply(source[0])), lut.apply(source[1])]
        for (i, want) in wants.enumerated() {
            let got = try ColourGradeTests.colour(folder + "/graded.mov", 12 + 25 * i)
            for (w, g) in [(want.0, got.0), (want.1, got.1), (want.2, got.2)] {
                #expect(abs(w - g) * 1023 <= 2, "event \(i + 1): want \(want), got \(got) from \(source[i])")
            }
        }
        do { _ = try render("bad", lut: folder + "/bad.cube"); Issue.record("rendered with a malformed LUT") } catch {
            #expect("\(error)".hasPrefix(folder + "/bad.cube:2: the table ends after 1 entries"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/bad.mov"))
    }
}
