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
        /// Per channel, per window: its fault as ``ChannelFault``'s code (0 none).
        public var channelFaults: [[UInt16]]
        /// Each channel's name from the stream's layout (`FL`, `LFE` …).
        public var channelNames: [String]
        /// Clipped sample ranges (any channel).
        public var clips: [Range<Int>]
        /// Momentary and short-term loudness every 100 ms.
        public var loudnessSeries: [LoudnessPoint] = []
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
    private var faults: [[UInt16]] = []
    private var names: [String] = []
    /// Per channel in the current window: energy; per pair of channels (``pairs``), the energy of
    /// their difference and of their sum.
    private var energy: [Double] = []
    private var apart: [Double] = []
    private var together: [Double] = []
    private var pairs: [(Int, Int)] = []
    /// The same sums over the current block of windows, and its size.
    private var blockEnergy: [Double] = []
    private var blockApart: [Double] = []
    private var blockTogether: [Double] = []
    private var blockCount = 0
    private var blockSamples = 0
    /// Mean square under which a channel counts as silent (digital silence, not a quiet passage).
    private let deadLevel: Double
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
        deadLevel = pow(10, (profile.channels?.silenceDb ?? -80) / 10)
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
        closeBlock()
        for channel in clipStart.indices { closeClip(channel) }
        let measured = try loudness.finish()
        return Result(loudness: measured, sampleRate: sampleRate, window: window, silentWindows: silent,
                      channelFaults: faults, channelNames: names,
                      clips: clips.sorted { $0.lowerBound < $1.lowerBound }, loudnessSeries: loudness.series, samples: position)
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
                pairs = (0..<channels).flatMap { c in (0..<c).map { ($0, c) } }
                apart = Array(repeating: 0, count: pairs.count)
                together = apart
                faults = Array(repeating: Array(repeating: 0, count: faults.first?.count ?? 0), count: channels)
                names = out.channelNames
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
                var squares: Float = 0
                for (c, plane) in planes.enumerated() {
                    let v = plane.baseAddress! + i
                    var ee: Float = 0
                    for k in 0..<n { ee += v[k] * v[k] }
                    energy[c] += Double(ee)
                    squares += ee
                }
                for (p, (a, c)) in pairs.enumerated() {
                    let u = planes[a].baseAddress! + i, v = planes[c].baseAddress! + i
                    var dd: Float = 0, tt: Float = 0
                    for k in 0..<n {
                        dd += (u[k] - v[k]) * (u[k] - v[k])
                        tt += (u[k] + v[k]) * (u[k] + v[k])
                    }
                    apart[p] += Double(dd)
                    together[p] += Double(tt)
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

    /// A pair of channels is the same (or inverted) when, over a block of ``blockWindows``
    /// windows, the energy of their difference (or sum) is 40 dB under theirs (PCM, or a pair a
    /// lossy codec coded together); nearly the same when 20 dB under: a copy coded apart by a
    /// lossy codec (AAC 5.1 at 384 kb/s leaves it 33 dB under, at 192 kb/s 25 dB), or a real
    /// stereo mix with almost no width. Unrelated channels stay within 1 dB of their energy.
    static let sameness = 1e-4
    static let nearness = 1e-2
    /// Windows in a block judged for copies and inversions (half a second).
    static let blockWindows = 50

    /// Classifies the window just filled (`count` samples) channel by channel and clears its
    /// sums: while any channel carries sound, a channel in digital silence is silent, and one
    /// under the silence level too quiet to judge; while none does, the window is idle. Every ``blockWindows`` windows the block is
    /// judged for copies and inversions.
    private func closeWindow(count: Int) {
        let quiet = Double(silenceLevel) * Double(count), dead = deadLevel * Double(count)
        let live = energy.count > 1 && (energy.max() ?? 0) > quiet
        if blockEnergy.count != energy.count {
            blockEnergy = Array(repeating: 0, count: energy.count)
            blockApart = Array(repeating: 0, count: pairs.count)
            blockTogether = blockApart
        }
        for c in energy.indices {
            var code = ChannelFault.idle.code(other: 0)
            if live {
                if energy[c] < dead { code = ChannelFault.silent.code(other: 0) }
                else if energy[c] <= quiet { code = ChannelFault.quiet.code(other: 0) }
                else { code = ChannelFault.none }
            }
            faults[c].append(code)
            blockEnergy[c] += energy[c]
            energy[c] = 0
        }
        for p in apart.indices {
            blockApart[p] += apart[p]
            blockTogether[p] += together[p]
            apart[p] = 0
            together[p] = 0
        }
        blockCount += 1
        blockSamples += count
        if blockCount == Self.blockWindows { closeBlock() }
    }

    /// Judges the block of windows just closed: a channel carrying sound whose difference from (or
    /// sum with) an earlier channel carrying sound is ``sameness`` under their energy is a copy of
    /// it (or it inverted) in each of the block's windows not found silent.
    private func closeBlock() {
        guard blockCount > 0 else { return }
        let quiet = Double(silenceLevel) * Double(blockSamples)
        for c in blockEnergy.indices {
            guard blockEnergy[c] > quiet else {
                // Too quiet to judge: no evidence either way.
                for w in (faults[c].count - blockCount)..<faults[c].count where faults[c][w] == ChannelFault.none {
                    faults[c][w] = ChannelFault.quiet.code(other: 0)
                }
                continue
            }
            var code = ChannelFault.none
            for (p, (a, b)) in pairs.enumerated() where b == c && blockEnergy[a] > quiet {
                let scale = blockEnergy[a] + blockEnergy[c]
                if blockApart[p] < scale * Self.sameness { code = ChannelFault.copy.code(other: a); break }
                if blockTogether[p] < scale * Self.sameness { code = ChannelFault.inverted.code(other: a); break }
                if blockApart[p] < scale * Self.nearness { code = ChannelFault.nearCopy.code(other: a) }
                else if blockTogether[p] < scale * Self.nearness { code = ChannelFault.nearInverted.code(other: a) }
            }
            guard code != ChannelFault.none else { continue }
            for w in (faults[c].count - blockCount)..<faults[c].count where ChannelFault.kind(faults[c][w]) != .silent {
                faults[c][w] = code
            }
        }
        for c in blockEnergy.indices { blockEnergy[c] = 0 }
        for p in blockApart.indices { blockApart[p] = 0; blockTogether[p] = 0 }
        blockCount = 0
        blockSamples = 0
    }

    private func closeClip(_ channel: Int) {
        if let start = clipStart[channel], clipLength[channel] >= clipRun { clips.append(start..<(start + clipLength[channel])) }
        clipStart[channel] = nil
        clipLength[channel] = 0
    }
}

/// A channel's fault in one sound window, packed in 16 bits: the kind, and for a copy or an
/// inversion the earlier channel (0-based) it repeats.
public enum ChannelFault: UInt16, Sendable, CaseIterable {
    case silent = 1, copy = 2, inverted = 3
    /// Too quiet to judge (a pause in speech): neither for nor against a copy or an inversion.
    case quiet = 4
    /// Nearly a copy, or nearly inverted (see ``SoundMeter/nearness``).
    case nearCopy = 5, nearInverted = 6
    /// Every channel quiet (a pause in the whole mix): no evidence about any channel.
    case idle = 7

    static let none: UInt16 = 0

    func code(other: Int) -> UInt16 { rawValue << 8 | UInt16(truncatingIfNeeded: other) }

    /// The kind in `code`, or nil for none.
    public static func kind(_ code: UInt16) -> ChannelFault? { ChannelFault(rawValue: code >> 8) }
    /// The other channel (0-based) in `code`.
    public static func other(_ code: UInt16) -> Int { Int(code & 0xFF) }
}
