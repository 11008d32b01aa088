import Foundation
import KijkoPipeline

/// What a brief's text says, read without a model: for offline drafts and for checks on a model's
/// drafts. Labelled lines (`Brand: Aurora`, `Audience: …`) win; otherwise the text is scanned
/// for durations (`30s`, `30-second`, `:15`), platforms and aspects, and an amount of money.
public struct BriefFacts: Codable, Sendable, Equatable {
    public var title: String
    public var brand: String
    public var product: String
    public var audience: String
    public var tone: String
    /// Key messages, in the brief's order.
    public var messages: [String]
    /// Durations asked for, seconds, longest first (30 when the brief names none).
    public var durations: [Double]
    /// Platforms named (`tv`, `youtube`, `instagram`, `tiktok`, `facebook`, `linkedin`, `x`; `display`
    /// for banner ads, `print` for posters and out-of-home).
    public var platforms: [String]
    /// Aspects asked for or implied by the platforms (`16:9`, `9:16`, `1:1`, `4:5`).
    public var aspects: [String]
    /// The budget, when the brief names an amount (or `--budget` gives one), in ``currency``.
    public var budget: Double?
    /// The ISO 4217 currency of the brief's amount ("EUR" for "Budget: EUR 40,000", "€40k" or "40,000
    /// euros"); nil when it names none beside it (the rates table's currency then).
    public var currency: String?
    /// Dates the brief names, with what each is for (`Deadline`, `Shoot`, `Air date`), in its order.
    public var dates: [Dated]
    /// Deliverables the brief lists (`Deliverables: 30s 16:9 YouTube; 15s 9:16 TikTok`, or a list
    /// under a `Deliverables` heading), as written.
    public var deliverables: [String]
    /// What must appear (`Mandatories:`, `Must include:`, `Legal line:` …, or a list under such a
    /// heading), as written.
    public var mandatories: [String]
    /// Whether the brief names a duration (else ``durations`` is the default 30 s).
    public var namesDuration: Bool
    /// Meaningful words of the brief, lower-cased, for relevance scores.
    public var keywords: [String]

    /// A date and what it is for.
    public struct Dated: Codable, Sendable, Equatable {
        public var label: String
        /// `YYYY-MM-DD`.
        public var date: String
    }

    /// The first platform a video plays on (`youtube` when the brief names only banners or print).
    public var videoPlatform: String { platforms.first { $0 != "display" && $0 != "print" } ?? "youtube" }

    /// The longest duration asked for, seconds: the main film's target.
    public var target: Double { durations.first ?? 30 }

