/// Why a call gave no usable answer, with what was tried. Never holds the API key.
public struct LLMError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// No response within the timeout (on every try).
        case timeout
        /// The connection failed or the body came cut short.
        case connection
        /// The server answered with an error status.
        case status
        /// The body was not a chat completion.
        case malformed
        /// The content did not follow the schema (or its rules), even after the re-asks.
        case schema
    }

    public var kind: Kind
    public var message: String
    /// HTTP status of the last try, when there was one.
    public var status: Int?
    public var attempts: Int
    public var waits: [Double]
    /// Tokens spent before it failed.
    public var usage: LLMUsage

    public var description: String {
        "\(message)" + (attempts > 1 ? " (after \(attempts) tries)" : "")
    }
}
