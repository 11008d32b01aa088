import Foundation
import KijkoCore
import KijkoDelivery

/// An agent's prompt, from `presets/prompts/NAME.md` (users edit these): the system message, a
/// line `---`, then the user message. `{{brief}}`, `{{input}}`, `{{feedback}}`, `{{client}}` and
/// `{{schema}}` are filled in.
public struct PromptTemplate: Sendable {
    public var system: String
    public var user: String

    public init(system: String, user: String) {
        self.system = system
        self.user = user
    }

    /// Reads `NAME.md` from `folder` (default: the presets' `prompts` folder).
    public static func named(_ name: String, folder: String? = nil) throws -> PromptTemplate {
        let path = ((folder ?? Presets.path("prompts")) as NSString).appendingPathComponent(name + ".md")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AgentError("\(path): cannot read the prompt template")
        }
        let parts = text.components(separatedBy: "\n---\n")
        guard parts.count >= 2 else { throw AgentError("\(path): expected the system message, a line ---, then the user message") }
        return PromptTemplate(system: parts[0].trimmingCharacters(in: .whitespacesAndNewlines),
                              user: parts.dropFirst().joined(separator: "\n---\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The two messages with the placeholders filled.
    public func fill(_ values: [String: String]) -> (system: String, user: String) {
        func apply(_ text: String) -> String {
            values.reduce(text) { $0.replacingOccurrences(of: "{{\($1.key)}}", with: $1.value) }
        }
        return (apply(system), apply(user))
    }
}

/// An agent that cannot do its work: the message names what is wrong.
public struct AgentError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
