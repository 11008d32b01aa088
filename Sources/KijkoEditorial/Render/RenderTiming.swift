import Foundation

/// Where a render's time went, in seconds of wall time. When pictures are made on one thread and
/// encoded on another (x264's own threads run beside both), the two threads' stages overlap and add
/// up to more than `total`; on one thread the waits are 0.
public struct RenderTiming: Codable, Sendable, Equatable {
    /// The picture thread: seeking, decoding and conforming, transitions, cards.
    public var picture: Double = 0
    /// The picture thread: ASC CDLs and the LUT.
    public var grade: Double = 0
    /// The picture thread, idle: pictures made, waiting for the encoder to take them.
    public var waitForEncoder: Double = 0
    /// The encoding thread: handing pictures to the video encoder and muxing its packets (burn-ins too).
    public var encode: Double = 0
    /// The encoding thread: mixing, encoding and muxing sound.
    public var sound: Double = 0
    /// The encoding thread, idle: waiting for the next picture.
    public var waitForPictures: Double = 0
    /// Wall time of the render.
    public var total: Double = 0
}

/// Adds up one thread's stages as a render runs.
final class RenderClock {
    private(set) var timing = RenderTiming()
    private let start = DispatchTime.now().uptimeNanoseconds
    private var end: UInt64?

    private func seconds(_ from: UInt64, _ to: UInt64) -> Double { Double(to &- from) / 1e9 }

    /// Runs `body`, adding its wall time to `stage`.
    func time<T, E: Error>(_ stage: WritableKeyPath<RenderTiming, Double>, _ body: () throws(E) -> T) throws(E) -> T {
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { timing[keyPath: stage] += seconds(t0, DispatchTime.now().uptimeNanoseconds) }
        return try body()
    }

    /// The thread is done: its time stops here.
    func stop() { end = DispatchTime.now().uptimeNanoseconds }

    private var elapsed: Double { seconds(start, end ?? DispatchTime.now().uptimeNanoseconds) }

    /// This (the encoding thread's) clock with the picture thread's: the picture stage is what its
    /// thread's time leaves once grading and waiting are taken out. Milliseconds kept.
    /// With `ahead` false both ran on one thread, the encoding inside the picture clock's
    /// `waitForEncoder`: taken out of `picture`, and no waiting reported.
    func finished(with pictures: RenderClock, ahead: Bool) -> RenderTiming {
        var t = timing
        t.total = elapsed
        t.grade = pictures.timing.grade
        t.picture = max(0, pictures.elapsed - t.grade - pictures.timing.waitForEncoder)
        t.waitForEncoder = ahead ? pictures.timing.waitForEncoder : 0
        for keyPath in [\RenderTiming.picture, \.grade, \.waitForEncoder, \.encode, \.sound, \.waitForPictures, \.total] {
            t[keyPath: keyPath] = (t[keyPath: keyPath] * 1000).rounded() / 1000
        }
        return t
    }
}

/// A closure handed to another thread whose captures that thread alone uses until it is joined.
struct Unchecked: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
