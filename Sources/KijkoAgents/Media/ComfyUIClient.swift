public import Foundation
import KijkoLLM
import KijkoCore

/// A ComfyUI server's HTTP API: queue a workflow (`POST /prompt`), poll `GET /history/ID` until
/// its outputs appear, fetch the first image (`GET /view`). The workflow is
/// `presets/comfyui/storyboard.json` with `{{prompt}}`, `{{seed}}` and `{{checkpoint}}` filled.
public struct ComfyUIClient: Sendable {
    public var baseURL: String
    public var checkpoint: String
    /// Seconds to wait for one image.
    public var timeout: Double
    /// Seconds between polls.
    public var pollInterval: Double

    public init(baseURL: String, checkpoint: String = "sd_xl_base_1.0.safetensors", timeout: Double = 300, pollInterval: Double = 1) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.checkpoint = checkpoint
        self.timeout = timeout
        self.pollInterval = pollInterval
    }

    /// From `KIJKO_COMFYUI_URL` (and `KIJKO_COMFYUI_CHECKPOINT`), or nil.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ComfyUIClient? {
        guard let url = environment["KIJKO_COMFYUI_URL"], !url.isEmpty else { return nil }
        return ComfyUIClient(baseURL: url, checkpoint: environment["KIJKO_COMFYUI_CHECKPOINT"] ?? "sd_xl_base_1.0.safetensors")
    }

    /// One image for `prompt` from `workflow` (the template's text), as the server's bytes.
    public func image(prompt: String, seed: Int, workflow: String) throws -> Data {
        func quoted(_ s: String) -> String { String(String(decoding: try! JSONEncoder().encode(s), as: UTF8.self).dropFirst().dropLast()) }
        let graph = workflow.replacingOccurrences(of: "\"{{seed}}\"", with: String(seed))
            .replacingOccurrences(of: "{{prompt}}", with: quoted(prompt)).replacingOccurrences(of: "{{checkpoint}}", with: quoted(checkpoint))
        guard let graphValue = try? JSONDecoder().decode(JSONValue.self, from: Data(graph.utf8)) else {
            throw AgentError("the ComfyUI workflow template is not valid JSON once filled")
        }
        let body = Data((["prompt": graphValue, "client_id": "kijko"] as JSONValue).compactText.utf8)
        let queued = try send(HTTPRequest(method: "POST", url: baseURL + "/prompt", headers: [("Content-Type", "application/json")], body: body, timeout: 30))
        struct Queued: Decodable { var prompt_id: String }
        guard let id = (try? JSONDecoder().decode(Queued.self, from: queued))?.prompt_id else {
            throw AgentError("\(baseURL)/prompt: no prompt_id in the reply")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let history = try send(HTTPRequest(url: baseURL + "/history/" + id, timeout: 30))
            if case .object(let all)? = try? JSONDecoder().decode(JSONValue.self, from: history), case .object(let entry)? = all[id],
               case .object(let outputs)? = entry["outputs"] {
                for key in outputs.keys.sorted() {
                    guard case .object(let node)? = outputs[key], case .array(let images)? = node["images"],
                          case .object(let image)? = images.first, case .string(let filename)? = image["filename"] else { continue }
                    var parts = URLComponents()
                    parts.queryItems = [URLQueryItem(name: "filename", value: filename),
                                        URLQueryItem(name: "subfolder", value: { if case .string(let s)? = image["subfolder"] { s } else { "" } }()),
                                        URLQueryItem(name: "type", value: { if case .string(let s)? = image["type"] { s } else { "output" } }())]
                    return try send(HTTPRequest(url: baseURL + "/view?" + (parts.percentEncodedQuery ?? ""), timeout: 60))
                }
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        throw AgentError("\(baseURL): no image for prompt \(id) within \(Int(timeout)) s")
    }

    private func send(_ request: HTTPRequest) throws -> Data {
        let response: HTTPResponse
        do { response = try HTTPClient.send(request) } catch { throw AgentError("ComfyUI: \(error)") }
        guard (200..<300).contains(response.status) else { throw AgentError("\(request.url) answered HTTP \(response.status)") }
        return response.body
    }
}
