internal import CFFmpeg

/// Reads a whole file for `kijko probe`'s counts: packets per stream (demuxing only, as ffprobe's
/// `-count_packets`), or frames decoded per audio and video stream in one pass (as
/// `-count_frames`), with the damage decoding met: packets the decoder rejected and frames it gave
/// out with damage concealed (`decode_error_flags`, `AV_FRAME_FLAG_CORRUPT`, or error resilience's
/// log line, which frame threading cannot lose), and the errors the decoder logged.
struct StreamCounter {
    struct Counts {
        var packets = 0
        var frames = 0
        var damagedPackets = 0
        /// Frames given out with damage concealed (set once the stream is drained, when the
        /// decoder's logged concealments are known); ``concealed`` counts their flags meanwhile.
        var damagedFrames = 0
        var concealed = ConcealedFrames()
        var decoderErrors = 0
        /// Whether a decoder opened for the stream (else only packets are counted).
        var decoded = false
        /// The latest packet end (pts + duration), in the stream's time base.
        var end: Int64?

        mutating func saw(_ packet: Packet) {
            packets += 1
            if let pts = packet.pts, packet.duration >= 0 {
                let (sum, overflow) = pts.addingReportingOverflow(packet.duration)
                if !overflow { end = max(end ?? sum, sum) }
            }
        }
    }

    /// Packets per stream index, without decoding.
    static func packets(_ input: Demuxer) throws(MediaError) -> [Int: Counts] {
        var counts: [Int: Counts] = [:]
        let packet = try Packet()
        while try input.read(into: packet) { counts[packet.streamIndex, default: Counts()].saw(packet) }
        return counts
    }

    /// Packets, decoded frames and damage per stream index; streams with no decoder in this libav
    /// (and data streams) count packets only.
    static func frames(_ input: Demuxer) throws(MediaError) -> [Int: Counts] {
        var counts: [Int: Counts] = [:]
        var decoders: [Int: Decoder] = [:]
        for index in 0..<input.streamCount {
            let type = input.stream(index).pointee.codecpar.pointee.codec_type
            guard type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO else { continue }
            decoders[index] = try? Decoder(input, stream: index)
            if decoders[index] != nil { counts[index, default: Counts()].decoded = true }
        }
        let packet = try Packet(), frame = try Frame()
        func drain(_ index: Int, _ decoder: Decoder) {
            // A decoder that keeps failing is given up on after as many errors as it had packets
            // (each receive error is a lost frame; the loop cannot spin).
            var failures = 0
            while failures <= counts[index, default: Counts()].packets {
                do {
                    guard try decoder.receive(into: frame) else { return }
                    counts[index, default: Counts()].frames += 1
                    counts[index, default: Counts()].concealed.saw(frame)
                } catch {
                    failures += 1
                    counts[index, default: Counts()].damagedPackets += 1
                }
            }
        }
        while try input.read(into: packet) {
            let index = packet.streamIndex
            counts[index, default: Counts()].saw(packet)
            guard let decoder = decoders[index] else { continue }
            do {
                // A decoder that neither takes the packet nor gives a frame is given up on.
                var tries = 0
                while try !decoder.send(packet) {
                    drain(index, decoder)
                    tries += 1
                    if tries > 64 { counts[index, default: Counts()].damagedPackets += 1; break }
                }
            } catch {
                counts[index, default: Counts()].damagedPackets += 1
            }
            drain(index, decoder)
        }
        for (index, decoder) in decoders {
            var tries = 0
            while tries <= 64, (try? decoder.send(nil)) == false {
                drain(index, decoder)
                tries += 1
            }
            drain(index, decoder)
            counts[index, default: Counts()].decoderErrors = decoder.loggedErrors
            counts[index, default: Counts()].damagedFrames = counts[index, default: Counts()].concealed.count(logged: decoder.loggedConcealments)
        }
        return counts
    }
}
