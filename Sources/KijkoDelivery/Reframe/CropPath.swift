public import KijkoMedia

/// The smart reframe as data: per aspect, per shot, crop-window keyframes in master pixels
/// (linear between keyframes, held before the first and after the last). Written by
/// `--crop-path` for an editor to adjust (a shot's `focus` overrides the analysis) and read back to
/// render the edited path. Frame numbers are the master's.
public struct CropPath: Codable, Sendable, Equatable {
    /// A crop window at a master frame.
    public typealias Window = CropWindow

    /// A point of the master picture, as fractions of its width and height (0…1).
    public struct Focus: Codable, Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public struct Shot: Codable, Sendable, Equatable {
        public var startFrame: Int
        /// Exclusive.
        public var endFrame: Int
        /// Set by hand: hold the window centred here for the whole shot.
        public var focus: Focus?
        public var keyframes: [Window]
    }

    public struct Track: Codable, Sendable, Equatable {
        /// `9:16`, `1:1`, `4:5`, …
        public var aspect: String
        public var lockZoom: Bool
        public var shots: [Shot]

        /// The window for master frame `n`.
        public func window(at n: Int) -> Window? {
            guard let shot = shots.first(where: { n < $0.endFrame && n >= $0.startFrame }) ?? shots.last(where: { n >= $0.startFrame }) ?? shots.first,
                  let first = shot.keyframes.first else { return nil }
            guard let nextIndex = shot.keyframes.firstIndex(where: { $0.frame > n }) else {
                var last = shot.keyframes.last!
                last.frame = n
                return last
            }
            if nextIndex == 0 { var held = first; held.frame = n; return held }
            let a = shot.keyframes[nextIndex - 1], b = shot.keyframes[nextIndex]
            let t = Double(n - a.frame) / Double(b.frame - a.frame)
            func mix(_ p: Int, _ q: Int) -> Int { Int((Double(p) + (Double(q) - Double(p)) * t).rounded()) & ~1 }
            return Window(frame: n, x: mix(a.x, b.x), y: mix(a.y, b.y), width: mix(a.width, b.width), height: mix(a.height, b.height))
        }
    }

    public var version = 1
    public var master: String
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    public var tracks: [Track]

    public func track(aspect: String) -> Track? { tracks.first { $0.aspect == aspect } }
}
