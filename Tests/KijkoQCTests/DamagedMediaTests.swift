import Foundation
import KijkoTestSupport
import Testing
import KijkoMedia
import KijkoCore
@testable import KijkoQC

/// A damaged-media corpus made at test time from clean masters — bytes overwritten inside the
/// picture and sound data, the file cut short, the sound's sample table broken, in mp4 and mkv —
/// and QC must fail every one, saying where and what; probe and keyframes must never crash on them.
@Suite(.serialized) struct DamagedMediaTests {
    static let folder: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-damaged-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// A clean 4 s master with sound, written by `kijko synth`.
    static func clean(_ ext: String) throws -> String {
        let path = folder + "/clean.\(ext)"
        if !FileManager.default.fileExists(atPath: path) {
            let made = try QCFixture.kijko(["synth", path, "--size", "320x240", "--duration", "4"])
            guard made.status == 0 else { throw MediaError(file: path, stage: .open, reason: made.stderr) }
        }
        return path
    }

    /// The first box named `type` at or after `from` in an ISO BMFF file (walking nested boxes
    /// by scanning for the name; good enough for files this test writes itself).
    static func box(_ type: String, in data: Data, from: Int = 0, before end: Int? = nil) -> (offset: Int, size: Int)? {
        let name = Data(type.utf8)
        guard let found = data.range(of: name, in: from..<(end ?? data.count)), found.lowerBound >= 4 else { return nil }
        let start = found.lowerBound - 4
        let size = data[start..<found.lowerBound].reduce(0) { $0 << 8 | Int($1) }
        return (start, size)
    }

    /// Deterministic bytes (a linear congruential sequence) over `count` bytes at `offset`.
    static func scribble(_ data: inout Data, at offset: Int, count: Int, seed: UInt32) {
        var x = seed
        for i in offset..<min(data.count, offset + count) {
            x = x &* 1_103_515_245 &+ 12345
            data[i] = UInt8(truncatingIfNeeded: x >> 16)
        }
    }

    struct Mutant: CustomStringConvertible, Sendable {
        var name: String
        var ext: String
        var make: @Sendable (Data) -> Data
        var description: String { name }
    }

    static let mutants: [Mutant] = [
        Mutant(name: "mp4, bytes overwritten across the media data", ext: "mp4") { clean in
            var data = clean
            let mdat = box("mdat", in: data)!
            for (i, share) in [0.15, 0.3, 0.45, 0.6, 0.75, 0.9].enumerated() {
                scribble(&data, at: mdat.offset + 16 + Int(Double(mdat.size - 64) * share), count: 24, seed: UInt32(i + 1))
            }
            return data
        },
        Mutant(name: "mp4, one patch early in the media data", ext: "mp4") { clean in
            var data = clean
            let mdat = box("mdat", in: data)!
            scribble(&data, at: mdat.offset + 16 + (mdat.size - 64) / 5, count: 200, seed: 7)
            return data
        },
        Mutant(name: "mp4, cut short at 60 %", ext: "mp4") { clean in clean.prefix(clean.count * 6 / 10) },
        Mutant(name: "mp4, the sound's sample-to-chunk table emptied", ext: "mp4") { clean in
            var data = clean
            // The sound track: the trak whose handler is 'soun'; its stsc's entry count set to 0.
            var from = 0
            while let trak = box("trak", in: data, from: from) {
                let end = trak.offset + trak.size
                if box("soun", in: data, from: trak.offset, before: end) != nil, let stsc = box("stsc", in: data, from: trak.offset, before: end) {
                    for i in 12..<16 { data[stsc.offset + i] = 0 }
                    return data
                }
                from = end
            }
            return data
        },
        Mutant(name: "mkv, bytes overwritten across the clusters", ext: "mkv") { clean in
            var data = clean
            for (i, share) in [0.3, 0.5, 0.7, 0.85].enumerated() {
                scribble(&data, at: Int(Double(data.count) * share), count: 32, seed: UInt32(i + 11))
            }
            return data
        },
        Mutant(name: "mkv, cut short at 55 %", ext: "mkv") { clean in clean.prefix(clean.count * 55 / 100) },
    ]

