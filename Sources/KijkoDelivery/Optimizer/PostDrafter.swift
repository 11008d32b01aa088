public import Foundation

/// The copy a social manager posts with a version: caption, hashtags and the next good slot.
public struct PostDraft: Codable, Sendable, Equatable {
    public var platform: String
    public var caption: String
    public var hashtags: [String]
    /// ISO 8601, local time with offset.
    public var postAt: String
    /// `offline-draft` for rule-based drafts (no language model was asked).
    public var provenance: String
}

/// Rule-based post copy, used whenever no language model endpoint is configured: the caption is
/// the brief's first sentence (or the master's name made readable), cut at a word to the
/// platform's limit; hashtags are the platform's own tags then the brief's most frequent
/// distinctive words; the slot is the next of the platform's best weekly times.
public struct PostDrafter: Sendable {
    public let brief: String?
    public let masterName: String
    public let calendar: Calendar

    public init(brief: String?, master: String, calendar: Calendar = .current) {
        self.brief = brief?.trimmingCharacters(in: .whitespacesAndNewlines)
        masterName = URL(fileURLWithPath: master).deletingPathExtension().lastPathComponent
        self.calendar = calendar
    }

    static let stopwords: Set<String> = [
        "about", "after", "again", "against", "their", "there", "these", "those", "which", "while", "where", "would",
        "should", "could", "every", "other", "under", "above", "between", "through", "being", "because", "before",
        "video", "final", "master", "version", "draft", "export", "still", "first", "second", "thing", "things",
        "really", "within", "without", "across", "around", "into", "with", "from", "that", "this", "your", "have",
    ]

    /// The title a master's file name reads as: `summer_launch-v3_FINAL` → `Summer launch`.
    var readableName: String {
        let spaced = masterName.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        var words: [String] = []
        for part in spaced.split(separator: " ") {
            let word = String(part)
            let isVersion = word.first == "v" && Int(word.dropFirst()) != nil
            if !isVersion && !Self.stopwords.contains(word.lowercased()) { words.append(word.lowercased()) }
        }
        guard let first = words.first else { return masterName }
        words[0] = first.prefix(1).uppercased() + first.dropFirst()
        return words.joined(separator: " ")
    }

    public func draft(for rules: PlatformRules, now: Date = Date()) -> PostDraft {
        var caption = readableName
        if let brief, !brief.isEmpty {
            let sentence = brief.split(omittingEmptySubsequences: true) { ".!?\n".contains($0) }.first.map(String.init) ?? brief
            caption = sentence.trimmingCharacters(in: .whitespaces)
            if brief.count > caption.count, let end = brief.dropFirst(caption.count).first, "!?".contains(end) { caption.append(end) }
            else { caption.append(".") }
        }
        let tags = hashtags(count: rules.hashtags, base: rules.baseTags)
        let tagText = tags.map { "#" + $0 }.joined(separator: " ")
        let room = max(0, rules.captionLimit - (tagText.isEmpty ? 0 : tagText.count + 1))
        if caption.count > room {
            let cut = caption.prefix(max(0, room - 1))
            caption = (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
        }
        return PostDraft(platform: rules.name, caption: caption, hashtags: tags,
                         postAt: nextSlot(rules.bestTimes, after: now), provenance: "offline-draft")
    }

    func hashtags(count: Int, base: [String]) -> [String] {
        var tags = base.map { $0.lowercased() }
        var counts: [String: Int] = [:]
        var order: [String] = []
        let text = (brief ?? "") + " " + readableName
        for raw in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let word = String(raw)
            guard word.count >= 4, !Self.stopwords.contains(word), Int(word) == nil else { continue }
            if counts[word] == nil { order.append(word) }
            counts[word, default: 0] += 1
        }
        for word in order.enumerated().sorted(by: { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }).map(\.element)
        where tags.count < count && !tags.contains(word) {
            tags.append(word)
        }
        return Array(tags.prefix(count))
    }

    /// The next of `slots` after `now`, in the calendar's time zone, as ISO 8601.
    func nextSlot(_ slots: [PlatformRules.Slot], after now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = calendar.timeZone
        formatter.formatOptions = [.withInternetDateTime]
        let candidates = slots.compactMap { slot in
            calendar.nextDate(after: now, matching: DateComponents(hour: slot.hour, minute: slot.minute, weekday: slot.weekday),
                              matchingPolicy: .nextTime)
        }
        return formatter.string(from: candidates.min() ?? now)
    }
}
