/// A request a service cannot carry out, in one line naming the file or option and what is wrong.
/// `usage` marks a mistake in the request itself (a front end exits 64 for it).
public struct ServiceError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public let usage: Bool

    public init(_ message: String, usage: Bool = false) {
        self.message = message
        self.usage = usage
    }

    public var description: String { message }
}
