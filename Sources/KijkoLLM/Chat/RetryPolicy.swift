public import Foundation

/// How often and how patiently a call is retried: on 429, 5xx, timeouts, dropped connections and
/// truncated bodies. A server's `Retry-After` (seconds or an HTTP date) is honoured up to a cap;
/// otherwise the wait doubles from `baseDelay` with jitter (half fixed, half random).
public struct RetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var attempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Longest `Retry-After` obeyed, seconds.
    public var retryAfterCap: Double

    public init(attempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 20, retryAfterCap: Double = 60) {
        self.attempts = max(1, attempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryAfterCap = retryAfterCap
    }

    /// Seconds to wait after failed try `attempt` (1-based).
    public func delay(after attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(0, retryAfter), retryAfterCap) }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }

    /// A `Retry-After` value in seconds: delta-seconds or an HTTP date.
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return seconds }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return format.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }
}
