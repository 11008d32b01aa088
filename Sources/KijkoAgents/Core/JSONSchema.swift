import Foundation
import KijkoLLM
public import KijkoCore

/// JSON schemas for agent documents: derived from an example value, and checked against.
/// Only what strict structured outputs use: object (all properties required, no others), array,
/// string (with enum), number, boolean, and nullable types.
public enum JSONSchema {
    /// The schema `example` is an instance of. Arrays take their items' schema from the first item;
    /// keys in `optional` also admit null; keys in `enums` list their allowed strings.
    public static func derive(from example: JSONValue, optional: Set<String> = [], enums: [String: [String]] = [:]) -> JSONValue {
        schema(example, key: nil, optional: optional, enums: enums)
    }

    /// `item`: the value is an array's item, which takes its key's enum but never its nullability
    /// (an optional list holds no nulls).
    private static func schema(_ value: JSONValue, key: String?, optional: Set<String>, enums: [String: [String]], item: Bool = false) -> JSONValue {
        var result: JSONValue
        switch value {
        case .null: result = ["type": "null"]
        case .bool: result = ["type": "boolean"]
        case .number: result = ["type": "number"]
        case .string:
            result = key.flatMap { enums[$0] }.map { JSONValue.enumSchema($0) } ?? ["type": "string"]
        case .array(let items):
            result = ["type": "array", "items": items.first.map { schema($0, key: key, optional: optional, enums: enums, item: true) } ?? ["type": "string"]]
        case .object(let fields):
            result = .objectSchema(fields.reduce(into: [:]) { $0[$1.key] = schema($1.value, key: $1.key, optional: optional, enums: enums) })
        }
        if !item, let key, optional.contains(key), case .object(var fields) = result, case .string(let type)? = fields["type"] {
            fields["type"] = [.string(type), "null"]
            if case .array(let values)? = fields["enum"] { fields["enum"] = .array(values + [.null]) }
            result = .object(fields)
        }
        return result
    }

    /// What in `value` breaks `schema`, one line per problem with its JSON path (empty when valid).
    public static func problems(_ value: JSONValue, against schema: JSONValue, path: String = "$") -> [String] {
        guard case .object(let rule) = schema else { return [] }
        let types: [String]
        switch rule["type"] {
        case .string(let t)?: types = [t]
        case .array(let ts)?: types = ts.compactMap { if case .string(let t) = $0 { t } else { nil } }
        default: types = []
        }
        let actual = typeName(value)
        guard types.isEmpty || types.contains(actual) || (actual == "integer" && types.contains("number")) else {
            return ["\(path): expected \(types.joined(separator: " or ")), got \(actual == "integer" ? "number" : actual)"]
        }
        var found: [String] = []
        if case .array(let allowed)? = rule["enum"], !allowed.contains(value) {
            found.append("\(path): \(value.compactText) is not one of \(allowed.map(\.compactText).joined(separator: ", "))")
        }
        switch value {
        case .object(let fields):
            let properties: [String: JSONValue]
            if case .object(let p)? = rule["properties"] { properties = p } else { properties = [:] }
            if case .array(let required)? = rule["required"] {
                for case .string(let name) in required where fields[name] == nil {
                    // A nullable property may be left out.
                    if case .object(let p)? = properties[name], case .array(let t)? = p["type"], t.contains("null") { continue }
                    found.append("\(path).\(name): missing")
                }
            }
            for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    found += problems(field, against: property, path: "\(path).\(name)")
                } else if rule["additionalProperties"] == .bool(false) {
                    found.append("\(path).\(name): not in the schema")
                }
            }
        case .array(let items):
            if let itemRule = rule["items"] {
                for (i, item) in items.enumerated() { found += problems(item, against: itemRule, path: "\(path)[\(i)]") }
            }
        default: break
        }
        return found
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n == n.rounded() ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
