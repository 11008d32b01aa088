public import KijkoCore

/// The options a reviewer chooses among when the reviewed output ranks some (concepts), and how
/// a choice — an index from 0 or a title — becomes the `{index, title}` recorded with the
/// decision, which the steps after the gate read (``AgentInputs/chosenConcept(in:)``).
public enum ApprovalChoice {
    /// Titles of the ranked options in a reviewed output (`concepts: [{title…}]`), in rank order.
    public static func options(in content: JSONValue?) -> [String] {
        guard case .array(let items)? = content?["concepts"] else { return [] }
        return items.enumerated().map { index, item in item["title"]?.stringValue ?? "option \(index + 1)" }
    }

    /// `choice` (an index from 0, or one of the titles) as recorded.
    /// - Throws: ``ServiceError`` when there is nothing to choose or the choice is not an option.
    public static func resolve(_ choice: JSONValue, options: [String]) throws -> JSONValue {
        guard !options.isEmpty else { throw ServiceError("choice: this review offers nothing to choose") }
        let index: Int?
        switch choice {
        case .number(let n) where n == n.rounded() && n >= 0 && n < Double(options.count): index = Int(n)
        case .string(let title): index = options.firstIndex(of: title)
        default: index = nil
        }
        guard let index else {
            throw ServiceError("choice: one of the \(options.count) options — an index from 0 to \(options.count - 1) (rank 1 to \(options.count)), or a title")
        }
        return .object(["index": .number(Double(index)), "title": .string(options[index])])
    }
}
