import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
import KijkoMedia
@testable import KijkoEditorial

/// ASC CDL: the grader against the v1.2 formula on ramps (every 8-bit and every 10-bit code value
/// of each channel) and on a 10-bit YUV picture; the decisions an editor hands over (EDL
/// comments, `.ccc`/`.cdl`/`.cc` files, by `* ASC_CC_XML` or by clip name) applied by the render.
@Suite struct ColourGradeTests {
    static let look = CDL(slope: [1.2, 1.0, 0.8], offset: [0.05, 0, -0.02], power: [1.0, 1.1, 0.9], saturation: 0.8)

    /// A picture from a filter graph of sources (`color`, `geq`).
    static func picture(_ description: String) throws -> Frame {
        let graph = try FilterGraph(description)
        let frame = try Frame()
        try #require(try graph.pull(into: frame) == .frame)
        return frame
    }

    /// Samples of a planar RGB picture (any depth), as (R, G, B) code values, row 0.
    static func rgb(_ frame: Frame, bytes: Int) -> [(Int, Int, Int)] {
        (0..<frame.width).map { x in
            func at(_ plane: Int) -> Int {
                let row = frame.data(plane)!
                return bytes == 1 ? Int(row[x]) : Int(UnsafeRawPointer(row).load(fromByteOffset: 2 * x, as: UInt16.self))
            }
            return (at(2), at(0), at(1))
        }
    }

    /// R′G′B′ (0–1) at the middle of row 0 (x 160) of frame `n` of a render, through BT.709.
    static func colour(_ path: String, _ n: Int) throws -> (Double, Double, Double) {
        let reader = try FrameReader(path: path)
        try reader.seek(toFrame: n)
        let frame = try Frame()
        try #require(try reader.next(into: frame))
        let graph = try FilterGraph("[in]scale=in_color_matrix=bt709:in_range=tv,format=gbrp16le[out]", inputs: ["in": reader.frameFormat])
        try graph.push(frame)
        let picture = try Frame()
        _ = try graph.pull(into: picture)
        let p = rgb(picture, bytes: 2)[160]
        return (Double(p.0) / 65_535, Double(p.1) / 65_535, Double(p.2) / 65_535)
    }

    /// Every code value of each channel, through the grader, within one code value of the formula
    /// (8-bit gbrp: 256 values; 10-bit gbrp10: 1024) — the channels differ in each pixel, so
    /// saturation mixes real colours.
    static let vivid = CDL(slope: [0.9, 1.1, 1.0], offset: [0.02, -0.01, 0], power: [1.2, 1.0, 0.8], saturation: 1.5)

    @Test(arguments: [(8, 255, false), (10, 1023, false), (8, 255, true), (10, 1023, true)])
    func theGraderFollowsTheFormulaOnRamps(bits: Int, top: Int, saturated: Bool) throws {
        let look = saturated ? Self.vivid : Self.look
        let format = bits == 8 ? "gbrp" : "gbrp10le"
        let ramp = try Self.picture("color=c=black:s=\(top + 1)x2,format=\(format),geq=r='X':g='\(top)-X':b='mod(X*7\\,\(top + 1))'")
        let graded = try ColourGrader(cdl: look).grade(ramp)
        #expect(graded.pixelFormat == ramp.pixelFormat && graded.width == ramp.width)
        let before = Self.rgb(ramp, bytes: bits == 8 ? 1 : 2), after = Self.rgb(graded, bytes: bits == 8 ? 1 : 2)
        var worst = 0.0
        for (input, output) in zip(before, after) {
            let t = Double(top)
            let want = look.apply((Double(input.0) / t, Double(input.1) / t, Double(input.2) / t))
            worst = max(worst, abs(Double(output.0) - want.0 * t), abs(Double(output.1) - want.1 * t), abs(Double(output.2) - want.2 * t))
        }
        // One rounding of the formula's value: within half a code value (and float error).
        #expect(worst <= 0.51, "worst \(worst) code values off the formula at \(bits) bits, saturation \(look.saturation)")
        // No banding on a 10-bit grey ramp: each channel rises steadily, and the green (slope 1,
        // power 1.1) keeps nearly every one of the 1,024 levels.
        if bits == 10 && !saturated {
            let grey = try Self.picture("color=c=black:s=1024x2,format=gbrp10le,geq=r='X':g='X':b='X'")
            let out = Self.rgb(try ColourGrader(cdl: Self.look).grade(grey), bytes: 2)
            for channel in [out.map(\.0), out.map(\.1), out.map(\.2)] {
                #expect(zip(channel, channel.dropFirst()).allSatisfy { $1 >= $0 && $1 - $0 <= 3 }, "\(channel.prefix(40))")
            }
            #expect(Set(out.map(\.1)).count >= 950, "green keeps \(Set(out.map(\.1)).count) of 1024 levels")
        }
    }

