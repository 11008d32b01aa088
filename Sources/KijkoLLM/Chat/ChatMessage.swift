public import Foundation
public import KijkoCore

/// One chat message: a role and its parts (text, and pictures sent inline as data URLs).
public struct ChatMessage: Sendable, Encodable {
    public enum Role: String, Sendable, Encodable { case system, user, assistant }

    public enum Part: Sendable {
        case text(String)
        /// A picture, sent as `data:<mime>;base64,…`.
        case image(Data, mime: String)
    }

    public var role: Role
    public var parts: [Part]

    public init(_ role: Role, _ parts: [Part]) {
        self.role = role
        self.parts = parts
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(.system, [.text(text)]) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(.user, [.text(text)]) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(.assistant, [.text(text)]) }

    /// A user message with a JPEG after its text.
    public static func user(_ text: String, jpeg: Data) -> ChatMessage { ChatMessage(.user, [.text(text), .image(jpeg, mime: "image/jpeg")]) }

    enum Keys: String, CodingKey { case role, content }
    enum PartKeys: String, CodingKey { case type, text, image_url }
    enum ImageKeys: String, CodingKey { case url }

    /// Text-only messages go as a plain string (every server takes that); with pictures, as parts.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(role, forKey: .role)
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) {
            try c.encode(parts.map { if case .text(let t) = $0 { t } else { "" } }.joined(separator: "\n"), forKey: .content)
            return
        }
        var list = c.nestedUnkeyedContainer(forKey: .content)
        for part in parts {
            var p = list.nestedContainer(keyedBy: PartKeys.self)
            switch part {
            case .text(let text):
                try p.encode("text", forKey: .type)
                try p.encode(text, forKey: .text)
            case .image(let data, let mime):
                try p.encode("image_url", forKey: .type)
                var image = p.nestedContainer(keyedBy: ImageKeys.self, forKey: .image_url)
                try image.encode("data:\(mime);base64,\(data.base64EncodedString())", forKey: .url)
            }
        }
    }
}

/// What to ask: the messages, and how the answer must look.
public struct ChatRequest: Sendable {
    public var messages: [ChatMessage]
    /// Overrides the endpoint's model (e.g. the vision model).
    public var model: String?
    public var temperature: Double?
    public var maxTokens: Int?
    /// A JSON schema the reply must follow, with its name; nil for free text.
    public var schema: (name: String, schema: JSONValue)?

    public init(messages: [ChatMessage], model: String? = nil, temperature: Double? = 0.2, maxTokens: Int? = nil,
                schema: (name: String, schema: JSONValue)? = nil) {
        self.messages = messages
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.schema = schema
    }
}

/// Tokens used and what they cost (nil when the model has no price in `presets/models.yaml`).
public struct LLMUsage: Codable, Sendable, Equatable {
    public var calls: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double?

    public init(calls: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, cost: Double? = nil) {
        self.calls = calls
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }

    public static func + (a: LLMUsage, b: LLMUsage) -> LLMUsage {
        LLMUsage(calls: a.calls + b.calls, promptTokens: a.promptTokens + b.promptTokens,
                 completionTokens: a.completionTokens + b.completionTokens,
                 cost: a.cost == nil && b.cost == nil ? nil : (a.cost ?? 0) + (b.cost ?? 0))
    }
}

/// The model's answer and what getting it took.
public struct ChatReply: Sendable {
    public var content: String
    public var model: String
    public var finishReason: String?
    public var usage: LLMUsage
    /// Tries made, and the waits between them (seconds).
    public var attempts: Int
    public var waits: [Double]
}
