import Foundation

/// How a shot's colours are spread: each R′G′B′ channel's quantiles over the whole picture, and the
/// colour of its neutral areas (the sixth of its pixels nearest the picture's average chromaticity
/// — what white balance is judged on), clipped pixels (a channel ≥ 0.98) and near-black ones
/// (Rec. 709 luma < 0.04) left out of those. A fit uses only the quantiles that are neither
/// (``fits(_:)``): what is clipped in one shot says nothing of how to match it.
public struct ColourDistribution: Sendable, Equatable {
    /// The quantile levels fitted and measured.
    public static let levels: [Double] = stride(from: 0.05, through: 0.951, by: 0.05).map { $0 }
    /// Levels whose colours the distance compares.
    static let compared: [Double] = [0.1, 0.25, 0.5, 0.75, 0.9]

    /// Per channel (R, G, B), the value at each of ``levels``.
    public var quantiles: [[Double]]
    /// The mean R′G′B′ of the neutral areas.
    public var neutral: (Double, Double, Double)
    /// Pixels measured.
    public var count: Int

    public static func == (x: ColourDistribution, y: ColourDistribution) -> Bool {
        x.quantiles == y.quantiles && x.neutral == y.neutral && x.count == y.count
    }

    /// Whether a pixel is measured: not clipped, not near black.
    public static func counts(_ p: SIMD3<Float>) -> Bool {
        max(p.x, max(p.y, p.z)) < 0.98 && 0.2126 * p.x + 0.7152 * p.y + 0.0722 * p.z >= 0.04
    }

    /// An even subsample of `pixels`, at most about `limit` of them (every pixel when fewer).
    public static func subsample(_ pixels: [SIMD3<Float>], atMost limit: Int) -> [SIMD3<Float>] {
        let step = max(1, pixels.count / max(1, limit))
        return step == 1 ? pixels : stride(from: 0, to: pixels.count, by: step).map { pixels[$0] }
    }

    /// Whether a channel's quantile can be fitted: neither clipped nor black.
    public static func fits(_ value: Double) -> Bool { value >= 0.02 && value < 0.98 }

    /// The distribution of `pixels` (normalised R′G′B′); nil when none is neither clipped nor near black.
    public init?(_ pixels: [SIMD3<Float>]) {
        let kept = pixels.filter(Self.counts)
        guard !kept.isEmpty else { return nil }
        count = kept.count
        quantiles = (0..<3).map { c in
            let sorted = pixels.map { Double($0[c]) }.sorted()
            return Self.levels.map { level in sorted[min(sorted.count - 1, Int(level * Double(sorted.count - 1) + 0.5))] }
        }
        // Neutral areas: the pixels nearest the average chromaticity (grey world), a sixth of them.
        let labs = kept.map { CIELab(rgb: (Double($0.x), Double($0.y), Double($0.z))) }
        let meanA = labs.reduce(0) { $0 + $1.a } / Double(labs.count), meanB = labs.reduce(0) { $0 + $1.b } / Double(labs.count)
        let distances = labs.map { ($0.a - meanA) * ($0.a - meanA) + ($0.b - meanB) * ($0.b - meanB) }
        let cut = distances.sorted()[min(distances.count - 1, distances.count / 6)]
        var sum = SIMD3<Double>(0, 0, 0), n = 0.0
        for (p, d) in zip(kept, distances) where d <= cut {
            sum += SIMD3<Double>(Double(p.x), Double(p.y), Double(p.z))
            n += 1
        }
        neutral = (sum.x / n, sum.y / n, sum.z / n)
    }

    /// The colour at quantile level `level` of each channel.
    func colour(at level: Double) -> (Double, Double, Double) {
        let i = Self.levels.enumerated().min { abs($0.element - level) < abs($1.element - level) }!.offset
        return (quantiles[0][i], quantiles[1][i], quantiles[2][i])
    }

    /// How far apart two shots' colours are: the mean CIEDE2000 between their colours at the 10th,
    /// 25th, 50th, 75th and 90th percentiles and between their neutrals. 0 for the same spread;
    /// about 1 is the smallest difference people see side by side.
    public func distance(to other: ColourDistribution) -> Double {
        var pairs = Self.compared.map { (colour(at: $0), other.colour(at: $0)) }
        pairs.append((neutral, other.neutral))
        return pairs.reduce(0) { $0 + CIELab.deltaE2000(CIELab(rgb: $1.0), CIELab(rgb: $1.1)) } / Double(pairs.count)
    }
}
