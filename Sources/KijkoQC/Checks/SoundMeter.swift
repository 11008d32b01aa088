import Foundation
public import KijkoMedia

/// Sound checks in the same pass as the picture: EBU R128 loudness (through libavfilter's
/// `ebur128`), silence as 10 ms windows whose RMS over all channels is under the profile's level,
/// and clipping as runs of consecutive samples at full scale on any channel.
public final class SoundMeter {
    public struct Result: Sendable {
        public var loudness: Loudness?
        public var sampleRate: Int
        /// Samples per silence window.
        public var window: Int
        public var silentWindows: [Bool]
        /// Per window: a channel fault (0 none, 1 a silent channel, 2 a copy of the first, 3 the
        /// first inverted) and the channel (1-based) it is in.
        public var channelFaults: [UInt8]
        public var faultChannels: [Int]
        /// Clipped sample ranges (any channel).
        public var clips: [Range<Int>]
        public var samples: Int
    }

    private let loudness: LoudnessMeter
    private let planar: FilterGraph
    private let out: Frame
    private let silenceLevel: Float
    private let clipLevel: Float
    private let clipRun: Int
    let sampleRate: Int
    let window: Int
    private var windowSum: Double = 0
    private var windowCount = 0
    private var silent: [Bool] = []
    private var faults: [UInt8] = []
    private var faultChannel: [Int] = []
    /// Per channel in the current window: energy; and against the first channel, the energy of
    /// the difference and of the sum.
    private var energy: [Double] = []
    private var apart: [Double] = []
    private var together: [Double] = []
    private var position = 0
    private var clipStart: [Int?] = []
    private var clipLength: [Int] = []
    private var clips: [Range<Int>] = []

    public init(format: FilterInputFormat, profile: QCProfile) throws(MediaError) {
        loudness = try LoudnessMeter(format: format)
        planar = try FilterGraph("[in]aformat=sample_fmts=fltp[out]", inputs: ["in": format], outputs: ["out": .audio])
        out = try Frame()
        if case let .audio(rate, _, _, _) = format { sampleRate = rate } else { sampleRate = 48_000 }
        window = max(1, sampleRate / 100)
        silenceLevel = Float(pow(10, (profile.silence?.levelDb ?? -60) / 10))   // mean square
        clipLevel = Float(profile.clipping?.level ?? 0.999)
        clipRun = profile.clipping?.minSamples ?? 3
    }

    /// Measures `frame` (left as it was).
    public func add(_ frame: Frame) throws(MediaError) {
        try loudness.add(try frame.reference())
        try planar.push(try frame.reference())
        try drain()
    }

    public func finish() throws(MediaError) -> Result {
        try planar.push(nil)
        try drain()
        if windowCount > 0 {
            silent.append(windowSum / Double(windowCount) < Double(silenceLevel))
            closeWindow(count: windowCount)
        }
        for channel in clipStart.indices { closeClip(channel) }
        return Result(loudness: try loudness.finish(), sampleRate: sampleRate, window: window, silentWindows: silent,
                      channelFaults: faults, faultChannels: faultChannel,
                      clips: clips.sorted { $0.lowerBound < $1.lowerBound }, samples: position)
    }

    private func drain() throws(MediaError) {
        while try planar.pull(into: out) == .frame {
            let channels = out.channelCount, count = out.sampleCount
            if clipStart.count < channels {
                clipStart += Array(repeating: nil, count: channels - clipStart.count)
                clipLength += Array(repeating: 0, count: channels - clipLength.count)
            }
            let planes = (0..<channels).compactMap { out.floatSamples(channel: $0) }
            // Locals in the loop: class properties would be checked for exclusive access each time.
            if energy.count != channels {
                energy = Array(repeating: 0, count: channels)
                apart = energy
                together = energy
            }
            guard !planes.isEmpty else { continue }
            var sum = windowSum, filled = windowCount
            let limit = clipLevel, size = window, quiet = Double(silenceLevel)
            var windows: [Bool] = []
            // Window by window, channel by channel: short loops over contiguous floats that the
            // optimiser vectorises.
            var i = 0
            while i < count {
                let n = min(size - filled, count - i)
                let first = planes[0].baseAddress! + i
                var squares: Float = 0
                for (c, plane) in planes.enumerated() {
                    let v = plane.baseAddress! + i
                    var ee: Float = 0, dd: Float = 0, tt: Float = 0
                    for k in 0..<n {
                        let x = v[k], f = first[k]
                        ee += x * x
                        dd += (f - x) * (f - x)
                        tt += (f + x) * (f + x)
                    }
                    energy[c] += Double(ee)
                    apart[c] += Double(dd)
                    together[c] += Double(tt)
                    squares += ee
                }
                sum += Double(squares) / Double(max(1, channels))
                filled += n
                i += n
                if filled == size {
                    windows.append(sum / Double(size) < quiet)
                    sum = 0
                    filled = 0
                    closeWindow(count: size)
                }
            }
            windowSum = sum
            windowCount = filled
            silent += windows
            // Clipping, channel by channel, only where a sample reaches the level.
            for (c, plane) in planes.enumerated() {
                var start = clipStart[c], length = clipLength[c]
                for i in 0..<count {
                    if abs(plane[i]) >= limit {
                        if start == nil { start = position + i }
                        length += 1
                    } else if let s = start {
                        if length >= clipRun { clips.append(s..<(s + length)) }
                        start = nil
                        length = 0
                    }
                }
                clipStart[c] = start
                clipLength[c] = length
            }
            position += count
        }
    }

    /// Classifies the window just filled (`count` samples) and clears its sums.
    private func closeWindow(count: Int) {
        let quiet = Double(silenceLevel) * Double(count)
        var kind: UInt8 = 0, where_ = 0
        let loudest = energy.max() ?? 0
        if energy.count > 1, loudest > quiet {
            for c in energy.indices where kind == 0 {
                if energy[c] < quiet { kind = 1; where_ = c + 1; continue }
                guard c > 0, energy[0] > quiet else { continue }
                let scale = energy[0] + energy[c]
                if apart[c] < scale * 1e-4 { kind = 2; where_ = c + 1 }
                else if together[c] < scale * 1e-4 { kind = 3; where_ = c + 1 }
            }
        }
        faults.append(kind)
        faultChannel.append(where_)
        for c in energy.indices { energy[c] = 0; apart[c] = 0; together[c] = 0 }
    }

    private func closeClip(_ channel: Int) {
        if let start = clipStart[channel], clipLength[channel] >= clipRun { clips.append(start..<(start + clipLength[channel])) }
        clipStart[channel] = nil
        clipLength[channel] = 0
    }
}
