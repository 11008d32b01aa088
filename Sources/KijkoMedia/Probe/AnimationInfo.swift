public import Foundation

/// What an animated GIF or WebP says about itself, read from its blocks (libav 5.1 cannot read an
/// animated WebP back, and neither reports a loop count): canvas, frames, their total display
/// time and how many times a browser plays the loop. Nothing is decoded; every length read from
/// the file is checked against what is left of it.
public struct AnimationInfo: Sendable, Equatable {
    public enum Format: String, Sendable { case gif, webp }

    public var format: Format
    public var width: Int
    public var height: Int
    public var frames: Int
    /// Sum of the frames' display times, seconds (GIF in 1/100 s, WebP in 1/1000 s).
    public var duration: Double
    /// Times a browser shows the loop: 1 when it does not repeat, nil when it repeats forever.
    public var plays: Int?

    /// Reads `path`; an error names the file and what is wrong.
    public static func read(path: String) throws(MediaError) -> AnimationInfo {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw MediaError(file: path, stage: .open, reason: "cannot be read: \(error.localizedDescription)")
        }
        if let info = parse(data) { return info }
        throw MediaError(file: path, stage: .probe, reason: "not an animated GIF or WebP, or cut short")
    }

    /// The animation in `data`, or nil for anything else (a still, a truncated file, another format).
    public static func parse(_ data: Data) -> AnimationInfo? {
        let bytes = [UInt8](data)
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return gif(bytes) }
        if bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) { return webp(bytes) }
        return nil
    }

    static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    static func u24(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 }
    static func u32(_ b: [UInt8], _ i: Int) -> Int { u24(b, i) | Int(b[i + 3]) << 24 }

    /// GIF: logical screen, then extensions and images up to the trailer. Delays come from each
    /// image's Graphic Control Extension; the loop count from the NETSCAPE2.0 application block
    /// (N: N repeats after the first play; 0: forever; absent: one play).
    static func gif(_ b: [UInt8]) -> AnimationInfo? {
        guard b.count >= 13 else { return nil }
        let width = u16(b, 6), height = u16(b, 8)
        var i = 13
        if b[10] & 0x80 != 0 { i += 3 << (Int(b[10] & 0x07) + 1) }
        var frames = 0, centiseconds = 0, pendingDelay = 0
        var plays: Int? = 1
        // Skips data sub-blocks from `i`; nil when the file ends inside them.
        func skipBlocks(_ start: Int) -> Int? {
            var j = start
            while j < b.count {
                let size = Int(b[j])
                if size == 0 { return j + 1 }
                j += size + 1
            }
            return nil
        }
        while i < b.count {
            switch b[i] {
            case 0x3B:
                return frames > 0 ? AnimationInfo(format: .gif, width: width, height: height, frames: frames,
                                                  duration: Double(centiseconds) / 100, plays: plays) : nil
            case 0x21:
                guard i + 2 < b.count else { return nil }
                let label = b[i + 1]
                if label == 0xF9, i + 7 < b.count, b[i + 2] >= 4 { pendingDelay = u16(b, i + 4) }
                if label == 0xFF, i + 18 < b.count, b[i + 2] == 11, b[(i + 3)..<(i + 14)].elementsEqual("NETSCAPE2.0".utf8),
                   b[i + 14] >= 3, b[i + 15] == 1 {
                    let count = u16(b, i + 16)
                    plays = count == 0 ? nil : count + 1
                }
                guard let next = skipBlocks(i + 2) else { return nil }
                i = next
            case 0x2C:
                guard i + 10 < b.count else { return nil }
                var j = i + 10
                if b[i + 9] & 0x80 != 0 { j += 3 << (Int(b[i + 9] & 0x07) + 1) }
                guard j < b.count, let next = skipBlocks(j + 1) else { return nil }   // +1: LZW minimum code size
                frames += 1
                centiseconds += pendingDelay
                pendingDelay = 0
                i = next
            default:
                return nil
            }
        }
        return nil
    }

    /// WebP: a RIFF of chunks; an animation has VP8X (canvas), ANIM (loop count: the number of
    /// plays, 0 forever) and one ANMF per frame (its duration in ms at byte 12 of the chunk).
    static func webp(_ b: [UInt8]) -> AnimationInfo? {
        var i = 12
        var width = 0, height = 0, frames = 0, milliseconds = 0
        var plays: Int?? = .none
        // The RIFF says how long it is: a file cut short of that is cut short, even at a chunk's end.
        guard 8 + u32(b, 4) <= b.count else { return nil }
        let end = 8 + u32(b, 4)
        while i + 8 <= end {
            let size = u32(b, i + 4)
            let body = i + 8
            guard size <= end - body else { return nil }
            let tag = String(decoding: b[i..<(i + 4)], as: UTF8.self)
            switch tag {
            case "VP8X" where size >= 10:
                width = u24(b, body + 4) + 1
                height = u24(b, body + 7) + 1
            case "ANIM" where size >= 6:
                let count = u16(b, body + 4)
                plays = .some(count == 0 ? nil : count)
            case "ANMF" where size >= 16:
                frames += 1
                milliseconds += u24(b, body + 12)
            default:
                break
            }
            i = body + size + (size & 1)
        }
        guard case .some(let loops) = plays, frames > 0, width > 0 else { return nil }
        return AnimationInfo(format: .webp, width: width, height: height, frames: frames, duration: Double(milliseconds) / 1000, plays: loops)
    }
}
