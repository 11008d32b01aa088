import Foundation
import KijkoLLM
import KijkoMedia
@testable import KijkoQC
import KijkoTestSupport
import Testing

/// The vision review over real HTTP against a scripted OpenAI-compatible server on 127.0.0.1:
/// what is sent, what comes back, and every way the server can fail.
@Suite struct VisionReviewTests {
    /// Two shots (cut at 50) and, in the faulty one, black at frames 70–85 (itself a shot: the
    /// picture cuts to black and back).
    static let clean = SynthSpec(width: 320, height: 180, frames: 100, cuts: [50])
    static let faulty = SynthSpec(width: 320, height: 180, frames: 100, cuts: [50], defects: [Defect(.black, frames: 70..<85)])

    static func audit(_ spec: SynthSpec) throws -> QCReport {
        try QCAuditor(file: try QCFixture.media(spec), profile: try QCProfile.named("broadcast-ebu", in: QCFixture.profiles)).run()
    }

    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kijko-vision-\(UUID().uuidString.prefix(8))").path
    }

    static func reviewer(_ server: LocalHTTPServer, concurrency: Int = 1, brand: String? = nil) -> VisionReviewer {
        let client = ChatClient(endpoint: LLMEndpoint(baseURL: server.baseURL + "/v1", model: "gpt-4o-mini", apiKey: "sk-test"),
                                retry: RetryPolicy(attempts: 2, baseDelay: 0.05, maxDelay: 0.1), timeout: 0.5,
                                prices: ModelPrices(["gpt-4o-mini": .init(input: 0.15, output: 0.60)]))
        return VisionReviewer(client: client, brand: brand, concurrency: concurrency)
    }

    static func write(_ report: QCReport, _ reviewer: VisionReviewer) throws -> QCReport {
        try QCReportWriter.write(report, to: folder(), encoder: JSONEncoder(), vision: .review(reviewer))
    }

    static let empty = ChatCompletionReply.body(content: #"{"issues":[]}"#)

    @Test func framesGoOutAndFindingsComeBack() throws {
        // The second shot's keyframe has a typo in a super; every other frame is fine.
        let server = try LocalHTTPServer { request, _ in
            request.text.contains("keyframe of shot 2")
                ? .json(ChatCompletionReply.body(content: #"{"issues":[{"type":"text","severity":"high","description":"super reads 'Kijkp' for 'Kijko'"}]}"#))
                : .json(Self.empty)
        }
        let report = try Self.write(try Self.audit(Self.faulty), Self.reviewer(server, concurrency: 3, brand: "Logo always top right; never red."))
        let review = try #require(report.vision)
        #expect(review.status == .complete)
        // The keyframes; the black run already has one inside it, which says so.
        #expect(review.frames.map(\.reason) == ["keyframe of shot 1", "keyframe of shot 2", "keyframe of shot 3; black at frames 70–85",
                                                "keyframe of shot 4"])
        #expect((70..<85).contains(review.frames[2].frame))
        #expect(review.usage.calls == 4 && review.usage.promptTokens == 400)
        #expect(abs((review.usage.cost ?? 0) - 4 * (100 * 0.15 + 20 * 0.60) / 1_000_000) < 1e-12)
        // Every request carried its picture, the schema and the brand guidelines.
        #expect(server.requests.count == 4)
        for request in server.requests {
            #expect(request.text.contains("data:image/jpeg;base64,"))
            #expect(request.text.contains("frame_review") && request.text.contains("Logo always top right"))
        }
        // The finding is an error issue at that keyframe, with its picture; the black run stays.
        let finding = try #require(report.issues.first { $0.check == "vision" })
        #expect(finding.severity == .error && finding.message.contains("Kijkp"))
        #expect(finding.startFrame == review.frames[1].frame && finding.startFrame >= 50)
        #expect(report.issues.contains { $0.check == "black" })
        #expect(report.status == .fail)
        let image = try FrameReader(path: review.frames[0].image)
        let picture = try Frame()
        #expect(try image.next(into: picture) && picture.width == VisionStage.pictureWidth)
    }

    @Test func lowSeverityFindingsAreWarningsOnly() throws {
        let server = try LocalHTTPServer { _, _ in
            .json(ChatCompletionReply.body(content: #"{"issues":[{"type":"colour","severity":"low","description":"slightly warm"}]}"#))
        }
        let report = try Self.write(try Self.audit(Self.clean), Self.reviewer(server))
        #expect(report.issues.count == 2 && report.issues.allSatisfy { $0.check == "vision" && $0.severity == .warning })
        #expect(report.status == .pass)
    }

    enum Fault: String, CaseIterable { case malformed, rateLimited, serverError, hang, schema }

    /// Each way the server can misbehave: handled, reported, and never failing a clean master.
    @Test(arguments: Fault.allCases)
    func serverFaultsAreReportedNotFatal(fault: Fault) throws {
        let server = try LocalHTTPServer { _, n in
            switch fault {
            case .malformed: .json("{\"choices\": [ {\"message\": ")
            case .rateLimited: n == 0 ? .json(#"{"error":{"message":"rate limited"}}"#, status: 429, headers: ["Retry-After": "1"]) : .json(Self.empty)
            case .serverError: .json(#"{"error":{"message":"model crashed"}}"#, status: 500)
            case .hang: .hang(seconds: 2)
            case .schema: .json(ChatCompletionReply.body(content: "Looks fine to me!"))
            }
        }
        let report = try Self.write(try Self.audit(Self.clean), Self.reviewer(server))
        let review = try #require(report.vision)
        #expect(report.status == .pass, "an unavailable model never fails the audit")
        #expect(review.frames.count == 2)
        switch fault {
        case .rateLimited:
            #expect(review.status == .complete)
            #expect(review.frames[0].attempts == 2 && review.frames[1].attempts == 1)
        case .malformed:
            #expect(review.status == .failed && review.frames.allSatisfy { $0.error?.contains("not a chat completion") == true })
        case .serverError:
            #expect(review.status == .failed && review.frames.allSatisfy { $0.error?.contains("HTTP 500: model crashed") == true })
            #expect(review.frames.allSatisfy { $0.attempts == 2 })
        case .hang:
            #expect(review.status == .failed && review.frames.allSatisfy { $0.error?.contains("no answer within") == true })
        case .schema:
            #expect(review.status == .failed && review.frames.allSatisfy { $0.error?.contains("did not follow the schema") == true })
            #expect(review.usage.calls == 4, "one repair turn per frame")
        }
        if review.status != .complete { #expect(review.reason?.contains("2 of 2 frames not reviewed") == true) }
    }

    @Test func commandSkipsWithoutAnEndpointAndReviewsWithOne() throws {
        let file = try QCFixture.media(Self.clean)
        let out = Self.folder()
        let skipped = try QCFixture.kijko(["qc", file, "--vision", "--out", out + "/a", "--json"], environment: ["KIJKO_LLM_BASE_URL": ""])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any]
        let vision = json?["vision"] as? [String: Any]
        #expect(vision?["status"] as? String == "skipped")
        #expect((vision?["reason"] as? String)?.contains("KIJKO_LLM_BASE_URL") == true)

        let server = try LocalHTTPServer { _, _ in
            .json(ChatCompletionReply.body(content: #"{"issues":[{"type":"legal","severity":"high","description":"no <disclosure> shown"}]}"#))
        }
        let reviewed = try QCFixture.kijko(["qc", file, "--vision", "--out", out + "/b"],
                                           environment: ["KIJKO_LLM_BASE_URL": server.baseURL + "/v1", "KIJKO_LLM_MODEL": "gpt-4o-mini",
                                                         "KIJKO_LLM_API_KEY": "sk-never-printed"])
        #expect(reviewed.status == 1, "\(reviewed.stdout) \(reviewed.stderr)")
        #expect(reviewed.stdout.contains("vision: complete (2 frames, 2 calls"), "\(reviewed.stdout)")
        #expect(!(reviewed.stdout + reviewed.stderr).contains("sk-never-printed"))
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer sk-never-printed" })
        let html = try String(contentsOfFile: out + "/b/qc-report.html", encoding: .utf8)
        #expect(html.contains("Vision review: complete") && html.contains("no &lt;disclosure&gt; shown"))
        let saved = try String(contentsOfFile: out + "/b/qc-report.json", encoding: .utf8)
        #expect(!saved.contains("sk-never-printed"))
        let xml = try String(contentsOfFile: out + "/b/qc-report.xml", encoding: .utf8)
        #expect(xml.contains("<failure type=\"vision\""))
    }
}
