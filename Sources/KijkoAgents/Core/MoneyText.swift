import Foundation

/// Amounts of money in free text, with the currency they are in.
public enum MoneyText {
    /// An amount and its ISO 4217 currency (nil when the text names none: "budget: 40000").
    public struct Money: Sendable, Equatable {
        public var amount: Double
        public var currency: String?
    }

    /// Currency codes read as such, and the symbols and words that stand for one.
    public static let codes = ["USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "INR",
                        "CNY", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "AED"]
    static let symbols: [String: String] = ["US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"]
    static let words: [String: String] = ["euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "pound": "GBP",
                                          "pounds": "GBP", "franc": "CHF", "francs": "CHF"]

    /// Thousands set off by spaces ("400 000"), or digits with commas and dots; a unit after it.
    private static let number = #"(?<num>\d{1,3}(?:[ \x{00A0}]\d{3})+(?:[.,]\d+)?|\d[\d,.]*\d|\d)\s*(?<unit>k|mn|m|million|thousand)?\b"#
    private static let code = codes.joined(separator: "|")
    /// A currency before the amount ("$40,000", "EUR 40.000", "€1.2m"), after it ("40,000 EUR",
    /// "40k euros"), or a budget the amount follows ("budget: 40000", "Budget (EUR): 30,000").
    private static let patterns: [NSRegularExpression] = [
        #"(?i)(?<cur>US\$|\$|€|£|¥|\b(?:\#(code))(?![A-Za-z]))\s*"# + number,
        #"(?i)"# + number + #"\s*(?<cur>€|£|(?<![A-Za-z])(?:\#(code))\b|\b(?:euros?|dollars?|pounds?|francs?)\b)"#,
        // Not a year in brackets ("Budget (2025): €40k").
        #"(?i)\bbudget\b(?:[\s:()–-]|\bof\b|\baround\b|\babout\b|US\$|\$|€|£|¥|\b(?:\#(code))\b)+"# + number + #"(?!\s*\))"#,
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// The first amount of money in `text`, with its currency when the text names one.
    public static func money(in text: String) -> Money? {
        let whole = NSRange(text.startIndex..., in: text)
        // The earliest match; at one place, one that names its currency first.
        let found = patterns.compactMap { $0.firstMatch(in: text, range: whole) }.min { $0.range.location < $1.range.location }
        guard let match = found, let numberRange = Range(match.range(withName: "num"), in: text),
              var value = writtenNumber(String(text[numberRange])) else { return nil }
        if let unitRange = Range(match.range(withName: "unit"), in: text) {
            switch text[unitRange].lowercased() {
            case "k", "thousand": value *= 1_000
            default: value *= 1_000_000
            }
        }
        var currency = Range(match.range(withName: "cur"), in: text).flatMap { currencyCode(String(text[$0])) }
        if currency == nil, let matched = Range(match.range, in: text) {
            // A budget line's currency is on it: passed over before the amount, or just after it
            // ("Budget: USD 40,000", "budget: 40,000 EUR"); never a currency word elsewhere in the text.
            let after = text[matched.upperBound...].prefix(12)
            currency = self.currency(in: String(text[matched])) ?? self.currency(in: String(after))
        }
        return Money(amount: value, currency: currency)
    }

    /// The first amount of money in `text`, in whatever currency it names.
    public static func amount(in text: String) -> Double? { money(in: text)?.amount }

    /// The first currency `text` names (a code in capitals, a symbol or a word).
    public static func currency(in text: String) -> String? {
        let pattern = #"(US\$|\$|€|£|¥|(?<![A-Za-z])(?:\#(code))(?![A-Za-z])|(?i:\b(?:euros?|dollars?|pounds?|francs?)\b))"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range, in: text) else { return nil }
        return currencyCode(String(text[range]))
    }

    static func currencyCode(_ token: String) -> String? {
        if let symbol = symbols[token] { return symbol }
        let upper = token.uppercased()
        if codes.contains(upper) { return upper }
        return words[token.lowercased()]
    }

    /// A written number: thousands set off by commas ("40,000.50"), by dots ("40.000", "40.000,00")
    /// or by spaces ("400 000"), a decimal comma ("1,5"), or plain digits.
    public static func writtenNumber(_ written: String) -> Double? {
        var text = written.replacingOccurrences(of: "\u{00A0}", with: " ")
        if text.range(of: #"^\d{1,3}( \d{3})+([.,]\d+)?$"#, options: .regularExpression) != nil {
            text = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
        }
        func matches(_ pattern: String) -> Bool { text.range(of: pattern, options: .regularExpression) != nil }
        if matches(#"^\d{1,3}(\.\d{3})+,\d{1,2}$"#) {
            return Double(text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "."))
        }
        if matches(#"^\d{1,3}(\.\d{3})+$"#) { return Double(text.replacingOccurrences(of: ".", with: "")) }
        if matches(#"^\d{1,3}(,\d{3})+(\.\d+)?$"#) { return Double(text.replacingOccurrences(of: ",", with: "")) }
        if matches(#"^\d+,\d{1,2}$"#) { return Double(text.replacingOccurrences(of: ",", with: ".")) }
        if matches(#"^\d+(\.\d+)?$"#) { return Double(text) }
        return nil
    }
}
