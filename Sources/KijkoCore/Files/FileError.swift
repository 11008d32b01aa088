/// A file Kijko could not read or write: which file, and the system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
