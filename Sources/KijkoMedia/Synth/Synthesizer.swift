internal import CFFmpeg
import Foundation

/// Writes the media a ``SynthSpec`` describes, through KijkoMedia itself: libavfilter sources,
/// the frame stamp and planted defects applied to the frames, then encoded and muxed.
/// The same spec always gives the same pictures and samples.
public enum Synthesizer {
    /// Bumped whenever the output for a given spec changes, so caches are rebuilt.
    static let version = 4

    /// Writes `spec` to `path` (atomically). `progress` gets the number of frames written.
    public static func write(_ spec: SynthSpec, to path: String,
                             progress: ((Int) -> Void)? = nil) throws(MediaError) {
        try spec.validate()
        let muxer = try Muxer(path: path)
        let packet = try Packet()

        let pixel = spec.videoCodec == .prores ? "yuv422p10le" : "yuv420p"
        let video = try FilterGraph(videoGraph(spec, pixelFormat: pixel))
        let videoEncoder = try Encoder(videoSettings(spec), format: video.outputFormat()!, for: muxer)
        var streamTags: [String: String] = [:]
        if let tc = spec.startTimecode { streamTags["timecode"] = tc }
        try muxer.addStream(for: videoEncoder, metadata: streamTags, rotation: spec.rotation)

        var audio: SynthAudioTrack?
        if let codec = spec.audioCodec {
            audio = try SynthAudioTrack(spec, codec: codec, muxer: muxer)
        }
        if let tc = spec.startTimecode { muxer.setMetadata("timecode", tc) }
        try muxer.start()

        let frame = try Frame()
        var previous: Frame?
        for n in 0..<spec.frames {
            guard try video.pull(into: frame) == .frame else {
                throw MediaError(file: path, stage: .filter, reason: "source ended at frame \(n)")
            }
            let out = try picture(n, spec: spec, fresh: frame, previous: previous)
            previous = try out.reference()
            try videoEncoder.send(out)
            while try videoEncoder.receive(into: packet) { try muxer.write(packet, from: videoEncoder) }
            try audio?.write(until: n + 1, muxer: muxer, packet: packet)
            progress?(n + 1)
        }
        try muxer.drain(videoEncoder, packet: packet)
        try audio?.finish(muxer: muxer, packet: packet)
        try muxer.finish()
    }

