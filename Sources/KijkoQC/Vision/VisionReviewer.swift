import Foundation
public import KijkoLLM
import KijkoCore

/// Sends frames of a master to a vision model, one JPEG per call, several calls at once up to a
/// limit, and asks for a structured list of visible problems per frame (artifacts, colour, text and
/// typos, brand, legal/compliance). A call that fails (timeout, 429/5xx after its retries, a reply
/// that breaks the schema) is recorded on its frame; the review never throws.
public struct VisionReviewer: Sendable {
    /// A frame to show the model.
    public struct Subject: Sendable {
        public var frame: Int
        public var time: Double
        public var image: String
        public var reason: String

        public init(frame: Int, time: Double, image: String, reason: String) {
            self.frame = frame
            self.time = time
            self.image = image
            self.reason = reason
        }
    }

    public let client: ChatClient
    /// Brand guidelines to judge against (`--brand FILE`), if any.
    public var brand: String?
    /// Calls in flight at once.
    public var concurrency: Int

    public init(client: ChatClient, brand: String? = nil, concurrency: Int = 4) {
        self.client = client
        self.brand = brand
        self.concurrency = concurrency
    }

    struct Answer: Decodable {
        var issues: [VisionReview.Finding]
    }

    /// The reply's schema: `{"issues": [{"type", "severity", "description"}]}`. Made per review
    /// rather than held in a global (an indirect enum's boxes behind tagged pointers in a global
    /// read as lost to valgrind).
    static var schema: JSONValue { JSONValue.objectSchema([
        "issues": ["type": "array", "items": JSONValue.objectSchema([
            "type": JSONValue.enumSchema(VisionReview.Finding.Kind.allCases.map(\.rawValue)),
            "severity": JSONValue.enumSchema(VisionReview.Finding.Severity.allCases.map(\.rawValue)),
            "description": ["type": "string"],
        ])],
    ]) }

    var instructions: String {
        var text = """
            You are a broadcast quality-control reviewer. You see one frame of a finished video master. \
            List only problems that are visible in this frame: compression artifacts (blocks, banding, smearing), \
            colour problems (casts, crushed or clipped areas), text problems (typos, cut-off or unreadable supers), \
            brand problems (logo misuse, wrong colours), legal or compliance problems (missing disclosures, \
            unsupported claims, unsafe content), or other. Give each a type (artifact, colour, text, brand, legal, other), \
            a severity (high: must be fixed before delivery; medium: should be fixed; low: worth a look) and one \
            sentence saying what and where. Reply with an empty list when the frame has no problem.
            """
        if let brand, !brand.isEmpty { text += "\n\nBrand guidelines to check against:\n" + brand }
        return text
    }

    /// Reviews every subject; the order of `frames` follows `subjects`.
    public func review(_ subjects: [Subject]) -> VisionReview {
        let results = SharedList<(index: Int, frame: VisionReview.FrameResult, usage: LLMUsage)>()
        let model = client.endpoint.visionModel
        let instructions = instructions
        let client = client
        let schema = Self.schema
        ParallelLoop.forEach(subjects.count, limit: concurrency) { i in
            let subject = subjects[i]
            var result = VisionReview.FrameResult(frame: subject.frame, time: subject.time, image: subject.image, reason: subject.reason,
                                                  findings: [], error: nil, attempts: 0)
            var usage = LLMUsage()
            if let jpeg = FileManager.default.contents(atPath: subject.image) {
                let prompt = String(format: "Frame %d at %.2f s (%@).", subject.frame, subject.time, subject.reason)
                let request = ChatRequest(messages: [.system(instructions), .user(prompt, jpeg: jpeg)], model: model,
                                          temperature: 0, maxTokens: 800, schema: (name: "frame_review", schema: schema))
                do throws(LLMError) {
                    let (answer, reply) = try client.completeJSON(request, as: Answer.self)
                    result.findings = answer.issues
                    result.attempts = reply.attempts
                    usage = reply.usage
                } catch {
                    result.error = error.description
                    result.attempts = error.attempts
                    usage = error.usage
                }
            } else {
                result.error = "\(subject.image): cannot read the picture"
            }
            results.append((i, result, usage))
        }
        let answered = results.all.sorted { $0.index < $1.index }
        let frames = answered.map(\.frame)
        let failed = frames.filter { $0.error != nil }
        let status: VisionReview.Status = failed.isEmpty ? .complete : (failed.count == frames.count ? .failed : .partial)
        var reason: String?
        if !failed.isEmpty {
            reason = "\(failed.count) of \(frames.count) frame\(frames.count == 1 ? "" : "s") not reviewed: " + (failed.first?.error ?? "")
        }
        return VisionReview(status: status, reason: reason, endpoint: client.endpoint.baseURL, model: model, frames: frames,
                            usage: answered.reduce(LLMUsage()) { $0 + $1.usage })
    }
}