    /// A 10-bit YUV picture tagged BT.709 (as a camera's): graded in RGB and returned in its own
    /// format and tags; measured back through the same matrix, it follows the formula.
    @Test func aYUVPictureIsGradedInItsOwnMatrix() throws {
        let source = try Self.picture("color=c=0x7a5c40:s=64x16,format=yuv444p10le,setparams=colorspace=bt709:range=tv:color_primaries=bt709:color_trc=bt709")
        let graded = try ColourGrader(cdl: Self.look).grade(source)
        #expect(graded.pixelFormat == source.pixelFormat && graded.colour == source.colour)
        func measured(_ frame: Frame) throws -> (Double, Double, Double) {
            let graph = try FilterGraph("[in]scale=in_color_matrix=bt709:in_range=tv,format=gbrp16le[out]",
                                        inputs: ["in": .video(width: frame.width, height: frame.height, pixelFormat: frame.pixelFormat,
                                                              timeBase: Rational(1, 25), sampleAspectRatio: Rational(1, 1))])
            try graph.push(try frame.reference())
            let rgb = try Frame()
            _ = try graph.pull(into: rgb)
            let p = Self.rgb(rgb, bytes: 2)[32]
            return (Double(p.0) / 65_535, Double(p.1) / 65_535, Double(p.2) / 65_535)
        }
        let want = Self.look.apply(try measured(source)), got = try measured(graded)
        for (w, g) in [(want.0, got.0), (want.1, got.1), (want.2, got.2)] {
            #expect(abs(w - g) * 1023 <= 1.5, "want \(want), got \(got)")
        }
    }

    @Test func identityAndBadNumbers() throws {
        let identity = CDL(slope: [1, 1, 1], offset: [0, 0, 0], power: [1, 1, 1], saturation: 1)
        #expect(identity.isIdentity && Self.look.problem == nil)
        for bad in [CDL(slope: [1, 1], offset: [0, 0, 0], power: [1, 1, 1], saturation: 1),
                    CDL(slope: [1, 1, 1], offset: [0, 0, 0], power: [1, 0, 1], saturation: 1),
                    CDL(slope: [1, .nan, 1], offset: [0, 0, 0], power: [1, 1, 1], saturation: 1),
                    CDL(slope: [1, 1, 1], offset: [0, 0, 0], power: [1, 1, 1], saturation: -1)] {
            #expect(bad.problem != nil, "\(bad)")
            #expect(throws: MediaError.self) { _ = try ColourGrader(cdl: bad) }
        }
    }

    static let collection = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ColorCorrectionCollection xmlns="urn:ASC:CDL:v1.2">
          <ColorCorrection id="look_b">
            <SOPNode>
              <Slope>0.9 1.0 1.1</Slope>
              <Offset>0.0 0.01 0.0</Offset>
              <Power>1.0 1.0 1.2</Power>
            </SOPNode>
            <SatNode><Saturation>1.2</Saturation></SatNode>
          </ColorCorrection>
          <ColorCorrection id="C">
            <SatNode><Saturation>0</Saturation></SatNode>
          </ColorCorrection>
        </ColorCorrectionCollection>
        """

    @Test func cdlFilesAreReadByIdAndRefusedWithTheirLine() throws {
        let read = try CDLFile.parse(Data(Self.collection.utf8), file: "show.ccc")
        #expect(read["look_b"] == ColorDecision(slope: [0.9, 1, 1.1], offset: [0, 0.01, 0], power: [1, 1, 1.2], saturation: 1.2))
        #expect(read["C"] == ColorDecision(saturation: 0))
        let list = "<ColorDecisionList><ColorDecision><ColorCorrection id=\"a\"><SOPNode><Slope>1 1 1</Slope></SOPNode></ColorCorrection></ColorDecision></ColorDecisionList>"
        #expect(try CDLFile.parse(Data(list.utf8), file: "x.cdl").keys.sorted() == ["a"])
        let single = "<ColorCorrection><SOPNode><Offset>0.1 0.1 0.1</Offset></SOPNode></ColorCorrection>"
        #expect(try CDLFile.parse(Data(single.utf8), file: "/grades/shot_7.cc")["shot_7"]?.offset == [0.1, 0.1, 0.1])
        let cases: [(String, String)] = [
            (Self.collection.replacingOccurrences(of: "0.9 1.0 1.1", with: "0.9 one 1.1"), "show.ccc:5: Slope needs three numbers, got 0.9 one 1.1"),
            (Self.collection.replacingOccurrences(of: "1.0 1.0 1.2", with: "1.0 1.0"), "show.ccc:7: Power needs three numbers"),
            (Self.collection.replacingOccurrences(of: "id=\"C\"", with: "id=\"look_b\""), "ColorCorrection id look_b is given twice"),
            ("<ColorCorrection", "show.ccc:1:"), ("<Other/>", "not an ASC CDL file"),
            ("<ColorCorrectionCollection>\n<ColorCorrection id=\"a\">\n<ColorCorrection id=\"b\"/>\n</ColorCorrection>\n</ColorCorrectionCollection>",
             "show.ccc:3: a ColorCorrection inside another"),
            ("<ColorCorrectionCollection>\n<Slope>1 1 1</Slope>\n</ColorCorrectionCollection>", "show.ccc:2: Slope outside a ColorCorrection"),
            ("<ColorDecisionList>\n<ColorDecision>\n<ColorCorrectionRef ref=\"x\"/>\n</ColorDecision>\n</ColorDecisionList>",
             "show.ccc:3: ColorCorrectionRef x"),
        ]
        // Bytes that are not UTF-8 in an element's name (FoundationXML traps on them): refused first.
        let bytes = Data("<?xml \">\n<Col".utf8) + Data([0xFF, 0xFF]) + Data("orCorrection/>".utf8)
        #expect(throws: CDLFile.Problem(file: "show.ccc", line: 2, message: "not UTF-8 text")) {
            _ = try CDLFile.parse(bytes, file: "show.ccc")
        }
        for (text, wanted) in cases {
            do {
                _ = try CDLFile.parse(Data(text.utf8), file: "show.ccc")
                Issue.record("accepted: \(wanted)")
            } catch {
                #expect(error.description.contains(wanted), "\(error) — wanted \(wanted)")
            }
        }
    }

    /// An EDL's own `* ASC_SOP`/`* ASC_SAT` grade its event, `* ASC_CC_XML` takes the id from a
    /// `.ccc`, a clip named like an id takes it, and the report lists the graded events; the same
    /// EDL with `applyCDL` off renders the sources untouched. Measured on flat 10-bit patches.
    @Test func theRenderAppliesTheEDLsAndTheFilesDecisions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-cdl-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (reel, colour) in [("A", "0x7a5c40"), ("B", "0x406a8c"), ("C", "0xb04a3c")] {
            let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=\(colour):s=320x180:r=25:d=2",
                                                  "-vf", "format=yuv444p10le", "-color_primaries", "bt709", "-color_trc", "bt709",
                                                  "-colorspace", "bt709", "-color_range", "tv", "-c:v", "ffv1", "\(folder)/\(reel).mkv"])
            try #require(made.status == 0, "\(made.stderr)")
        }
        try Self.collection.write(toFile: folder + "/show.ccc", atomically: true, encoding: .utf8)
        let edl = """
            TITLE: graded
            FCM: NON-DROP FRAME
            001  A        V     C        00:00:00:00 00:00:01:00 10:00:00:00 10:00:01:00
            * ASC_SOP (1.2 1.0 0.8)(0.05 0.0 -0.02)(1.0 1.1 0.9)
            * ASC_SAT 0.8
            002  B        V     C        00:00:00:00 00:00:01:00 10:00:01:00 10:00:02:00
            * ASC_CC_XML look_b
            003  C        V     C        00:00:00:00 00:00:01:00 10:00:02:00 10:00:03:00

