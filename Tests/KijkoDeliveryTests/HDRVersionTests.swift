import Foundation
import KijkoTestSupport
import Testing
import KijkoCore
import KijkoMedia
import KijkoPresets
@testable import KijkoDelivery

/// HDR masters: a PQ BT.2020 master (a real photograph, HDR10 metadata) delivered to an SDR
/// preset is tone-mapped and tagged BT.709; to an HDR preset it keeps PQ and its mastering display
/// and light levels; an SDR master is never made HDR.
@Suite struct HDRVersionTests {
    /// The coffee photograph as a 1 s PQ BT.2020 HEVC master (its white at 100 cd/m²), with HDR10 metadata.
    static func pqMaster(in folder: String) throws -> String {
        let path = folder + "/pq-master.mp4"
        let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-i", RealShotsClip.picturesFolder + "/coffee.png",
            "-t", "1", "-r", "25", "-vf", "scale=640:360,setsar=1,format=gbrpf32le,zscale=tin=iec61966-2-1:pin=bt709:min=gbr:rin=pc:t=linear:p=bt2020:m=gbr:r=pc:npl=100,"
                + "zscale=tin=linear:pin=bt2020:min=gbr:rin=pc:t=smpte2084:p=bt2020:m=bt2020nc:r=tv:npl=100,format=yuv420p10le",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
            "log-level=none:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:hdr10=1:repeat-headers=1:"
                + "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400",
            "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-color_range", "tv", path])
        try #require(made.status == 0, "\(made.stderr)")
        return path
    }

    /// Mean absolute difference of the luma and chroma samples of the first frames of two files (8-bit yuv420p).
    static func difference(_ a: String, _ b: String) throws -> Double {
        func planes(_ path: String) throws -> [UInt8] {
            var out: [UInt8] = []
            try DeliveryFixture.eachFrame(path) { frame in
                guard out.isEmpty else { return }
                for plane in 0..<3 {
                    let w = plane == 0 ? frame.width : frame.width / 2, h = plane == 0 ? frame.height : frame.height / 2
                    for y in 0..<h { out += UnsafeBufferPointer(start: frame.data(plane)! + y * frame.lineSize(plane), count: w) }
                }
            }
            return out
        }
        let x = try planes(a), y = try planes(b)
        try #require(x.count == y.count && !x.isEmpty)
        return Double(zip(x, y).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(x.count)
    }

    @Test func aPQMasterIsToneMappedForSDRAndKeptForHDR() throws {
        try #require(RealShotsClip.available, "scikit-image's photographs are fetched by scripts/test into .build/real-pictures")
        let folder = try DeliveryFixture.scratch()
        let master = try Self.pqMaster(in: folder)
        let sdr = try VersionTests.customPreset("sdr", in: folder)
        let hdrText = """
            name: hdr
            kind: video
            width: 640
            height: 360
            video:
              codec: libx265
              preset: ultrafast
              pixel_format: yuv420p10le
              crf: 20
            colour:
              primaries: bt2020
              transfer: smpte2084
              matrix: bt2020nc
              range: tv
            """
        try Data(hdrText.utf8).write(to: URL(fileURLWithPath: folder + "/hdr.yaml"))
        let hdr = try PresetLoader.load(path: folder + "/hdr.yaml")
        let manifest = try VersionTests.generate(master, [sdr, hdr], in: folder)
        let sdrEntry = try #require(manifest.deliverables.first { $0.preset == "sdr" })
        #expect(sdrEntry.status == .done && sdrEntry.pass && sdrEntry.toneMapped == true, "\(sdrEntry)")
        #expect(sdrEntry.checks.contains { $0.name == "colour" && $0.pass && $0.detail.hasPrefix("bt709/bt709/bt709/tv") }, "\(sdrEntry.checks)")
        // The picture is the master through zscale and Hable's curve (FFmpeg's CLI as the reference),
        // not the PQ signal relabelled (the naive conversion, far from it).
        func reference(_ name: String, _ chain: String) throws -> String {
            let path = folder + "/\(name).mp4"
            let made = try Program.run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", master, "-frames:v", "1", "-vf", chain,
                                                  "-c:v", "libx264", "-qp", "0", path])
            try #require(made.status == 0, "\(made.stderr)")
            return path
        }
        let toneMapped = try reference("reference", ToneMap.toSDR(from: try FrameReader(path: master).colour) + ",scale=640:360,format=yuv420p")
        let naive = try reference("naive", "scale=640:360,format=yuv420p")
        let close = try Self.difference(sdrEntry.path, toneMapped), far = try Self.difference(sdrEntry.path, naive)
        #expect(close <= 1.5 && far >= 6, "from the tone-mapped reference \(close), from the relabelled signal \(far)")
        // The HDR deliverable keeps PQ and the master's HDR10 metadata.
        let hdrEntry = try #require(manifest.deliverables.first { $0.preset == "hdr" })
        #expect(hdrEntry.status == .done && hdrEntry.pass && hdrEntry.toneMapped == nil, "\(hdrEntry)")
        let probe = try #require(try Probe.file(hdrEntry.path).first(.video))
        #expect(probe.colorTransfer == "smpte2084" && probe.colorPrimaries == "bt2020" && probe.pixelFormat == "yuv420p10le")
        func metadata(_ path: String) throws -> HDRMetadata? {
            let reader = try FrameReader(path: path), frame = try Frame()
            try #require(try reader.next(into: frame))
            return HDRMetadata(frame: frame)
        }
        let mastered = try #require(try metadata(master))
        #expect(mastered.maxCLL == 1000 && mastered.maxFALL == 400 && mastered.maxLuminance == 10_000_000 && mastered.green == [13250, 34500])
        #expect(try metadata(hdrEntry.path) == mastered)
    }

    @Test func anSDRMasterIsNotMadeHDR() throws {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 25))
        let text = "name: hdr10\nkind: video\nwidth: 640\nheight: 360\nvideo:\n  codec: libx265\n  pixel_format: yuv420p10le\n  crf: 20\n"
            + "colour:\n  primaries: bt2020\n  transfer: smpte2084\n  matrix: bt2020nc\n  range: tv\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/hdr10.yaml"))
        let manifest = try VersionTests.generate(master, [try PresetLoader.load(path: folder + "/hdr10.yaml")], in: folder)
        let entry = try #require(manifest.deliverables.first)
        #expect(entry.status == .failed && entry.error?.contains("is SDR") == true && entry.error?.contains("HDR is not made from an SDR master") == true,
                "\(entry.error ?? "")")
    }
}
