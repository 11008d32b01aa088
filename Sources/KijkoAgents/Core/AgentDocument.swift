public import Foundation
import KijkoLLM
public import KijkoCore

/// A document an agent makes: a `Codable` type whose JSON schema is derived from a complete
/// example, so the schema a model is asked for and the type that decodes its reply cannot drift.
public protocol AgentDocument: Codable, Sendable {
    /// What the document is (`vrd`, `script`, `shot_list` …): the schema's name, and how later
    /// steps find it among the job's outputs.
    static var kind: String { get }
    /// A complete instance: every optional field set, every array non-empty.
    static var example: Self { get }
    /// JSON keys (at any depth) that may be null or left out.
    static var optionalKeys: Set<String> { get }
    /// JSON keys (at any depth) whose strings must be one of the listed values.
    static var enums: [String: [String]] { get }
    /// JSON keys are the properties' names in snake_case (true), or as the type's own coding keys say.
    static var snakeCaseKeys: Bool { get }
    /// What the domain forbids that a schema cannot say, one line per problem with its JSON path
    /// (`$.shots[2].duration: …`): a model's reply with any is asked for again. Only what code
    /// cannot repair belongs here; what it can is repaired in the agent's `finish` and noted.
    func violations() -> [String]
}

extension AgentDocument {
    public static var optionalKeys: Set<String> { [] }
    public static var enums: [String: [String]] { [:] }
    public static var snakeCaseKeys: Bool { true }
    public func violations() -> [String] { [] }

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        if snakeCaseKeys { decoder.keyDecodingStrategy = .convertFromSnakeCase }
        return decoder
    }

    /// The strict JSON schema of the document.
    public static var schema: JSONValue {
        JSONSchema.derive(from: (try? example.json()) ?? .null, optional: optionalKeys, enums: enums)
    }

    /// The document as JSON.
    public func json() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Self.encoder.encode(self))
    }

    /// Decodes a document from JSON.
    public static func from(_ value: JSONValue) throws -> Self {
        try decoder.decode(Self.self, from: JSONEncoder().encode(value))
    }
}