    public init(_ text: String, client: String? = nil, budget given: Double? = nil) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        func labelled(_ names: [String]) -> String? {
            for line in lines {
                let lower = line.lowercased()
                for name in names where lower.hasPrefix(name + ":") {
                    let value = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { return value }
                }
            }
            return nil
        }
        let lower = text.lowercased()
        let firstLine = lines.first.map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: "#* ")).prefix(120)) } ?? "Untitled brief"
        title = labelled(["title", "project", "campaign"]) ?? firstLine
        brand = labelled(["brand", "client"]) ?? client ?? Self.capitalisedName(in: text) ?? "the brand"
        product = labelled(["product", "service"]) ?? brand
        audience = labelled(["audience", "target audience", "target"]) ?? "a broad adult audience"
        tone = labelled(["tone", "mood", "style"]) ?? "warm, confident"
        let messageText = labelled(["key messages", "key message", "messages", "message"])
        var messages = messageText.map { $0.split(whereSeparator: { ";|".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        if messages.isEmpty {
            messages = lines.filter { $0.hasPrefix("- ") || $0.hasPrefix("* ") }.map { String($0.dropFirst(2)) }.prefix(4).map { $0 }
        }
        if messages.isEmpty { messages = ["\(product) made for \(audience)"] }
        self.messages = messages.filter { !$0.isEmpty }
        var durations: [Double] = []
        let durationPattern = #"(?i)(?:\b(\d{1,3})\s*(?:-\s*)?(?:s|sec|secs|second|seconds)\b|(?<![\d:]):(\d{2})\b)"#
        if let regex = try? NSRegularExpression(pattern: durationPattern) {
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                for group in 1...2 {
                    if let range = Range(match.range(at: group), in: text), let value = Double(text[range]), value >= 3, value <= 600,
                       !durations.contains(value) {
                        durations.append(value)
                    }
                }
            }
        }
        self.durations = durations.isEmpty ? [30] : durations.sorted(by: >)
        namesDuration = !durations.isEmpty
        dates = lines.flatMap { line in
            DateText.dates(in: line).map { Dated(label: Self.label(of: line), date: $0) }
        }
        deliverables = Self.list(["deliverables", "deliverable", "formats", "versions"], in: lines)
        mandatories = Self.list(["mandatories", "mandatory", "mandatory elements", "must include", "must haves", "must-haves", "legal line", "legal lines", "legal"],
                                in: lines)
        // Bullets that are deliverables or mandatories are not key messages.
        let listed = Set((deliverables + mandatories).map { $0.lowercased() })
        if messageText == nil, self.messages.contains(where: { listed.contains($0.lowercased()) }) {
            let kept = self.messages.filter { !listed.contains($0.lowercased()) }
            self.messages = kept.isEmpty ? ["\(product) made for \(audience)"] : kept
        }
        let platformWords: [(String, [String])] = [
            ("tv", ["tv", "broadcast", "television"]), ("youtube", ["youtube"]), ("instagram", ["instagram", "reels"]),
            ("tiktok", ["tiktok", "tik tok"]), ("facebook", ["facebook"]), ("linkedin", ["linkedin"]), ("x", ["twitter"]),
            ("display", ["display ad", "display ads", "banner", "banners", "banner ads", "iab", "mpu", "leaderboard", "skyscraper"]),
            ("print", ["print ad", "print ads", "poster", "posters", "ooh", "out of home", "billboard", "billboards", "48 sheet", "6 sheet"]),
        ]
        // Words between spaces, however the brief punctuates them ("Instagram:", "(TikTok)", "YouTube/TV").
        let padded = " " + String(lower.map { $0.isLetter || $0.isNumber ? $0 : " " }) + " "
        platforms = platformWords.filter { name, words in
            name == "x" ? Self.namesX(text) || padded.contains(" twitter ") : words.contains { padded.contains(" \($0) ") }
        }.map(\.0)
        if platforms.isEmpty { platforms = ["youtube"] }
        var aspects = ["16:9", "9:16", "1:1", "4:5"].filter { lower.contains($0) }
        let implied = Self.aspectsOf
        for platform in platforms { for aspect in implied[platform] ?? [] where !aspects.contains(aspect) { aspects.append(aspect) } }
        self.aspects = aspects.sorted { ["16:9", "9:16", "1:1", "4:5"].firstIndex(of: $0)! < ["16:9", "9:16", "1:1", "4:5"].firstIndex(of: $1)! }
        let money = MoneyText.money(in: text)
        budget = given ?? money?.amount
        currency = money?.currency
        let stop: Set<String> = ["the", "and", "for", "with", "that", "this", "our", "your", "are", "from", "into", "will", "who", "what",
                                 "about", "their", "they", "them", "have", "has", "not", "but", "all", "can", "each", "its", "one", "two",
                                 "brief", "brand", "audience", "tone", "budget", "second", "seconds", "video", "spot", "film"]
        var seen = Set<String>()
        keywords = lower.split(whereSeparator: { !$0.isLetter }).map(String.init)
            .filter { $0.count > 2 && !stop.contains($0) && seen.insert($0).inserted }
    }

    /// Picture sizes a line names (`300x250`, `6096 × 3048 px`), width and height in pixels.
    public static func sizes(in text: String) -> [(width: Int, height: Int)] {
        let pattern = #"(?<![0-9])([0-9]{2,5}) ?[x×X] ?([0-9]{2,5})(?![0-9])"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).compactMap { match in
            guard let w = Int(ns.substring(with: match.range(at: 1))), let h = Int(ns.substring(with: match.range(at: 2))),
                  (16...20_000).contains(w), (16...20_000).contains(h) else { return nil }
            return (w, h)
        }
    }

    /// Whether the brief names X, the platform: a capital X standing alone (not in a size such as
    /// "1920 X 1080", nor "Gen X", "Generation X", "X-ray") in a sentence that names another
    /// platform ("TikTok, Instagram and X").
    static func namesX(_ text: String) -> Bool {
        let others = ["youtube", "instagram", "tiktok", "tik tok", "facebook", "linkedin", "reels", "twitter", "snapchat", "pinterest"]
        for sentence in text.split(whereSeparator: { ".!?\n;".contains($0) }) {
            let clause = String(sentence)
            guard clause.range(of: #"(?<![0-9]|[0-9] )(?<!Gen |Gen-|Generation )\bX\b(?! ?[0-9])(?!-)"#, options: .regularExpression) != nil else { continue }
            let lower = clause.lowercased()
            if others.contains(where: { lower.contains($0) }) { return true }
        }
        return false
    }

    /// The aspects each platform takes, its main one first.
    static let aspectsOf: [String: [String]] = ["tv": ["16:9"], "youtube": ["16:9"], "instagram": ["9:16", "1:1", "4:5"], "tiktok": ["9:16"],
                                               "facebook": ["1:1", "4:5"], "linkedin": ["1:1"], "x": ["16:9"]]

    /// What a dated line is about: the words before its colon (`Deadline` in `- Deadline: 15 March
    /// 2027`), else the line without its dates.
    static func label(of line: String) -> String {
        let bare = line.trimmingCharacters(in: CharacterSet(charactersIn: "-*#• ")).trimmingCharacters(in: .whitespaces)
        if let colon = bare.firstIndex(of: ":"), bare.distance(from: bare.startIndex, to: colon) <= 40 {
            let head = bare[..<colon].trimmingCharacters(in: .whitespaces)
            if !head.isEmpty, DateText.dates(in: head).isEmpty { return head }
        }
        return String(bare.prefix(60))
    }

    /// The items of a labelled line (`Label: a; b, c`) or of the list under a heading of that
    /// name (`## Deliverables` or `Deliverables:` alone, then `- a` lines), for any of `names`.
    static func list(_ names: [String], in lines: [String]) -> [String] {
        var items: [String] = []
        var under = false
        for line in lines {
            let bare = line.trimmingCharacters(in: CharacterSet(charactersIn: "#*_ ")).trimmingCharacters(in: .whitespaces)
            let lower = bare.lowercased()
            if let name = names.first(where: { lower == $0 || lower == $0 + ":" || lower.hasPrefix($0 + ":") }) {
                let rest = bare.dropFirst(name.count).drop { $0 == ":" || $0 == " " }
                if rest.isEmpty { under = true; continue }
                // A legal line is one item, commas and all; a list splits on semicolons, else commas.
                let separators: Set<Character> = name.hasPrefix("legal") ? [] : rest.contains(";") ? [";"] : [","]
                items += rest.split(whereSeparator: { separators.contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                under = false
                continue
            }
            if under, line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("• ") {
                items.append(line.dropFirst(2).trimmingCharacters(in: .whitespaces))
            } else {
                under = false
            }
        }
        var seen = Set<String>()
        return items.filter { seen.insert($0.lowercased()).inserted }
    }

    /// A capitalised word that is not the first of a sentence, as a guess at the brand.
    static func capitalisedName(in text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        for (i, word) in words.enumerated() where i > 0 {
            let clean = word.trimmingCharacters(in: .punctuationCharacters)
            guard clean.count > 2, clean.first?.isUppercase == true, clean.dropFirst().allSatisfy({ $0.isLowercase }) else { continue }
            if let previous = words[i - 1].last, ".!?".contains(previous) { continue }
            return clean
        }
        return nil
    }
}
