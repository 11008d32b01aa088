import Foundation

/// Amounts of money in free text.
public enum MoneyText {
    /// The first amount of money in `text`, USD: "$40,000", "40k", "budget: 40000", "USD 1.2m".
    public static func amount(in text: String) -> Double? {
        let pattern = #"(?i)(?:\$|usd\s*|budget[:\s]+\$?)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([km]?)\b"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let numberRange = Range(match.range(at: 1), in: text),
              var value = Double(text[numberRange].replacingOccurrences(of: ",", with: "")) else { return nil }
        if let unitRange = Range(match.range(at: 2), in: text) {
            switch text[unitRange].lowercased() {
            case "k": value *= 1_000
            case "m": value *= 1_000_000
            default: break
            }
        }
        return value
    }
}
