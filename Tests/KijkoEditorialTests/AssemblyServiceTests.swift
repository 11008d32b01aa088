import Foundation
import KijkoCore
import KijkoMedia
import KijkoTestSupport
import Testing
@testable import KijkoEditorial

/// The assembly service as front ends drive it: through its progress events, and cancelled.
@Suite struct AssemblyServiceTests {
    static func request(_ out: String) throws -> AssemblyService.Request {
        let (_, _, media) = try ShotListTests.setUp()
        return AssemblyService.Request(source: .shots(media + "/shots.json"), media: [media], output: out, edlOutput: media + "/cut.edl",
                                       settings: RenderSettings(width: 320, height: 180), lenient: true)
    }

    @Test func progressRunsFromStartToFinish() async throws {
        let folder = try EditorialCLITests.scratch()
        let out = folder + "/cut.mp4"
        let events = SharedList<ProgressEvent>()
        let result = try await AssemblyService.run(try Self.request(out)) { events.append($0) }
        let render = try #require(result.render)
        let seen = events.all
        #expect(seen.first?.kind == .started && seen.last?.kind == .finished)
        let frames = seen.compactMap { $0.kind == .progress ? $0.frames : nil }
        #expect(frames == Array(1...render.frames), "one event a frame, in order")
        #expect(seen.last?.fraction == 1 && seen.last?.frames == render.frames)
        #expect(FileManager.default.fileExists(atPath: out) && result.edl != nil && result.notesMarkdown != nil)
    }

    /// Cancelled after 10 frames from its own progress stream: it throws CancellationError, and
    /// neither the output nor a partial file is left in the folder.
    @Test func cancelledRenderLeavesNoFile() async throws {
        let folder = try EditorialCLITests.scratch()
        let out = folder + "/cut.mp4"
        let request = try Self.request(out)
        let handle = TaskHandle<AssemblyService.Result>()
        let last = SharedList<Int>()
        let task = Task { try await AssemblyService.run(request) { event in
            if let frames = event.frames, event.kind == .progress { last.append(frames) }
            if event.frames == 10 && event.kind == .progress { handle.cancel() }
        } }
        handle.set(task)
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(partialFiles(in: folder).isEmpty, "\(partialFiles(in: folder))")
        #expect(last.all.max() == 10, "stopped before the next frame: \(last.all.max() ?? 0)")
    }
}