    /// Returns the path of `spec` in `directory`, writing it first if no complete copy is there.
    /// Files are named by a hash of the spec, so each configuration is made once.
    public static func cached(_ spec: SynthSpec, in directory: String) throws(MediaError) -> String {
        let path = (directory as NSString).appendingPathComponent("synth-\(key(spec)).\(spec.defaultExtension)")
        if FileManager.default.fileExists(atPath: path) { return path }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MediaError(file: directory, stage: .write, reason: "cannot create folder: \(error.localizedDescription)")
        }
        try write(spec, to: path)
        return path
    }

    /// A stable key for a spec (FNV-1a over its sorted JSON): same spec, same name, on every run.
    public static func key(_ spec: SynthSpec) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(spec)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes + Array("v\(version)".utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    // MARK: pictures

    static func videoGraph(_ spec: SynthSpec, pixelFormat: String) -> String {
        var chain = "\(spec.pattern.rawValue)=size=\(spec.width)x\(spec.height):rate=\(spec.frameRate)"
        if spec.pattern == .subject {
            let box = spec.subjectBox(frame: 0)
            chain = "color=c=0x303030:size=\(spec.width)x\(spec.height):rate=\(spec.frameRate)[ground];"
                + "testsrc2=size=\(box.width)x\(box.height):rate=\(spec.frameRate)[subject];"
                + "[ground][subject]overlay=x='\(spec.subjectExpression())':y=\(box.y):eval=frame"
        }
        let dissolves = spec.dissolves ?? []
        if !spec.cuts.isEmpty || !dissolves.isEmpty {
            // Each shot gets its own hue and brightness: a clean, unmistakable cut. A dissolve
            // ramps from one shot's to the next's over its frames.
            let shot = (spec.cuts.map { "gte(n,\($0))" }
                        + dissolves.map { "clip((n-\($0.lowerBound)+1)/\($0.count + 1),0,1)" }).joined(separator: "+")
            chain += ",hue=H='2.1*(\(shot))':b='2*mod(\(shot),3)-2'"
        }
        chain += ",format=\(pixelFormat)"
        // Broadcast-legal levels (the test sources overshoot them): a clean master passes QC.
        let top = pixelFormat.contains("10") ? 940 : 235, bottom = pixelFormat.contains("10") ? 64 : 16
        chain += ",limiter=min=\(bottom):max=\(top)"
        chain += ",setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
        return chain
    }

    static func videoSettings(_ spec: SynthSpec) -> EncoderSettings {
        let gop = Int((spec.frameRate.doubleValue * 2).rounded())
        switch spec.videoCodec {
        case .h264:
            return EncoderSettings(codec: "libx264", options: ["preset": "veryfast", "crf": "18"],
                                   gopSize: gop, colour: .bt709)
        case .hevc:
            return EncoderSettings(codec: "libx265",
                                   options: ["preset": "ultrafast", "crf": "20", "x265-params": "log-level=none"],
                                   gopSize: gop, colour: .bt709)
        case .prores:
            return EncoderSettings(codec: "prores_ks", options: ["profile": "3"], colour: .bt709)
        }
    }

    /// The picture for frame `n`: the source frame stamped, or the planted defect.
    static func picture(_ n: Int, spec: SynthSpec, fresh: Frame, previous: Frame?) throws(MediaError) -> Frame {
        let defect = spec.defects.first { !$0.kind.isAudio && $0.frames.contains(n) }
        switch defect?.kind {
        case .freeze?:
            if let previous {
                let repeated = try previous.reference()
                repeated.pts = fresh.pts
                return repeated
            }
        case .black?:
            try fresh.makeWritable()
            paint(fresh, luma: 16)
            return fresh
        case .flash?:
            try fresh.makeWritable()
            paint(fresh, luma: (n - defect!.frames.lowerBound) % 2 == 0 ? 235 : 16)
            return fresh
        case .redFlash?:
            // BT.709 saturated red is Y 63, Cb 102, Cr 240; the grey between has the same luma.
            try fresh.makeWritable()
            let red = (n - defect!.frames.lowerBound) % 2 == 0
            paint(fresh, luma: 63, cb: red ? 102 : 128, cr: red ? 240 : 128)
            return fresh
        case .fadeOut?, .fadeIn?:
            // Linear in the picture's levels: the share of the picture left at frame i of L is
            // (L − i) / (L + 1) fading out, (i + 1) / (L + 1) fading in.
            try fresh.makeWritable()
            let d = defect!, i = n - d.frames.lowerBound, length = d.frames.count
            let kept = d.kind == .fadeOut ? Double(length - i) / Double(length + 1) : Double(i + 1) / Double(length + 1)
            scale(fresh, towardsBlackKeeping: kept)
            return fresh
        case .blocky?:
            try fresh.makeWritable()
            for plane in 0...2 { flattenBlocks(fresh, plane: plane) }
        case .combing?:
            try fresh.makeWritable()
            shiftOddLines(fresh, by: 8)
        default:
            break
        }
        if spec.stamp { try FrameStamp.write(n, into: fresh) }
        if defect?.kind == .pillarbox {
            try fresh.makeWritable()
            let depth = fresh.pixelFormat.bitDepth ?? 8, bytes = depth > 8 ? 2 : 1
            let shift = fresh.pixelFormat.chromaShift
            let bar = ((fresh.width - fresh.height * 4 / 3) / 2) & ~1
            for (plane, level) in [(0, 16), (1, 128), (2, 128)] {
                let sx = plane == 0 ? 0 : shift.x, sy = plane == 0 ? 0 : shift.y
                let w = bar >> sx, h = fresh.height >> sy
                FrameStamp.fill(fresh.data(plane)!, fresh.lineSize(plane), bytes, 0, 0, w, h, level << (depth - 8))
                FrameStamp.fill(fresh.data(plane)!, fresh.lineSize(plane), bytes, (fresh.width >> sx) - w, 0, w, h, level << (depth - 8))
            }
        }
        if defect?.kind == .illegalLevels {
            try fresh.makeWritable()
            // Two bands across the lower half: super-white (254) and sub-black (1), outside R103.
            let depth = fresh.pixelFormat.bitDepth ?? 8
            let bytes = depth > 8 ? 2 : 1
            let h = fresh.height / 8
            FrameStamp.fill(fresh.data(0)!, fresh.lineSize(0), bytes, 0, fresh.height / 2, fresh.width, h, 254 << (depth - 8))
            FrameStamp.fill(fresh.data(0)!, fresh.lineSize(0), bytes, 0, fresh.height / 2 + h, fresh.width, h, 1 << (depth - 8))
        }
        return fresh
    }

    /// Moves every sample towards black (luma 16, chroma 128) keeping `kept` of its distance.
    static func scale(_ frame: Frame, towardsBlackKeeping kept: Double) {
        let depth = frame.pixelFormat.bitDepth ?? 8, bytes = depth > 8 ? 2 : 1
        let shift = frame.pixelFormat.chromaShift
        for plane in 0...2 {
            guard let base = frame.data(plane) else { continue }
            let w = plane == 0 ? frame.width : frame.width >> shift.x, h = plane == 0 ? frame.height : frame.height >> shift.y
            let floor = Double((plane == 0 ? 16 : 128) << (depth - 8))
            for y in 0..<h {
                let line = base + y * frame.lineSize(plane)
                for x in 0..<w {
                    if bytes == 1 {
                        line[x] = UInt8((floor + (Double(line[x]) - floor) * kept).rounded())
                    } else {
                        let wide = UnsafeMutableRawPointer(line).assumingMemoryBound(to: UInt16.self)
                        wide[x] = UInt16((floor + (Double(wide[x]) - floor) * kept).rounded())
                    }
                }
            }
        }
    }

    /// Replaces every 8×8 block of a plane with its mean.
    static func flattenBlocks(_ frame: Frame, plane: Int) {
        guard let base = frame.data(plane) else { return }
        let depth = frame.pixelFormat.bitDepth ?? 8, bytes = depth > 8 ? 2 : 1
        let shift = plane == 0 ? (x: 0, y: 0) : frame.pixelFormat.chromaShift
        let w = frame.width >> shift.x, h = frame.height >> shift.y, pitch = frame.lineSize(plane)
        func sample(_ x: Int, _ y: Int) -> Int {
            bytes == 1 ? Int(base[y * pitch + x]) : Int(UnsafeRawPointer(base + y * pitch).load(fromByteOffset: 2 * x, as: UInt16.self))
        }
        for by in stride(from: 0, to: h, by: 8) {
            for bx in stride(from: 0, to: w, by: 8) {
                let bw = min(8, w - bx), bh = min(8, h - by)
                var sum = 0
                for y in by..<(by + bh) { for x in bx..<(bx + bw) { sum += sample(x, y) } }
                FrameStamp.fill(base, pitch, bytes, bx, by, bw, bh, sum / (bw * bh))
            }
        }
    }

    /// Moves every odd line of the luma `by` pixels to the left (the right edge repeats).
    static func shiftOddLines(_ frame: Frame, by offset: Int) {
        guard let base = frame.data(0) else { return }
        let bytes = (frame.pixelFormat.bitDepth ?? 8) > 8 ? 2 : 1
        for y in stride(from: 1, to: frame.height, by: 2) {
            let line = base + y * frame.lineSize(0)
            let keep = (frame.width - offset) * bytes
            memmove(line, line + offset * bytes, keep)
        }
    }

    /// Fills the whole picture with one luma level and neutral chroma.
    static func paint(_ frame: Frame, luma: Int) { paint(frame, luma: luma, cb: 128, cr: 128) }

    /// Fills the whole picture with one colour (8-bit levels, scaled to the frame's depth).
    static func paint(_ frame: Frame, luma: Int, cb: Int, cr: Int) {
        let depth = frame.pixelFormat.bitDepth ?? 8
        let bytes = depth > 8 ? 2 : 1
        let shift = frame.pixelFormat.chromaShift
        FrameStamp.fill(frame.data(0)!, frame.lineSize(0), bytes, 0, 0, frame.width, frame.height, luma << (depth - 8))
        for plane in 1...2 {
            guard let chroma = frame.data(plane) else { continue }
            FrameStamp.fill(chroma, frame.lineSize(plane), bytes, 0, 0, frame.width >> shift.x,
                            frame.height >> shift.y, (plane == 1 ? cb : cr) << (depth - 8))
        }
    }
}
