import Foundation
import Hummingbird
import KijkoCore

/// A request body's fields, whichever way it came: JSON, a URL-encoded form, or multipart (a
/// form with a file). Each field is text (a JSON array of strings is kept as its items).
struct RequestFields {
    var text: [String: String] = [:]
    var lists: [String: [String]] = [:]
    /// Whether the body was JSON (numbers in it must be numbers).
    var json: [String: JSONValue]?

    static func read(_ request: Request, context: ServerContext) async throws -> RequestFields {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer: buffer)
        let type = request.headers[.contentType]?.lowercased() ?? "application/json"
        var fields = RequestFields()
        if type.hasPrefix("application/x-www-form-urlencoded") {
            for (key, value) in URLForm.parse(String(decoding: data, as: UTF8.self)) {
                fields.text[key] = value
                fields.lists[key, default: []].append(value)
            }
        } else if type.hasPrefix("multipart/form-data") {
            guard let boundary = MultipartForm.boundary(type) else { throw APIError.badRequest("multipart body without a boundary") }
            for part in try MultipartForm.parse(data, boundary: boundary) {
                guard let value = String(data: part.body, encoding: .utf8) else {
                    throw APIError.badRequest("\(part.name)\(part.filename.map { " (\($0))" } ?? ""): not text (UTF-8)")
                }
                fields.text[part.name] = value
                fields.lists[part.name, default: []].append(value)
            }
        } else {
            guard !data.isEmpty else { return fields }
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw APIError.badRequest("the body is not a JSON object")
            }
            fields.json = object
            for (key, value) in object {
                switch value {
                case .string(let text): fields.text[key] = text; fields.lists[key] = [text]
                case .array(let items):
                    let texts = items.compactMap(\.stringValue)
                    guard texts.count == items.count else { throw APIError.badRequest("\(key): a list of strings") }
                    fields.lists[key] = texts
                case .number, .bool, .null, .object: break
                }
            }
        }
        return fields
    }

    /// A field as text (nil when absent or empty).
    func string(_ key: String) -> String? {
        text[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A number: a JSON number, or a form's text.
    func number(_ key: String, range: ClosedRange<Double>) throws -> Double? {
        let value: Double?
        if let json, let field = json[key] {
            switch field {
            case .number(let n): value = n
            case .null: value = nil
            default: throw APIError.badRequest("\(key): a number")
            }
        } else if let text = string(key) {
            guard let n = Double(text.trimmingCharacters(in: .whitespaces)) else { throw APIError.badRequest("\(key): a number, not \(text.prefix(40))") }
            value = n
        } else {
            value = nil
        }
        if let value, !(value.isFinite && range.contains(value)) {
            throw APIError.badRequest("\(key): between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }
}

/// `POST /api/production/start`: `{"workflow", "brief", "media": ["DIR"], "master", "client",
/// "budget", "max_cost"}` as JSON, a form, or multipart with the brief as a file.
struct StartForm {
    var workflow: String
    var brief: String
    var media: String?
    var master: String?
    var client: String?
    var budget: Double?
    var maxCost: Double?

    static func read(_ request: Request, context: ServerContext) async throws -> StartForm {
        try StartForm(try await RequestFields.read(request, context: context))
    }

    init(_ fields: RequestFields) throws {
        guard let workflow = fields.string("workflow") else { throw APIError.badRequest("workflow: required (GET /api/workflows lists them)") }
        guard let brief = fields.string("brief"), !brief.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("brief: required (the brief's text, or a file in a multipart form)")
        }
        let media = (fields.lists["media"] ?? []).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard media.count <= 1 else { throw APIError.badRequest("media: one folder per job") }
        self.workflow = workflow
        self.brief = brief
        self.media = media.first?.trimmingCharacters(in: .whitespaces)
        master = fields.string("master")
        client = fields.string("client")
        budget = try fields.number("budget", range: 0...1e9)
        maxCost = try fields.number("max_cost", range: 0...1e6)
    }
}

/// An approval decision: `{"content_hash", "feedback", "choice", "override"}` as JSON or a form.
struct Decision {
    var contentHash: String?
    var feedback: String?
    /// An option's index (from 0) or title, when the review offers choices.
    var choice: JSONValue?
    /// Why to approve past a failing QC.
    var override: String?

    static func read(_ request: Request, context: ServerContext) async throws -> Decision {
        let fields = try await RequestFields.read(request, context: context)
        var choice = fields.json?["choice"]
        if choice == nil, let text = fields.string("choice") { choice = Int(text).map { .number(Double($0)) } ?? .string(text) }
        if choice == .null { choice = nil }
        return Decision(contentHash: fields.string("content_hash"), feedback: fields.string("feedback"), choice: choice,
                        override: fields.string("override"))
    }
}

/// `application/x-www-form-urlencoded` bodies.
enum URLForm {
    static func parse(_ body: String) -> [(String, String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]) else { return nil }
            return (key, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
