/// Runs of consecutive flagged items (frames, audio windows): `[start, end)` ranges at least
/// `minimum` long.
public enum Runs {
    public static func find(_ flags: [Bool], minimum: Int, offset: Int = 0) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (i, flag) in flags.enumerated() {
            if flag, start == nil { start = i }
            if !flag, let s = start {
                if i - s >= minimum { runs.append((s + offset)..<(i + offset)) }
                start = nil
            }
        }
        if let s = start, flags.count - s >= minimum { runs.append((s + offset)..<(flags.count + offset)) }
        return runs
    }
}
