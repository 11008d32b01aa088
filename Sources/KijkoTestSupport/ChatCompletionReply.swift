import Foundation

/// Bodies an OpenAI-compatible server sends, for test servers.
public enum ChatCompletionReply {
    /// A chat completion whose message content is `content`.
    public static func body(content: String, model: String = "test-vision", promptTokens: Int = 100, completionTokens: Int = 20) -> String {
        let escaped = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
        return """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"\(model)",\
            "choices":[{"index":0,"message":{"role":"assistant","content":\(escaped)},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":\(promptTokens),"completion_tokens":\(completionTokens),"total_tokens":\(promptTokens + completionTokens)}}
            """
    }
}
