import Foundation

/// Finds the ASC CDL that brings a shot's colours toward a reference's: per channel a slope,
/// offset and power fitted to the channels' quantiles and the neutral areas' colour (white
/// balance, exposure, contrast), then the saturation that brings the spreads closest. A shot that
/// already matches (its spread within 1 ΔE00 of the reference's, about the least difference people
/// see side by side) gets the identity, as does one the fit would improve by less than half a ΔE00.
public enum GradeMatcher {
    public struct Match: Sendable, Equatable {
        public var cdl: CDL
        /// ``ColourDistribution/distance(to:)`` to the reference before and after the CDL.
        public var before: Double
        public var after: Double
    }

    /// Pixels the fit works on at most (an even subsample of the rest).
    static let fitPixels = 20_000

    public static func match(_ pixels: [SIMD3<Float>], to reference: ColourDistribution) -> Match? {
        let sample = ColourDistribution.subsample(pixels, atMost: fitPixels)
        guard let shot = ColourDistribution(sample) else { return nil }
        let before = shot.distance(to: reference)
        guard before >= 1 else { return Match(cdl: CDL(), before: before, after: before) }
        var cdl = CDL()
        for c in 0..<3 {
            var points = zip(shot.quantiles[c], reference.quantiles[c])
                .filter { ColourDistribution.fits($0) && ColourDistribution.fits($1) }.map { (x: $0, y: $1, w: 1.0) }
            let n = [shot.neutral.0, shot.neutral.1, shot.neutral.2][c], r = [reference.neutral.0, reference.neutral.1, reference.neutral.2][c]
            points.append((n, r, 3))
            var (slope, offset, power) = (1.0, 0.0, 1.0)
            for _ in 0..<4 {
                (slope, offset) = line(points.map { ($0.x, pow(max(0, $0.y), 1 / power), $0.w) })
                slope = min(10, max(0.1, slope))
                offset = min(1, max(-1, offset))
                let (s, o) = (slope, offset)
                power = minimum(in: 0.4...2.5) { p in
                    points.reduce(0) { $0 + $1.w * pow(pow(min(1, max(0, $1.x * s + o)), p) - $1.y, 2) }
                }
            }
            cdl.slope[c] = slope
            cdl.offset[c] = offset
            cdl.power[c] = power
        }
        func graded(_ saturation: Double) -> ColourDistribution? {
            var look = cdl
            look.saturation = saturation
            return ColourDistribution(sample.map { p in
                let v = look.apply((Double(p.x), Double(p.y), Double(p.z)))
                return SIMD3<Float>(Float(v.0), Float(v.1), Float(v.2))
            })
        }
        cdl.saturation = minimum(in: 0.3...2.0) { graded($0)?.distance(to: reference) ?? .infinity }
        cdl = tidy(cdl)
        guard let after = graded(cdl.saturation)?.distance(to: reference), after <= before - 0.5 else {
            return Match(cdl: CDL(), before: before, after: before)
        }
        return Match(cdl: cdl, before: before, after: after)
    }

    /// Weighted least squares `y ≈ slope × x + offset`; a flat `x` keeps slope 1.
    static func line(_ points: [(x: Double, y: Double, w: Double)]) -> (Double, Double) {
        let w = points.reduce(0) { $0 + $1.w }
        let mx = points.reduce(0) { $0 + $1.w * $1.x } / w, my = points.reduce(0) { $0 + $1.w * $1.y } / w
        let sxx = points.reduce(0) { $0 + $1.w * ($1.x - mx) * ($1.x - mx) }
        let sxy = points.reduce(0) { $0 + $1.w * ($1.x - mx) * ($1.y - my) }
        guard sxx > 1e-9 else { return (1, my - mx) }
        let slope = sxy / sxx
        return (slope, my - slope * mx)
    }

    /// The minimum of `f` over `range` by golden-section search (f taken as unimodal there).
    static func minimum(in range: ClosedRange<Double>, _ f: (Double) -> Double) -> Double {
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = range.lowerBound, b = range.upperBound
        var c = b - ratio * (b - a), d = a + ratio * (b - a)
        var fc = f(c), fd = f(d)
        for _ in 0..<40 {
            if fc < fd { b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = f(c) } else { a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = f(d) }
        }
        let best = (a + b) / 2
        // The identity wins when it is as good.
        return range.contains(1) && f(1) <= f(best) + 1e-9 ? 1 : best
    }

    /// Four decimals, as CDL files are written, and values within a hair of the identity snapped to it.
    static func tidy(_ cdl: CDL) -> CDL {
        func round4(_ v: Double) -> Double { (v * 10_000).rounded() / 10_000 }
        var out = cdl
        out.slope = cdl.slope.map { abs($0 - 1) < 0.002 ? 1 : round4($0) }
        out.offset = cdl.offset.map { abs($0) < 0.001 ? 0 : round4($0) }
        out.power = cdl.power.map { abs($0 - 1) < 0.002 ? 1 : round4($0) }
        out.saturation = abs(cdl.saturation - 1) < 0.005 ? 1 : round4(cdl.saturation)
        return out
    }
}
