import Foundation
import Testing
import KijkoMedia

/// One decode, a graph with several outputs, each to its own encoder and container: the shape
/// every deliverable pipeline has.
@Suite struct PipelineTests {
    struct Output {
        let name: String
        let path: String
        let settings: EncoderSettings
    }

    /// Decodes `source` once and writes each output from one branch of `graph`.
    static func render(_ source: String, graph description: String, outputs: [Output]) throws {
        let reader = try FrameReader(path: source)
        let graph = try FilterGraph(description, inputs: ["in": .of(reader.decoder)],
                                    outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0.name, .video) }))
        var sinks: [(name: String, muxer: Muxer, encoder: Encoder)] = []
        for output in outputs {
            let muxer = try Muxer(path: output.path)
            var settings = output.settings
            settings.colour = settings.colour ?? reader.colour
            let encoder = try Encoder(settings, format: graph.outputFormat(output.name)!, for: muxer)
            try muxer.addStream(for: encoder)
            try muxer.start()
            sinks.append((output.name, muxer, encoder))
        }
        let frame = try Frame(), filtered = try Frame(), packet = try Packet()
        func drain() throws {
            for sink in sinks {
                while try graph.pull(from: sink.name, into: filtered) == .frame {
                    try sink.encoder.send(filtered)
                    while try sink.encoder.receive(into: packet) { try sink.muxer.write(packet, from: sink.encoder) }
                }
            }
        }
        while try reader.next(into: frame) {
            try graph.push(frame)
            try drain()
        }
        try graph.push(nil)
        try drain()
        for sink in sinks {
            try sink.muxer.drain(sink.encoder, packet: packet)
            try sink.muxer.finish()
        }
    }

    @Test func splitToTwoDeliverablesInOneDecode() throws {
        let source = try Fixture.media(SynthSpec(width: 640, height: 360, frameRate: Rational(30000, 1001), frames: 45, audioCodec: nil))
        let dir = try Fixture.scratch()
        try Self.render(source, graph: "[in]split=2[a][b];[a]scale=320:180[small];[b]format=yuv422p10le[master]", outputs: [
            Output(name: "small", path: dir + "/small.mp4",
                   settings: EncoderSettings(codec: "libx264", options: ["preset": "ultrafast", "crf": "16"])),
            Output(name: "master", path: dir + "/master.mov", settings: EncoderSettings(codec: "prores_ks")),
        ])
        let small = try Probe.file(dir + "/small.mp4").first(.video)
        #expect(small?.width == 320 && small?.height == 180)
        #expect(small?.frameCount == 45)
        #expect(small?.frameRate == Rational(30000, 1001))
        let master = try Probe.file(dir + "/master.mov").first(.video)
        #expect(master?.codec == "prores" && master?.pixelFormat == "yuv422p10le")
        for path in [dir + "/small.mp4", dir + "/master.mov"] {
            let info = try #require(try Probe.file(path).first(.video))
            // Colour carried from the source, not guessed.
            #expect([info.colorPrimaries, info.colorTransfer, info.colorMatrix, info.colorRange] == ["bt709", "bt709", "bt709", "tv"])
            #expect(try Fixture.stamps(path).map(\.stamp) == Array(0..<45))
        }
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["master.mov", "small.mp4"])
    }

    @Test func mp4IsFaststart() throws {
        let path = try Fixture.media(SynthSpec(width: 160, height: 90, frames: 25))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let moov = try #require(bytes.range(of: Data("moov".utf8)))
        let mdat = try #require(bytes.range(of: Data("mdat".utf8)))
        #expect(moov.lowerBound < mdat.lowerBound)
    }

    @Test func abandonedOutputLeavesNoFile() throws {
        let dir = try Fixture.scratch()
        do {
            let muxer = try Muxer(path: dir + "/cut.mp4")
            let graph = try FilterGraph("testsrc2=size=160x90:rate=25")
            let encoder = try Encoder(EncoderSettings(codec: "libx264", options: ["preset": "ultrafast"]),
                                      format: graph.outputFormat()!, for: muxer)
            try muxer.addStream(for: encoder)
            try muxer.start()
            let frame = try Frame(), packet = try Packet()
            for _ in 0..<10 {
                _ = try graph.pull(into: frame)
                try encoder.send(frame)
                while try encoder.receive(into: packet) { try muxer.write(packet, from: encoder) }
            }
            #expect(FileManager.default.fileExists(atPath: muxer.temporaryPath))
            // Dropped without finish(): the run was interrupted.
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func unwritableFolderIsAnError() throws {
        do {
            _ = try Muxer(path: "/nonexistent-kijko-folder/out.mp4")
            Issue.record("opened a file in a missing folder")
        } catch {
            #expect(error.stage == .write)
            #expect(error.file == "/nonexistent-kijko-folder/out.mp4")
        }
        #expect(throws: MediaError.self) { _ = try Muxer(path: "/tmp/out.unknownext") }
    }

    @Test func unknownEncoderOptionIsAnError() throws {
        let graph = try FilterGraph("testsrc2=size=160x90:rate=25")
        do {
            _ = try Encoder(EncoderSettings(codec: "libx264", options: ["crff": "18"]), format: graph.outputFormat()!, for: nil)
            Issue.record("accepted an unknown option")
        } catch {
            #expect(error.description.contains("crff"))
        }
        #expect(throws: MediaError.self) {
            _ = try Encoder(EncoderSettings(codec: "no-such-codec"), format: graph.outputFormat()!, for: nil)
        }
    }

    @Test func mkvRoundTripsAudioAndVideo() throws {
        let dir = try Fixture.scratch()
        let path = dir + "/clip.mkv"
        try Synthesizer.write(SynthSpec(width: 160, height: 90, frameRate: Rational(24000, 1001), frames: 24), to: path)
        let info = try Probe.file(path)
        #expect(info.container == "matroska,webm")
        #expect(info.first(.audio)?.codec == "aac")
        #expect(try Fixture.stamps(path).map(\.stamp) == Array(0..<24))
    }
}
