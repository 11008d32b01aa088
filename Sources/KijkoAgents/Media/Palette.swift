import Foundation
public import KijkoMedia

/// A colour in CIE L*a*b* (D65): distances here are close to what people see (KijkoMedia's ``CIELab``).
public typealias LabColour = CIELab

extension CIELab {
    /// From 8-bit sRGB.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        let r = linear(red), g = linear(green), bl = linear(blue)
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * bl
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116 }
        self.init(l: 116 * f(y) - 16, a: 500 * (f(x) - f(y)), b: 200 * (f(y) - f(z)))
    }

    /// Back to sRGB, `#rrggbb`.
    public var hex: String {
        let fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200
        func inverse(_ t: Double) -> Double { t * t * t > 0.008856 ? t * t * t : (t - 16.0 / 116) / 7.787 }
        let x = inverse(fx) * 0.95047, y = inverse(fy), z = inverse(fz) * 1.08883
        let r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
        let g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
        let bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
        func gamma(_ v: Double) -> Int {
            let c = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(max(0, v), 1 / 2.4) - 0.055
            return Int((min(1, max(0, c)) * 255).rounded())
        }
        return String(format: "#%02x%02x%02x", gamma(r), gamma(g), gamma(bl))
    }

    func distance2(_ o: LabColour) -> Double { (l - o.l) * (l - o.l) + (a - o.a) * (a - o.a) + (b - o.b) * (b - o.b) }
}

/// Palettes from pictures: small decoded frames clustered in L*a*b* (k-means, deterministic).
public enum Palette {
    /// Pixels of `count` frames spread over each file (one for an image), decoded at 64x36.
    public static func samples(from files: [String], framesPerFile: Int = 6) throws -> [LabColour] {
        var pixels: [LabColour] = []
        for file in files {
            let info = try Probe.file(file)
            let duration = info.first(.video)?.duration ?? info.duration ?? 0
            let count = duration > 0.5 ? framesPerFile : 1
            // One reader per file, seeking forward to each sample.
            let reader = try FrameReader(path: file)
            for i in 0..<count {
                if count > 1 { try reader.seek(toPTS: reader.startPTS + Int64(duration * (Double(i) + 0.5) / Double(count) / reader.timeBase.doubleValue)) }
                let frame = try Frame()
                guard try reader.next(into: frame) else { continue }
                let graph = try FilterGraph("[in]scale=64:36:flags=area,format=rgb24[out]", inputs: ["in": reader.frameFormat])
                try graph.push(frame, into: "in")
                try graph.push(nil, into: "in")
                let small = try Frame()
                guard try graph.pull(into: small) == .frame, let data = small.data(0) else { continue }
                let stride = small.lineSize(0)
                for y in 0..<small.height {
                    for x in 0..<small.width {
                        let p = data + y * stride + x * 3
                        pixels.append(LabColour(red: p[0], green: p[1], blue: p[2]))
                    }
                }
            }
        }
        return pixels
    }

    /// `k` clusters of `samples`, largest first: centre and share of the samples (0–1).
    /// Seeds are chosen farthest-first from the sample nearest the mean, so the result is the same every run.
    public static func cluster(_ samples: [LabColour], k: Int, iterations: Int = 12) -> [(colour: LabColour, share: Double)] {
        guard !samples.isEmpty else { return [] }
        let n = Double(samples.count)
        let mean = LabColour(l: samples.reduce(0) { $0 + $1.l } / n, a: samples.reduce(0) { $0 + $1.a } / n, b: samples.reduce(0) { $0 + $1.b } / n)
        var centres = [samples.min { $0.distance2(mean) < $1.distance2(mean) }!]
        var nearest = samples.map { $0.distance2(centres[0]) }
        while centres.count < min(k, samples.count) {
            let (index, far) = nearest.enumerated().max { $0.element < $1.element }!
            guard far > 1 else { break }
            centres.append(samples[index])
            for i in samples.indices { nearest[i] = min(nearest[i], samples[i].distance2(samples[index])) }
        }
        var assignment = [Int](repeating: 0, count: samples.count)
        for _ in 0..<iterations {
            for (i, s) in samples.enumerated() {
                var best = 0, bestD = Double.infinity
                for (c, centre) in centres.enumerated() { let d = s.distance2(centre); if d < bestD { bestD = d; best = c } }
                assignment[i] = best
            }
            var sums = [(Double, Double, Double, Int)](repeating: (0, 0, 0, 0), count: centres.count)
            for (i, s) in samples.enumerated() {
                let c = assignment[i]
                sums[c] = (sums[c].0 + s.l, sums[c].1 + s.a, sums[c].2 + s.b, sums[c].3 + 1)
            }
            for c in centres.indices where sums[c].3 > 0 {
                let m = Double(sums[c].3)
                centres[c] = LabColour(l: sums[c].0 / m, a: sums[c].1 / m, b: sums[c].2 / m)
            }
        }
        var counts = [Int](repeating: 0, count: centres.count)
        for c in assignment { counts[c] += 1 }
        return centres.indices.filter { counts[$0] > 0 }.map { (centres[$0], Double(counts[$0]) / n) }.sorted { $0.share > $1.share }
    }
}
