import Foundation

/// CIELAB (D65) of display-referred Rec. 709 R′G′B′, and the CIEDE2000 colour difference.
/// R′G′B′ in [0, 1] is taken to linear light by BT.1886's 2.4 power (a reference display), then to
/// XYZ by the BT.709 primaries and D65 white, then to L*a*b*.
public struct CIELab: Codable, Sendable, Equatable {
    public var l: Double
    public var a: Double
    public var b: Double

    public init(l: Double, a: Double, b: Double) {
        self.l = l
        self.a = a
        self.b = b
    }

    /// The L*a*b* of a normalised Rec. 709 R′G′B′ colour.
    public init(rgb: (Double, Double, Double)) {
        func linear(_ v: Double) -> Double { pow(min(1, max(0, v)), 2.4) }
        let r = linear(rgb.0), g = linear(rgb.1), bl = linear(rgb.2)
        // BT.709 primaries, D65 white (Y of white = 1).
        let x = 0.4123908 * r + 0.3575843 * g + 0.1804808 * bl
        let y = 0.2126390 * r + 0.7151687 * g + 0.0721923 * bl
        let z = 0.0193308 * r + 0.1191948 * g + 0.9505322 * bl
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        let fx = f(x / 0.9504559), fy = f(y), fz = f(z / 1.0890578)   // white: the rows' sums (D65)
        self.init(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// Chroma, C*ab.
    public var chroma: Double { (a * a + b * b).squareRoot() }

    /// CIEDE2000 (ΔE00) between two colours, kL = kC = kH = 1 (Sharma, Wu and Dalal, 2005).
    public static func deltaE2000(_ x: CIELab, _ y: CIELab) -> Double {
        let c1 = x.chroma, c2 = y.chroma
        let cMean = (c1 + c2) / 2
        let c7 = pow(cMean, 7)
        let g = 0.5 * (1 - (c7 / (c7 + pow(25, 7))).squareRoot())
        let a1 = (1 + g) * x.a, a2 = (1 + g) * y.a
        let c1p = (a1 * a1 + x.b * x.b).squareRoot(), c2p = (a2 * a2 + y.b * y.b).squareRoot()
        func hue(_ b: Double, _ a: Double) -> Double {
            if a == 0 && b == 0 { return 0 }
            let h = atan2(b, a) * 180 / .pi
            return h < 0 ? h + 360 : h
        }
        let h1 = hue(x.b, a1), h2 = hue(y.b, a2)
        let dL = y.l - x.l, dC = c2p - c1p
        var dh = 0.0
        if c1p * c2p != 0 {
            dh = h2 - h1
            if dh > 180 { dh -= 360 } else if dh < -180 { dh += 360 }
        }
        let dH = 2 * (c1p * c2p).squareRoot() * sin(dh / 2 * .pi / 180)
        let lMean = (x.l + y.l) / 2, cpMean = (c1p + c2p) / 2
        var hMean = h1 + h2
        if c1p * c2p != 0 {
            if abs(h1 - h2) <= 180 { hMean = (h1 + h2) / 2 } else if h1 + h2 < 360 { hMean = (h1 + h2 + 360) / 2 } else { hMean = (h1 + h2 - 360) / 2 }
        }
        let rad = Double.pi / 180
        let t = 1 - 0.17 * cos((hMean - 30) * rad) + 0.24 * cos(2 * hMean * rad) + 0.32 * cos((3 * hMean + 6) * rad) - 0.20 * cos((4 * hMean - 63) * rad)
        let dTheta = 30 * exp(-pow((hMean - 275) / 25, 2))
        let cp7 = pow(cpMean, 7)
        let rc = 2 * (cp7 / (cp7 + pow(25, 7))).squareRoot()
        let l50 = (lMean - 50) * (lMean - 50)
        let sl = 1 + 0.015 * l50 / (20 + l50).squareRoot()
        let sc = 1 + 0.045 * cpMean
        let sh = 1 + 0.015 * cpMean * t
        let rt = -sin(2 * dTheta * rad) * rc
        let termL = dL / sl, termC = dC / sc, termH = dH / sh
        return (termL * termL + termC * termC + termH * termH + rt * termC * termH).squareRoot()
    }
}
