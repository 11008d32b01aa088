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
    /// The last ``blockWindows`` windows' sums (energy per channel; per pair, difference and sum;
    /// samples), the best verdict on each channel in each of them so far, and windows since the
    /// last block was judged.
    private var recent: [(energy: [Double], apart: [Double], together: [Double], samples: Int)] = []
    private var verdicts: [[Verdict]] = []
    private var sinceJudged = 0
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
        if sinceJudged > 0 || recent.count < Self.blockWindows { judgeBlock() }
        while !recent.isEmpty { settleOldest() }
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
                recent = []
                verdicts = []
                sinceJudged = 0
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
    /// Windows in a block judged for copies and inversions (half a second), and windows between
    /// one block and the next (a tenth of a second): blocks overlap, so a copy of a little over
    /// half a second is whole in one of them wherever it starts.
    static let blockWindows = 50
    static let blockHop = 10

    /// What the blocks covering a window found on a channel: the strongest evidence wins — a copy
    /// or an inversion (4), nearly one (3), judged clean (2), too quiet to judge (1), none yet (0).
    struct Verdict {
        var rank: UInt8 = 0
        var code: UInt16 = 0
    }

    /// Classifies the window just filled (`count` samples) channel by channel and clears its
    /// sums: while any channel carries sound, a channel in digital silence is silent, and one
    /// under the silence level too quiet to judge; while none does, the window is idle. Every
    /// ``blockHop`` windows the last ``blockWindows`` are judged for copies and inversions.
    private func closeWindow(count: Int) {
        let quiet = Double(silenceLevel) * Double(count), dead = deadLevel * Double(count)
        let live = energy.count > 1 && (energy.max() ?? 0) > quiet
        if verdicts.count != energy.count { verdicts = Array(repeating: [], count: energy.count) }
        for c in energy.indices {
            var code = ChannelFault.idle.code(other: 0)
            if live {
                if energy[c] < dead { code = ChannelFault.silent.code(other: 0) }
                else if energy[c] <= quiet { code = ChannelFault.quiet.code(other: 0) }
                else { code = ChannelFault.none }
            }
            faults[c].append(code)
            verdicts[c].append(Verdict())
        }
        recent.append((energy, apart, together, count))
        for c in energy.indices { energy[c] = 0 }
        for p in apart.indices { apart[p] = 0; together[p] = 0 }
        if recent.count > Self.blockWindows { settleOldest() }
        sinceJudged += 1
        if recent.count == Self.blockWindows, sinceJudged >= Self.blockHop { judgeBlock() }
    }

    /// Judges the last ``blockWindows`` windows (fewer at the end of a short stream): a channel
    /// carrying sound whose difference from (or sum with) an earlier channel carrying sound is
    /// ``sameness`` under their energy is a copy of it (or it inverted) there.
    private func judgeBlock() {
        sinceJudged = 0
        guard !recent.isEmpty, let channels = recent.first?.energy.count else { return }
        var blockEnergy = [Double](repeating: 0, count: channels)
        var blockApart = [Double](repeating: 0, count: pairs.count), blockTogether = blockApart
        var samples = 0
        for window in recent {
            for c in 0..<channels { blockEnergy[c] += window.energy[c] }
            for p in pairs.indices { blockApart[p] += window.apart[p]; blockTogether[p] += window.together[p] }
            samples += window.samples
        }
        let quiet = Double(silenceLevel) * Double(samples)
        for c in 0..<channels {
            var found = Verdict(rank: 1, code: ChannelFault.quiet.code(other: 0))   // too quiet to judge
            if blockEnergy[c] > quiet {
                found = Verdict(rank: 2, code: ChannelFault.none)
                for (p, (a, b)) in pairs.enumerated() where b == c && blockEnergy[a] > quiet {
                    let scale = blockEnergy[a] + blockEnergy[c]
                    if blockApart[p] < scale * Self.sameness { found = Verdict(rank: 4, code: ChannelFault.copy.code(other: a)); break }
                    if blockTogether[p] < scale * Self.sameness { found = Verdict(rank: 4, code: ChannelFault.inverted.code(other: a)); break }
                    if found.rank < 3, blockApart[p] < scale * Self.nearness { found = Verdict(rank: 3, code: ChannelFault.nearCopy.code(other: a)) }
                    else if found.rank < 3, blockTogether[p] < scale * Self.nearness { found = Verdict(rank: 3, code: ChannelFault.nearInverted.code(other: a)) }
                }
            }
            for i in verdicts[c].indices where found.rank > verdicts[c][i].rank { verdicts[c][i] = found }
        }
    }

    /// The oldest window no later block will cover: its blocks' verdict goes into its fault code.
    /// A copy or an inversion marks only a window where the channel itself sounded (a silent, quiet
    /// or idle window keeps its code: a run is carried through those, never made of them); a block
    /// too quiet to judge makes a window that was live but unjudged too quiet to judge.
    private func settleOldest() {
        recent.removeFirst()
        for c in verdicts.indices where !verdicts[c].isEmpty {
            let verdict = verdicts[c].removeFirst()
            let w = faults[c].count - verdicts[c].count - 1
            guard w >= 0, faults[c][w] == ChannelFault.none else { continue }
            if verdict.rank >= 3 { faults[c][w] = verdict.code }
            else if verdict.rank == 1 { faults[c][w] = ChannelFault.quiet.code(other: 0) }
        }
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
