import Foundation
import Testing
import KijkoMedia

/// `Probe` agrees with ffprobe on every field both report, for each kind of file Kijko makes.
@Suite struct ProbeTests {
    static let kinds: [SynthSpec] = [
        SynthSpec(width: 320, height: 180, frameRate: Rational(25, 1), frames: 50),
        SynthSpec(width: 320, height: 240, frameRate: Rational(30000, 1001), frames: 75, startTimecode: "01:00:00:00"),
        SynthSpec(width: 256, height: 144, frameRate: Rational(24000, 1001), frames: 48, videoCodec: .prores,
                  audioCodec: .pcm, channels: 6, startTimecode: "10:00:00:00"),
        SynthSpec(width: 320, height: 180, frameRate: Rational(60000, 1001), frames: 60, videoCodec: .hevc, audioCodec: nil),
        SynthSpec(width: 320, height: 180, frames: 25, rotation: -90),
    ]

    @Test(arguments: kinds)
    func matchesFFprobe(spec: SynthSpec) throws {
        let path = try Fixture.media(spec)
        let ours = try Probe.file(path)
        let theirs = try Fixture.ffprobe(path)
        let format = try #require(theirs["format"] as? [String: Any])
        #expect(ours.container == format["format_name"] as? String)
        #expect(ours.size.map(String.init) == format["size"] as? String)
        #expect(ours.bitRate.map(String.init) == format["bit_rate"] as? String)
        let duration = try #require(Double(format["duration"] as? String ?? ""))
        #expect(abs((ours.duration ?? 0) - duration) < 1e-6)
        let tags = format["tags"] as? [String: Any]
        #expect(ours.startTimecode == (tags?["timecode"] as? String) ?? spec.startTimecode)

        let streams = try #require(theirs["streams"] as? [[String: Any]])
        #expect(ours.streams.count == streams.count)
        for (mine, ref) in zip(ours.streams, streams) {
            #expect(mine.index == ref["index"] as? Int)
            #expect(mine.type.rawValue == ref["codec_type"] as? String)
            if let name = ref["codec_name"] as? String { #expect(mine.codec == name) }
            #expect(mine.profile == ref["profile"] as? String)
            #expect(mine.timeBase.description == ref["time_base"] as? String)
            #expect(mine.frameCount.map(String.init) == ref["nb_frames"] as? String)
            switch mine.type {
            case .video:
                #expect(mine.width == ref["width"] as? Int)
                #expect(mine.height == ref["height"] as? Int)
                #expect(mine.sampleAspectRatio == ref["sample_aspect_ratio"] as? String)
                #expect(mine.displayAspectRatio == ref["display_aspect_ratio"] as? String)
                #expect(mine.frameRate?.description == ref["r_frame_rate"] as? String)
                #expect(mine.averageFrameRate?.description == ref["avg_frame_rate"] as? String)
                #expect(mine.frameRate == spec.frameRate)
                #expect(mine.pixelFormat == ref["pix_fmt"] as? String)
                #expect(mine.colorPrimaries == ref["color_primaries"] as? String)
                #expect(mine.colorTransfer == ref["color_transfer"] as? String)
                #expect(mine.colorMatrix == ref["color_space"] as? String)
                #expect(mine.colorRange == ref["color_range"] as? String)
                #expect(mine.fieldOrder == ref["field_order"] as? String)
                let sideData = (ref["side_data_list"] as? [[String: Any]]) ?? []
                #expect(mine.rotation == sideData.compactMap { $0["rotation"] as? Int }.first)
                #expect(mine.rotation == spec.rotation)
            case .audio:
                #expect(mine.sampleRate.map(String.init) == ref["sample_rate"] as? String)
                #expect(mine.channels == ref["channels"] as? Int)
                #expect(mine.channelLayout == ref["channel_layout"] as? String)
                #expect(mine.sampleFormat == ref["sample_fmt"] as? String)
            default:
                break
            }
        }
    }

    @Test func reportsWhatTheSpecAsked() throws {
        let spec = SynthSpec(width: 256, height: 144, frameRate: Rational(24000, 1001), frames: 48, videoCodec: .prores,
                             audioCodec: .pcm, channels: 6, startTimecode: "10:00:00:00")
        let info = try Probe.file(try Fixture.media(spec))
        let video = try #require(info.first(.video))
        #expect(video.codec == "prores")
        #expect(video.profile == "HQ")
        #expect(video.pixelFormat == "yuv422p10le")
        #expect(video.bitDepth == 10)
        #expect(video.frameCount == 48)
        #expect(video.frameRate == Rational(24000, 1001))
        #expect(video.colorPrimaries == "bt709" && video.colorRange == "tv")
        let audio = try #require(info.first(.audio))
        #expect(audio.codec == "pcm_s24le")
        #expect(audio.bitDepth == 24)
        #expect(audio.channels == 6)
        #expect(audio.channelLayout == "5.1")
        #expect(info.startTimecode == "10:00:00:00")
        #expect(abs((info.duration ?? 0) - 48 * 1001 / 24000.0) < 0.001)
    }

    /// What cameras and encoders write: H.264 with B-frames in mp4, an edit list hiding the
    /// B-frame delay. Frame 0 must still be frame 0 at time 0.
    @Test func h264WithBFramesAndEditList() throws {
        let path = try Fixture.media(SynthSpec(width: 320, height: 240, frameRate: Rational(30000, 1001), frames: 75))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.range(of: Data("elst".utf8)) != nil, "mp4 carries an edit list")
        let streams = try #require(try Fixture.ffprobe(path)["streams"] as? [[String: Any]])
        #expect((streams[0]["has_b_frames"] as? Int ?? 0) > 0, "stream has B-frames")
        let info = try Probe.file(path)
        #expect(info.first(.video)?.startTime == 0)
        let reader = try FrameReader(path: path)
        let frame = try Frame()
        #expect(try reader.next(into: frame))
        #expect(frame.pts == 0)
        #expect(FrameStamp.read(frame) == 0)
    }

