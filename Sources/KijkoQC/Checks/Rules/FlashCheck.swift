import Foundation

/// Photosensitivity: more luminance or saturated-red flashes in a second than the profile allows
/// (Ofcom / ITU-R BT.1702 style: a flash is a pair of opposing transitions over enough of the picture).
struct FlashCheck: QCCheck {
    let info = QCCheckInfo(id: "flash", profileKey: "video.flash", measures: .picture,
                           summary: "luminance and red flashes over the per-second limit", colour: "#ff9896")

    func findings(_ e: QCEvidence) -> [QCFinding] {
        guard let flash = e.profile.flash else { return [] }
        // Luminance transitions: the area got brighter or darker. Red transitions: the share of
        // saturated red changed by the area, to or from red.
        let stats = e.stats
        let luminance = stats.map { $0.rose >= flash.area ? 1 : ($0.fell >= flash.area ? -1 : 0) }
        let red = stats.indices.map { n -> Int in
            guard n > 0 else { return 0 }
            let change = Double(stats[n].redShare - stats[n - 1].redShare)
            return change >= flash.area ? 1 : (change <= -flash.area ? -1 : 0)
        }
        var out: [QCFinding] = []
        for (kind, directions) in [("", luminance), ("saturated red ", red)] {
            for (run, count) in Self.flashRuns(directions, fps: e.fps, maxPerSecond: flash.maxPerSecond) {
                out.append(QCFinding(run: run, measured: Double(count), threshold: Double(flash.maxPerSecond),
                                     message: String(format: "%d %@flashes in %.2f s (more than %d in a second): a photosensitivity risk", count, kind,
                                                     e.clock.seconds(run), flash.maxPerSecond)))
            }
        }
        return out
    }

    /// Runs of frames where a one-second window holds more than `maxPerSecond` flashes, with the
    /// flashes in each. `directions` is +1 / −1 where the picture changed one way or the other
    /// (0 elsewhere); a run of one direction is one transition, and two opposing ones make a flash.
    static func flashRuns(_ directions: [Int], fps: Double, maxPerSecond: Int) -> [(Range<Int>, Int)] {
        var direction = 0
        var transitions: [Int] = []
        for (n, now) in directions.enumerated() where now != 0 && now != direction {
            transitions.append(n)
            direction = now
        }
        let second = max(1, Int(fps.rounded()))
        var over = [Bool](repeating: false, count: directions.count)
        var first = 0
        for last in transitions.indices {
            while transitions[last] - transitions[first] >= second { first += 1 }
            if (last - first + 1) / 2 > maxPerSecond {
                for n in transitions[first]...transitions[last] { over[n] = true }
            }
        }
        return Runs.find(over, minimum: 1).map { run in (run, transitions.filter { run.contains($0) }.count / 2) }
    }

    func fix(_ f: QCFinding, _ e: QCEvidence) -> String {
        "Slow or soften the flashing in \(e.place(f.run)) (fewer than three flashes a second, or less contrast): ITU-R BT.1702 and Ofcom's rule for photosensitive viewers"
    }
}
