import Foundation

/// An ASC CDL (v1.2) decision's numbers: three each of slope, offset and power (R, G, B), and
/// saturation. On normalised R′G′B′, per channel `out = clamp(in × slope + offset)^power`, then
/// saturation about Rec. 709 luma (`L = 0.2126 R + 0.7152 G + 0.0722 B`, `out = L + sat × (in − L)`),
/// clamped to [0, 1].
public struct CDL: Codable, Sendable, Equatable, Hashable {
    public var slope: [Double]
    public var offset: [Double]
    public var power: [Double]
    public var saturation: Double

    public init(slope: [Double] = [1, 1, 1], offset: [Double] = [0, 0, 0], power: [Double] = [1, 1, 1], saturation: Double = 1) {
        self.slope = slope
        self.offset = offset
        self.power = power
        self.saturation = saturation
    }

    /// Changes nothing.
    public var isIdentity: Bool {
        slope == [1, 1, 1] && offset == [0, 0, 0] && power == [1, 1, 1] && saturation == 1
    }

    /// What is wrong with these numbers for a grade, or nil: three of each, finite, slope and
    /// power not negative (ASC CDL: power > 0), saturation not negative.
    public var problem: String? {
        guard slope.count == 3, offset.count == 3, power.count == 3 else { return "slope, offset and power need three values each" }
        guard (slope + offset + power + [saturation]).allSatisfy({ $0.isFinite && abs($0) <= 1e6 }) else { return "values must be finite numbers within ±1e6" }
        if slope.contains(where: { $0 < 0 }) { return "slope must not be negative" }
        if power.contains(where: { $0 <= 0 }) { return "power must be above 0" }
        if saturation < 0 { return "saturation must not be negative" }
        return nil
    }

    /// The formula on one normalised pixel (the reference the grader is tested against).
    public func apply(_ rgb: (Double, Double, Double)) -> (Double, Double, Double) {
        let r = sop(rgb.0, 0), g = sop(rgb.1, 1), b = sop(rgb.2, 2)
        let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
        func sat(_ v: Double) -> Double { min(1, max(0, luma + saturation * (v - luma))) }
        return (sat(r), sat(g), sat(b))
    }

    /// Slope, offset and power of channel `c` (0 R, 1 G, 2 B) on a normalised value.
    func sop(_ v: Double, _ c: Int) -> Double { pow(min(1, max(0, v * slope[c] + offset[c])), power[c]) }
}
