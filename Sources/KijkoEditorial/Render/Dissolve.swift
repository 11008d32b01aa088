import KijkoMedia

/// Picture transitions: dissolves blended exactly here, wipes through libavfilter's `xfade`.
enum PictureTransition {
    /// Frame `index` (0-based) of a `length`-frame dissolve from `a` to `b`: `b` weighs
    /// (index+1)/(length+1), so every frame of the transition is a real blend and the frames on
    /// either side are pure. Writes into `a`.
    static func dissolve(_ a: Frame, _ b: Frame, index: Int, length: Int) throws(MediaError) {
        try a.makeWritable()
        let weight = index + 1, total = length + 1
        let format = a.pixelFormat
        let wide = (format.bitDepth ?? 8) > 8
        let shift = format.chromaShift
        for plane in 0..<3 {
            guard let pa = a.data(plane), let pb = b.data(plane) else { continue }
            let w = plane == 0 ? a.width : (a.width + (1 << shift.x) - 1) >> shift.x
            let h = plane == 0 ? a.height : (a.height + (1 << shift.y) - 1) >> shift.y
            let sa = a.lineSize(plane), sb = b.lineSize(plane)
            for y in 0..<h {
                if wide {
                    let ra = UnsafeMutableRawPointer(pa + y * sa).assumingMemoryBound(to: UInt16.self)
                    let rb = UnsafeMutableRawPointer(pb + y * sb).assumingMemoryBound(to: UInt16.self)
                    for x in 0..<w {
                        ra[x] = UInt16((Int(ra[x]) * (total - weight) + Int(rb[x]) * weight + total / 2) / total)
                    }
                } else {
                    let ra = pa + y * sa, rb = pb + y * sb
                    for x in 0..<w {
                        ra[x] = UInt8((Int(ra[x]) * (total - weight) + Int(rb[x]) * weight + total / 2) / total)
                    }
                }
            }
        }
    }
}

/// A SMPTE wipe through `xfade`: feed pairs of frames, take the wiped frames.
final class Wipe {
    private let graph: FilterGraph
    private let out: Frame

    /// `code` is the EDL wipe number (W001: 1).
    init(code: Int, length: Int, width: Int, height: Int, pixelFormat: PixelFormat, rate: Rational) throws(MediaError) {
        let pattern = switch code {
        case 1: "wiperight"
        case 2: "wipedown"
        case 3: "wipeleft"
        case 4: "wipeup"
        case 5: "circleopen"
        default: "wiperight"
        }
        // Timestamps count frames. A primer pair at pts 0 takes xfade's pure-A first frame, so
        // wipe frame j (pts j+1) shows (j+1)/(length+1) of B, as the dissolve does.
        let format = FilterInputFormat.video(width: width, height: height, pixelFormat: pixelFormat,
                                             timeBase: rate.inverted, frameRate: rate)
        let seconds = Double(length + 1) / rate.doubleValue
        graph = try FilterGraph("[a][b]xfade=transition=\(pattern):duration=\(seconds):offset=0,format=\(pixelFormat.name)[out]",
                                inputs: ["a": format, "b": format])
        out = try Frame()
    }

    private var primed = false
    private var toDrop = 1

    /// Pushes frame pair `index` (pts = index) and returns the wiped frames ready so far.
    func push(_ a: Frame, _ b: Frame, index: Int) throws(MediaError) -> [Frame] {
        if !primed {
            let primerA = try a.reference(), primerB = try b.reference()
            primerA.pts = 0
            primerB.pts = 0
            try graph.push(primerA, into: "a")
            try graph.push(primerB, into: "b")
            primed = true
        }
        a.pts = Int64(index + 1)
        b.pts = Int64(index + 1)
        try graph.push(a, into: "a")
        try graph.push(b, into: "b")
        return try drain()
    }

    func finish() throws(MediaError) -> [Frame] {
        try graph.push(nil, into: "a")
        try graph.push(nil, into: "b")
        return try drain()
    }

    private func drain() throws(MediaError) -> [Frame] {
        var frames: [Frame] = []
        while try graph.pull(into: out) == .frame {
            if toDrop > 0 {
                toDrop -= 1
                continue
            }
            let copy = try Frame()
            copy.take(from: out)
            frames.append(copy)
        }
        return frames
    }
}