    @Test func countsFramesWhenTheContainerDoesNotSay() throws {
        // Matroska keeps no frame count; --count-packets reads packets, --count-frames decodes.
        let dir = try Fixture.scratch()
        let path = dir + "/clip.mkv"
        try Synthesizer.write(SynthSpec(width: 160, height: 90, frames: 30, audioCodec: nil), to: path)
        #expect(try Probe.file(path).first(.video)?.frameCount == nil)
        let packets = try Probe.file(path, counting: .packets).first(.video)
        #expect(packets?.frameCount == 30 && packets?.packetCount == 30 && packets?.decodedFrames == nil)
        let decoded = try Probe.file(path, counting: .frames).first(.video)
        #expect(decoded?.frameCount == 30 && decoded?.decodedFrames == 30)
        #expect(decoded?.damagedPackets == 0 && decoded?.damagedFrames == 0)
    }

    @Test func rotatedClipDecodesUprightLikeFFmpeg() throws {
        let path = try Fixture.media(SynthSpec(width: 320, height: 180, frames: 25, rotation: -90))
        let upright = try FrameReader(path: path)
        let raw = try FrameReader(path: path, applyRotation: false)
        let a = try Frame(), b = try Frame()
        #expect(try upright.next(into: a))
        #expect(try raw.next(into: b))
        #expect(a.width == 180 && a.height == 320)
        // -90 (ffprobe) means turn clockwise: raw (x, y) lands at (H-1-y, x).
        let rawBase = b.data(0)!, upBase = a.data(0)!
        for (x, y) in [(0, 0), (10, 3), (160, 20), (319, 179), (77, 150)] {
            #expect(upBase[x * a.lineSize(0) + (179 - y)] == rawBase[y * b.lineSize(0) + x])
        }
        // The same picture ffmpeg's autorotate gives, byte for byte.
        let dir = try Fixture.scratch()
        let ref = dir + "/frame0.yuv"
        let run = try Fixture.run("ffmpeg", ["-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", ref])
        #expect(run.status == 0)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ref)))
        #expect(bytes.count == 180 * 320 * 3 / 2)
        var mismatches = 0
        for y in 0..<320 { for x in 0..<180 where bytes[y * 180 + x] != upBase[y * a.lineSize(0) + x] { mismatches += 1 } }
        #expect(mismatches == 0)
    }
}
