import Foundation
import KijkoTestSupport
import Testing
@testable import KijkoQC

/// Compression on real pictures: scikit-image's bundled photographs (`.build/real-pictures`,
/// fetched by `scripts/test`) turned into shots with camera moves by ffmpeg, encoded generously
/// and starved. H.264's deblocking filter smooths a starved picture's 8x8 steps into smear, so the
/// starved encode must be found whether or not it was deblocked, and the generous one stay clean.
///
/// | case | picture | move | encode | truth |
/// |---|---|---|---|---|
/// | coffee-pan | coffee.png (a cup on a table) scaled to 1280 wide | pan left to right over 4 s | x264 CRF 14 / 40 kb/s / 40 kb/s without deblocking / 10-bit CRF 23 / 10-bit 40 kb/s | clean / blockiness / blockiness / clean / blockiness |
/// | astronaut-zoom | astronaut.png | slow zoom in over 4 s | the same five | the same |
@Suite(.serialized) struct RealPictureCompressionTests {
    static let pictures = QCFixture.root.appendingPathComponent(".build/real-pictures").path
    static let folder: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-realpictures-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static let shots: [(name: String, picture: String, move: String)] = [
        ("coffee-pan", "coffee.png", "scale=1280:-2,crop=640:360:x='(iw-640)*t/4':y='(ih-360)/2'"),
        ("astronaut-zoom", "astronaut.png",
         "scale=1280:1280,crop=1280:720:0:160,zoompan=z='1+0.6*on/100':d=1:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':s=640x360:fps=25"),
    ]
    static let encodes: [(name: String, options: [String], starved: Bool)] = [
        ("generous", ["-crf", "14"], false),
        ("starved", ["-b:v", "40k"], true),
        ("starved-undeblocked", ["-b:v", "40k", "-x264-params", "no-deblock=1"], true),
        // 10-bit H.264 carries its quantiser 12 higher: read on the 8-bit scale, CRF 23 stays clean.
        ("generous-10bit", ["-crf", "23", "-pix_fmt", "yuv420p10le"], false),
        ("starved-10bit", ["-b:v", "40k", "-pix_fmt", "yuv420p10le"], true),
    ]

    static func make(_ shot: (name: String, picture: String, move: String), _ encode: (name: String, options: [String], starved: Bool)) throws -> String {
        let path = folder + "/\(shot.name)-\(encode.name).mp4"
        let run = try Program.run("ffmpeg", ["-v", "error", "-y", "-loop", "1", "-i", pictures + "/" + shot.picture,
                                             "-vf", shot.move + ",format=yuv420p", "-t", "4", "-r", "25",
                                             "-c:v", "libx264", "-preset", "fast"] + encode.options + [path])
        guard run.status == 0 else { throw PictureError(description: "ffmpeg: \(run.stderr)") }
        return path
    }

    struct PictureError: Error, CustomStringConvertible { var description: String }

    @Test(arguments: shots.map(\.name))
    func starvedEncodesAreFoundDeblockedOrNot(_ name: String) throws {
        try #require(FileManager.default.fileExists(atPath: Self.pictures + "/coffee.png"), "scikit-image's photographs (scripts/test fetches them)")
        let shot = Self.shots.first { $0.name == name }!
        for profileName in ["broadcast-ebu", "social"] {
            let profile = try QCProfile.named(profileName, in: QCFixture.profiles)
            for encode in Self.encodes {
                let report = try QCAuditor(file: try Self.make(shot, encode), profile: profile).run()
                let blocky = report.issues.filter { $0.check == "blockiness" }
                let what = "\(name) \(encode.name) (\(profileName)): \(blocky.map(\.message))"
                if encode.starved {
                    #expect(blocky.contains { $0.severity == .error && $0.message.contains("starved of bits") }, "\(what)")
                    #expect(blocky.reduce(0) { $0 + $1.end - $1.start } >= 2, "\(what)")
                    #expect(blocky.allSatisfy { $0.fix?.contains("higher bit rate") == true }, "\(what)")
                } else {
                    #expect(blocky.isEmpty, "\(what)")
                    #expect(report.issues.filter { $0.severity == .error }.isEmpty, "\(name) generous: \(report.issues.map(\.message))")
                }
            }
        }
    }
}
