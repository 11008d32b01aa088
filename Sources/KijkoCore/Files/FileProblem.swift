/// A file Kijko cannot use: which file, which line (when one is to blame) and what is wrong.
/// `description` is one line: `show.cube:12: LUT_3D_SIZE needs a whole number 2–256, got 300`.
public struct FileProblem: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}