            """
        try edl.write(toFile: folder + "/cut.edl", atomically: true, encoding: .utf8)
        func render(_ name: String, cdl: Bool, files: [String]) throws -> AssemblyService.Result {
            var request = AssemblyService.Request(source: .edl(folder + "/cut.edl"), media: [folder], output: folder + "/\(name).mov",
                                                  settings: RenderSettings(width: 320, height: 180, preset: .prores))
            request.settings.applyCDL = cdl
            request.cdlFiles = files
            return try AssemblyService.perform(request)
        }
        let graded = try render("graded", cdl: true, files: [folder + "/show.ccc"])
        #expect(graded.render?.graded == ["001", "002", "003"], "\(String(describing: graded.render?.graded))")
        // The report says where the time went: grading took some, and none when nothing is graded.
        #expect(graded.render?.timing.map { $0.total > 0 && $0.grade > 0 && $0.picture >= 0 } == true, "\(String(describing: graded.render?.timing))")
        let plain = try render("plain", cdl: false, files: [folder + "/show.ccc"])
        #expect(plain.render?.graded == [])
        #expect(plain.render?.timing?.grade == 0)
        let decisions: [CDL] = [Self.look, ColorDecision(slope: [0.9, 1, 1.1], offset: [0, 0.01, 0], power: [1, 1, 1.2], saturation: 1.2),
                                             ColorDecision(saturation: 0)]
        for (i, decision) in decisions.enumerated() {
            let source = try Self.colour(folder + "/plain.mov", 12 + 25 * i), result = try Self.colour(folder + "/graded.mov", 12 + 25 * i)
            let want = decision.apply(source)
            for (w, g) in [(want.0, result.0), (want.1, result.1), (want.2, result.2)] {
                // ProRes and 4:2:2 on a flat patch: within two 10-bit code values.
                #expect(abs(w - g) * 1023 <= 2, "event \(i + 1): want \(want), got \(result) from \(source)")
            }
        }
        // A named correction no file has is an error naming the event; with no file, it says to give one.
        try edl.replacingOccurrences(of: "look_b", with: "look_z").write(toFile: folder + "/cut.edl", atomically: true, encoding: .utf8)
        #expect(throws: ServiceError.self) { _ = try render("missing", cdl: true, files: [folder + "/show.ccc"]) }
        do { _ = try render("none", cdl: true, files: []); Issue.record("rendered without the CDL file") } catch {
            #expect("\(error)".contains("event 002 names ASC_CC_XML look_z") && "\(error)".contains("cut.edl") && "\(error)".contains("--cdl"), "\(error)")
        }
    }
}
