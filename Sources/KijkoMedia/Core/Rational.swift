internal import CFFmpeg

/// An exact rational number: frame rates (30000/1001), time bases (1/90000), aspect ratios (16:9).
public struct Rational: Hashable, Sendable, Codable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32

    public init(_ num: Int32, _ den: Int32) {
        self.num = num
        self.den = den
    }

    /// Parses `30000/1001`, `25`, `16:9` or a decimal such as `29.97` (mapped to the NTSC rational).
    public init?(parsing text: String) {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == ":" })
        if parts.count == 2, let n = Int32(parts[0]), let d = Int32(parts[1]), d != 0 {
            self.init(n, d)
        } else if parts.count == 1, let n = Int32(parts[0]) {
            self.init(n, 1)
        } else if parts.count == 1, let value = Double(text), value > 0 {
            // The broadcast rates people write as decimals.
            for (decimal, exact) in [(23.976, Rational(24000, 1001)), (29.97, Rational(30000, 1001)),
                                     (59.94, Rational(60000, 1001)), (47.952, Rational(48000, 1001))]
            where abs(value - decimal) < 0.005 {
                self = exact
                return
            }
            let q = av_d2q(value, 1 << 20)
            self.init(q.num, q.den)
        } else {
            return nil
        }
    }

    public var isValid: Bool { num != 0 && den != 0 }
    public var doubleValue: Double { den == 0 ? 0 : Double(num) / Double(den) }
    public var inverted: Rational { Rational(den, num) }
    public var description: String { "\(num)/\(den)" }
    /// `16:9` style, for aspect ratios.
    public var ratioDescription: String { "\(num):\(den)" }

    /// Reduced to lowest terms.
    public var reduced: Rational {
        var n: Int32 = 0, d: Int32 = 0
        av_reduce(&n, &d, Int64(num), Int64(den), Int64(Int32.max))
        return Rational(n, d)
    }

    var av: AVRational { AVRational(num: num, den: den) }
    init(_ av: AVRational) { self.init(av.num, av.den) }

    // Encoded as "num/den" so JSON stays readable and exact.
    public init(from decoder: any Swift.Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Rational(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a rational: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Rescales `value` from one time base to another, rounding to nearest (`av_rescale_q`).
public func rescale(_ value: Int64, from: Rational, to: Rational) -> Int64 {
    av_rescale_q(value, from.av, to.av)
}