    @Test(arguments: mutants)
    func qcFailsADamagedFile(_ mutant: Mutant) throws {
        let clean = try Self.clean(mutant.ext)
        let cleanReport = try QCAuditor(file: clean, profile: try QCProfile.named("social", in: QCFixture.profiles)).run()
        #expect(!cleanReport.issues.contains { $0.check == "decode" }, "the clean master already shows damage: \(cleanReport.issues)")
        let damaged = Self.folder + "/\(mutant.name.filter { $0.isLetter || $0.isNumber }).\(mutant.ext)"
        try mutant.make(try Data(contentsOf: URL(fileURLWithPath: clean))).write(to: URL(fileURLWithPath: damaged))
        do {
            let report = try QCAuditor(file: damaged, profile: try QCProfile.named("social", in: QCFixture.profiles)).run()
            #expect(report.status != .pass, "\(mutant): QC passed it")
            let decode = report.issues.filter { $0.check == "decode" }
            #expect(!decode.isEmpty, "\(mutant): no decode issue (\(report.issues.map(\.check)), note: \(report.note ?? "none"))")
            #expect(decode.allSatisfy { !$0.message.isEmpty && $0.start >= 0 }, "\(mutant): an issue without where or what")
        } catch let error as MediaError {
            // Unreadable is a failure too, said in one line naming the file.
            #expect("\(error)".contains(damaged), "\(mutant): \(error)")
        }
        // The command line says so with a non-zero exit; probe and keyframes end normally.
        let qc = try QCFixture.kijko(["qc", damaged, "--profile", "social", "--out", Self.folder + "/reports", "--json"])
        #expect(qc.status != 0 && !qc.signalled, "\(mutant): kijko qc exit \(qc.status)")
        for arguments in [["probe", damaged, "--count-frames", "--json"], ["keyframes", damaged, "--out", Self.folder + "/keys", "--json"]] {
            let run = try QCFixture.kijko(arguments)
            #expect(!run.signalled && (run.status == 0 || run.stderr.contains(damaged)), "\(mutant): kijko \(arguments[0]): \(run.status) \(run.stderr)")
            // What probe reads of a damaged file, it reports as damage.
            if arguments[0] == "probe", run.status == 0 {
                #expect(try Self.damage(in: run.stdout) > 0, "\(mutant): probe --count-frames shows no damage: \(run.stdout)")
            }
        }
        let cleanProbe = try QCFixture.kijko(["probe", clean, "--count-frames", "--json"])
        #expect(try Self.damage(in: cleanProbe.stdout) == 0, "\(cleanProbe.stdout)")
    }

    /// A picture error resilience concealed is counted the same by one decoding thread and by
    /// several: under frame threading its flag can be set after the picture was handed out (the
    /// mutant's one B picture went uncounted in one run of three), its log line cannot be lost.
    @Test func concealedPicturesAreCountedWhateverTheThreads() throws {
        let mutant = try #require(Self.mutants.first { $0.name == "mp4, one patch early in the media data" })
        let damaged = Self.folder + "/threads.mp4"
        try mutant.make(try Data(contentsOf: URL(fileURLWithPath: try Self.clean("mp4")))).write(to: URL(fileURLWithPath: damaged))
        func concealed(threads: Int) throws -> (count: Int, first: Int?, exact: Bool) {
            let reader = try FrameReader(path: damaged, threads: threads)
            reader.skipsDamagedPackets = true
            let frame = try Frame()
            while try reader.next(into: frame) {}
            return (reader.concealedFrames, reader.firstConcealedFrame, reader.firstConcealedFrameIsExact)
        }
        let alone = try concealed(threads: 1)
        #expect(alone.count > 0 && alone.exact, "one thread: \(alone)")
        for run in 1...10 {
            let threaded = try concealed(threads: 4)
            #expect(threaded.count == alone.count, "run \(run): \(threaded.count) concealed with four threads, \(alone.count) with one")
            // Exact when the flag came in time; else near: at most the threads' and the
            // reordering's delay before the picture.
            if let first = threaded.first, let exact = alone.first {
                #expect(threaded.exact ? first == exact : (exact - 8)...exact ~= first, "run \(run): first at \(first), exactly \(exact)")
            }
        }
    }

    /// Damage `probe --count-frames --json` reports: packets rejected, frames concealed, errors the
    /// decoder logged, a declared stream of which not one frame decoded, a stream ending well
    /// before the file.
    static func damage(in json: String) throws -> Int {
        let info = try JSONCoding.decoder.decode(MediaInfo.self, from: Data(json.utf8))
        return info.streams.filter { $0.type == .video || $0.type == .audio }.reduce(0) { sum, stream in
            let silent = stream.decodedFrames == 0 && ((stream.packetCount ?? 0) > 0 || (stream.frameCount ?? 0) > 0) ? 1 : 0
            let short = (info.startTime ?? 0) + (info.duration ?? 0) - (stream.endTime ?? .infinity) > 0.5 ? 1 : 0
            return sum + (stream.damagedPackets ?? 0) + (stream.damagedFrames ?? 0) + (stream.decoderErrors ?? 0) + silent + short
        }
    }
}
