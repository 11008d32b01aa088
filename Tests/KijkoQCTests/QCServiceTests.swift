import Foundation
import KijkoCore
import KijkoMedia
import KijkoTestSupport
import Testing
@testable import KijkoQC

/// The QC service as front ends drive it: a batch with progress per file, files of the same name
/// kept apart, a file that cannot be audited in the JUnit XML, and cancellation.
@Suite struct QCServiceTests {
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kijko-qcservice-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aBatchKeepsEveryReport() async throws {
        let dir = try Self.scratch()
        let source = try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 50))
        for folder in ["d1", "d2"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(folder)", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(dir)/\(folder)/master.mp4", withDestinationPath: source)
        }
        try Data("not a movie".utf8).write(to: URL(fileURLWithPath: dir + "/broken.mp4"))
        var request = QCService.Request(files: [dir + "/d1/master.mp4", dir + "/d2/master.mp4", dir + "/broken.mp4"], outputFolder: dir + "/qc")
        request.profile = "streaming"
        let events = SharedList<ProgressEvent>()
        let result = try await QCService.run(request) { events.append($0) }
        #expect(result.files.map(\.folder) == [dir + "/qc/master", dir + "/qc/master-2", dir + "/qc/broken"])
        #expect(result.files[0].report != nil && result.files[1].report != nil && result.files[2].report == nil)
        for folder in ["master", "master-2"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/qc/\(folder)/qc-report.json"))
        }
        #expect(result.exitStatus == 2)
        let xml = try String(contentsOfFile: result.junit, encoding: .utf8)
        #expect(xml.contains("errors=\"1\"") && xml.contains("<error type=\"unreadable\""), "\(xml)")
        let started = events.all.filter { $0.kind == .started }.map(\.stage)
        #expect(started == ["qc master.mp4", "qc master.mp4"], "a file that cannot be opened never starts: its error says it")
        let finished = events.all.filter { $0.kind == .finished }.count
        #expect(finished == 2)
    }

    @Test func cancelledAuditStops() async throws {
        let dir = try Self.scratch()
        let file = try QCFixture.media(SynthSpec(width: 320, height: 180, frames: 200))
        var request = QCService.Request(files: [file], outputFolder: dir + "/qc")
        request.profile = "streaming"
        let handle = TaskHandle<QCService.Result>()
        let task = Task { try await QCService.run(request) { event in if event.frames == 30 { handle.cancel() } } }
        handle.set(task)
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: dir + "/qc/qc-report.json"), "no report for an audit that did not finish")
    }
}
