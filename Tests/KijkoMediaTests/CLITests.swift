import Foundation
import Testing
import KijkoMedia

/// The `kijko` binary as a user runs it.
@Suite struct CLITests {
    @Test func synthThenProbeJSON() throws {
        let dir = try Fixture.scratch()
        let path = dir + "/sample.mov"
        let synth = try Fixture.run(Fixture.kijko, ["synth", path, "--size", "320x180", "--rate", "29.97", "--frames", "30",
                                                   "--video-codec", "prores", "--audio", "pcm", "--timecode", "00:59:59:00",
                                                   "--defect", "black@5-10", "--json"])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(synth.stderr.isEmpty, "quiet when not on a terminal: \(synth.stderr)")
        let probe = try Fixture.run(Fixture.kijko, ["probe", "--json", path])
        #expect(probe.status == 0)
        #expect(probe.stdout == synth.stdout)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(probe.stdout.utf8)) as? [String: Any])
        #expect(json["start_timecode"] as? String == "00:59:59:00")
        #expect(json["container"] as? String == "mov,mp4,m4a,3gp,3g2,mj2")
        let streams = try #require(json["streams"] as? [[String: Any]])
        let video = try #require(streams.first { $0["type"] as? String == "video" })
        #expect(video["frame_rate"] as? String == "30000/1001")
        #expect(video["frame_count"] as? Int == 30)
        #expect(video["pixel_format"] as? String == "yuv422p10le")
        #expect(video["bit_depth"] as? Int == 10)
        #expect(video["color_primaries"] as? String == "bt709")
        #expect(video["display_aspect_ratio"] as? String == "16:9")
        let audio = try #require(streams.first { $0["type"] as? String == "audio" })
        #expect(audio["codec"] as? String == "pcm_s24le")
        #expect(audio["channel_layout"] as? String == "stereo")
        #expect(audio["sample_rate"] as? Int == 48000)

        let stamps = try Fixture.run(Fixture.kijko, ["stamps", path, "--from", "3", "--count", "8", "--json"])
        #expect(stamps.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stamps.stdout.utf8)) as? [String: Any])
        let frames = try #require(report["frames"] as? [[String: Any]])
        #expect(frames.map { $0["index"] as? Int } == Array(3..<11))
        // Frames 5–9 are black: no stamp.
        #expect(frames.map { $0["stamp"] as? Int } == [3, 4, nil, nil, nil, nil, nil, 10])
    }

    @Test func probeTextNamesTheEssentials() throws {
        let path = try Fixture.media(SynthSpec(width: 320, height: 180, frameRate: Rational(30000, 1001), frames: 75))
        let run = try Fixture.run(Fixture.kijko, ["probe", path])
        #expect(run.status == 0)
        #expect(run.stdout.contains("h264 (High), 320x180"))
        #expect(run.stdout.contains("30000/1001 fps (29.970)"))
        #expect(run.stdout.contains("aac (LC), 48000 Hz, stereo"))
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let dir = try Fixture.scratch()
        for arguments in [["synth", dir + "/x.mp4", "--size", "big"],
                          ["synth", dir + "/x.mp4", "--defect", "smudge@1-2"],
                          ["synth", dir + "/x.mp4", "--defect", "black@9-3"]] {
            let run = try Fixture.run(Fixture.kijko, arguments)
            #expect(run.status == 64, "\(arguments): \(run.status)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        }
        let outside = try Fixture.run(Fixture.kijko, ["synth", dir + "/x.mp4", "--frames", "10", "--defect", "black@5-20"])
        #expect(outside.status == 1)
        #expect(outside.stderr.contains("outside"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
