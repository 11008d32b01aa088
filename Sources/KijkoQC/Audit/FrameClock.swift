/// Frame numbers to times and back, from each picture's own timestamp, so a variable-frame-rate
/// master is reported at its true times. Without timestamps (or past the last picture) it counts
/// at the nominal rate.
struct FrameClock {
    let times: [Double]
    let fps: Double

    init(times: [Double], fps: Double) {
        self.times = times
        self.fps = max(fps, 1e-6)
    }

    /// Seconds from the start to the start of picture `n` (`n` may be one past the last: its end).
    func time(_ n: Int) -> Double {
        guard let last = times.last, !times.isEmpty else { return Double(n) / fps }
        if n >= 0 && n < times.count { return times[n] }
        return n < 0 ? Double(n) / fps : last + Double(n - times.count + 1) / fps
    }

    /// Seconds a run of pictures lasts.
    func seconds(_ run: Range<Int>) -> Double { time(run.upperBound) - time(run.lowerBound) }

    /// The picture showing at `t` seconds.
    func frame(at t: Double) -> Int {
        guard !times.isEmpty else { return Int((t * fps + 1e-9).rounded(.down)) }
        var low = 0, high = times.count  // first picture starting after t
        while low < high {
            let mid = (low + high) / 2
            if times[mid] <= t + 1e-9 { low = mid + 1 } else { high = mid }
        }
        return max(0, low - 1)
    }

    /// The first picture starting at or after `t` seconds (the end of a span ending at `t`).
    func frame(after t: Double) -> Int {
        guard !times.isEmpty else { return Int((t * fps - 1e-9).rounded(.up)) }
        var low = 0, high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] < t - 1e-9 { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The timestamps step unevenly (by more than a quarter frame somewhere).
    var isVariable: Bool {
        guard times.count > 2 else { return false }
        let nominal = 1 / fps
        for i in 1..<times.count where abs(times[i] - times[i - 1] - nominal) > nominal / 4 { return true }
        return false
    }
}
