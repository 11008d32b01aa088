import Foundation
import Yams
public import KijkoCore

/// One platform as the Platform Optimizer sees it: the presets that make its set and the rules
/// its drafted copy follows. Read from `presets/optimizer/platforms.yaml`.
public struct PlatformRules: Sendable, Equatable {
    public var name: String
    public var presets: [String]
    /// Longest caption the platform takes, characters.
    public var captionLimit: Int
    /// Hashtags to draft.
    public var hashtags: Int
    /// Tags every post carries, without `#`.
    public var baseTags: [String]
    /// Weekly slots that tend to perform, `Tue 18:00` (local time).
    public var bestTimes: [Slot]

    public struct Slot: Sendable, Equatable {
        /// 1 Sunday … 7 Saturday (Gregorian `weekday`).
        public var weekday: Int
        public var hour: Int
        public var minute: Int
    }

    /// Every platform in `file`, by name; errors name the file, line and key.
    public static func load(file: String) throws(PresetError) -> [String: PlatformRules] {
        let root = try YAMLFields.document(file)
        var top = try YAMLFields(root, file: file)
        guard let entries = try top.entries("platforms") else { throw top.fail("platforms", nil, "missing") }
        try top.finish()
        var rules: [String: PlatformRules] = [:]
        for (name, entry) in entries {
            var f = entry
            guard let presets = try f.strings("presets"), !presets.isEmpty else { throw f.fail("presets", nil, "missing") }
            let times = try f.strings("best_times") { Slot($0) == nil ? "expected slots like \"Tue 18:00\", got \($0)" : nil }
            let slots = (times ?? []).compactMap(Slot.init)
            rules[name] = PlatformRules(name: name, presets: presets, captionLimit: try f.int("caption_limit") ?? 2200,
                                        hashtags: try f.int("hashtags") ?? 3, baseTags: try f.strings("base_tags") ?? [],
                                        bestTimes: slots)
            try f.finish()
        }
        return rules
    }

    /// `presets/optimizer/platforms.yaml` beside the platform presets folder.
    public static func defaultFile() -> String {
        Presets.path("optimizer/platforms.yaml")
    }
}

extension PlatformRules.Slot {
    static let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    init?(_ text: String) {
        let parts = text.lowercased().split(separator: " ")
        guard parts.count == 2, let day = Self.days.firstIndex(of: String(parts[0].prefix(3))) else { return nil }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 2, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]) else { return nil }
        self.init(weekday: day + 1, hour: clock[0], minute: clock[1])
    }
}
