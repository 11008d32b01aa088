import Foundation
public import KijkoCore

/// A show look on normalised R′G′B′ (BT.709 weights), applied after each shot's match: shadows and
/// highlights split-toned toward two tints, then trims a reviewer asks for — exposure (stops, as a
/// gain on the signal), warmth (red up, blue down) and saturation about luma. Written as a 33-point
/// `.cube` (``cube(title:)``) so the renderer and any NLE apply the same numbers.
public struct ColourLook: Codable, Sendable, Equatable {
    /// Chroma offsets (R′, G′, B′, summing to no luma) added in the shadows and in the highlights.
    public var shadowTint: [Double]
    public var highlightTint: [Double]
    /// Stops: the signal × 2^exposure.
    public var exposure: Double
    /// −1…1: red + warmth × 0.1, blue − warmth × 0.1 (luma kept).
    public var warmth: Double
    /// 1 leaves colour as it is.
    public var saturation: Double

    public init(shadowTint: [Double] = [0, 0, 0], highlightTint: [Double] = [0, 0, 0], exposure: Double = 0, warmth: Double = 0, saturation: Double = 1) {
        self.shadowTint = shadowTint
        self.highlightTint = highlightTint
        self.exposure = exposure
        self.warmth = warmth
        self.saturation = saturation
    }

    static let weights = SIMD3<Double>(0.2126, 0.7152, 0.0722)

    /// Changes nothing.
    public var isIdentity: Bool {
        shadowTint.allSatisfy { $0 == 0 } && highlightTint.allSatisfy { $0 == 0 } && exposure == 0 && warmth == 0 && saturation == 1
    }

    /// A split tone drawn from a palette (`rgb` normalised R′G′B′ and its share of the pictures): the
    /// darker half's average chroma tints the shadows, the lighter half's the highlights, `strength`
    /// of it (0.35: a third of the palette's colour), each tint at most 0.05 a channel. A grey
    /// palette gives no tint.
    public static func splitTone(palette: [(rgb: SIMD3<Double>, share: Double)], strength: Double = 0.35) -> ColourLook {
        let usable = palette.filter { $0.share > 0 && $0.share.isFinite && ($0.rgb.x + $0.rgb.y + $0.rgb.z).isFinite }
            .sorted { ($0.rgb * weights).sum() < ($1.rgb * weights).sum() }
        guard !usable.isEmpty else { return ColourLook() }
        func tint(_ group: ArraySlice<(rgb: SIMD3<Double>, share: Double)>) -> [Double] {
            let total = group.reduce(0) { $0 + $1.share }
            guard total > 0 else { return [0, 0, 0] }
            var sum = SIMD3<Double>(repeating: 0)
            for swatch in group { sum += (swatch.rgb - SIMD3(repeating: (swatch.rgb * weights).sum())) * swatch.share }
            let chroma = sum / total * strength
            let largest = max(abs(chroma.x), abs(chroma.y), abs(chroma.z))
            let scaled = largest > 0.05 ? chroma * (0.05 / largest) : chroma
            return [scaled.x, scaled.y, scaled.z]
        }
        let half = max(1, usable.count / 2)
        return ColourLook(shadowTint: tint(usable[..<half]), highlightTint: tint(usable.count > 1 ? usable[half...] : usable[...]))
    }

    /// The look on one normalised pixel, clamped to [0, 1].
    public func apply(_ rgb: (Double, Double, Double)) -> (Double, Double, Double) {
        var v = SIMD3<Double>(rgb.0, rgb.1, rgb.2) * pow(2, exposure)
        let y = min(1, max(0, (v * Self.weights).sum()))
        // Shadows weigh (1 − Y)², highlights Y²: the mid-tones keep most of their colour.
        let s = (1 - y) * (1 - y), h = y * y
        v += SIMD3(shadowTint[0], shadowTint[1], shadowTint[2]) * s + SIMD3(highlightTint[0], highlightTint[1], highlightTint[2]) * h
        // Warmth: red up and blue down, balanced so luma stays.
        let w = warmth * 0.1
        v += SIMD3(w, -w * (0.2126 - 0.0722) / 0.7152, -w)
        let luma = (v * Self.weights).sum()
        v = SIMD3(repeating: luma) + (v - SIMD3(repeating: luma)) * saturation
        let c = v.clamped(lowerBound: SIMD3(repeating: 0), upperBound: SIMD3(repeating: 1))
        return (c.x, c.y, c.z)
    }

    /// The look as `.cube` text: `LUT_3D_SIZE size`, red fastest, six decimals.
    public func cubeText(title: String, size: Int = 33) -> String {
        let n = min(65, max(2, size))
        // One line, no quotes inside: a reviewer's words may hold newlines.
        let clean = String(title.unicodeScalars.map { $0.value < 0x20 || $0 == "\"" || $0.value == 0x7f ? " " : Character($0) }.prefix(60))
        var lines = ["TITLE \"\(clean)\"", "LUT_3D_SIZE \(n)", ""]
        lines.reserveCapacity(n * n * n + 3)
        for b in 0..<n {
            for g in 0..<n {
                for r in 0..<n {
                    let out = apply((Double(r) / Double(n - 1), Double(g) / Double(n - 1), Double(b) / Double(n - 1)))
                    lines.append(String(format: "%.6f %.6f %.6f", out.0, out.1, out.2))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The look as a LUT the grader applies (`file` names it in reports).
    public func cube(title: String, file: String, size: Int = 33) throws(FileProblem) -> CubeLUT {
        try CubeLUT.parse(Data(cubeText(title: title, size: size).utf8), file: file)
    }
}
