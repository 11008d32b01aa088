import Foundation

/// Calendar dates in a brief's words: `2027-03-15`, `15 March 2027`, `15th Mar. 2027`,
/// `March 15, 2027`. A date that is none (`31 February 2027`) is not read, and neither is a
/// numeric `03/04/2027`, which means different days on either side of the Atlantic.
public enum DateText {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let monthWord = #"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"#
    static let patterns: [(String, (Int, Int, Int))] = [
        (#"\b(20\d\d)-(\d{1,2})-(\d{1,2})\b"#, (1, 2, 3)),
        (#"\b(\d{1,2})(?:st|nd|rd|th)?\s+"# + monthWord + #",?\s+(20\d\d)\b"#, (3, 2, 1)),
        (#"\b"# + monthWord + #"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(20\d\d)\b"#, (3, 1, 2)),
    ]

    /// Each date in `text` as `YYYY-MM-DD`, in the order they appear.
    public static func dates(in text: String) -> [String] {
        var found: [(Int, String)] = []
        for (pattern, order) in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                func group(_ i: Int) -> String? { Range(match.range(at: i), in: text).map { String(text[$0]) } }
                guard let year = group(order.0).flatMap(Int.init), let monthText = group(order.1), let day = group(order.2).flatMap(Int.init) else { continue }
                let month = Int(monthText) ?? months.firstIndex(of: String(monthText.lowercased().prefix(3))).map { $0 + 1 }
                guard let month, let iso = iso(year: year, month: month, day: day) else { continue }
                found.append((match.range.location, iso))
            }
        }
        return found.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// `YYYY-MM-DD` when the day exists.
    static func iso(year: Int, month: Int, day: Int) -> String? {
        guard (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= length else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
