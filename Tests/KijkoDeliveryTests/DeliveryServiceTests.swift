import Foundation
import KijkoCore
import KijkoMedia
import KijkoPresets
import KijkoTestSupport
import Testing
@testable import KijkoDelivery

/// The delivery service as front ends drive it: progress events, the manifest it writes, and a
/// cancellation that leaves no deliverable behind.
@Suite struct DeliveryServiceTests {
    static func request() throws -> DeliveryService.VersionsRequest {
        let (master, folder) = try DeliveryFixture.master(SynthSpec(width: 640, height: 360, frames: 100, cuts: [40, 70]), name: "service")
        let presets = try VersionTests.shipped.named(["youtube", "instagram-feed-square"])
        return DeliveryService.VersionsRequest(master: master, presets: presets, outputFolder: folder + "/versions")
    }

    @Test func versionsReportProgressAndWriteTheManifest() async throws {
        let request = try Self.request()
        let events = SharedList<ProgressEvent>()
        let result = try await DeliveryService.versions(request) { events.append($0) }
        let fractions = events.all.compactMap(\.fraction)
        #expect(!fractions.isEmpty && fractions == fractions.sorted(), "progress only goes forward")
        #expect(fractions.last == 1)
        #expect(result.manifest.deliverables.count == 2 && result.allPassed)
        let written = try JSONCoding.decoder.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: result.manifestPath)))
        #expect(written.deliverables.map(\.preset) == ["youtube", "instagram-feed-square"])
    }

    /// Cancelled 20 frames into the encode: CancellationError, and no deliverable file — neither
    /// under its name nor half-written.
    @Test func cancelledVersionsLeaveNoFile() async throws {
        let request = try Self.request()
        let handle = TaskHandle<DeliveryService.VersionsResult>()
        let task = Task { try await DeliveryService.versions(request) { event in
            if (event.frames ?? 0) >= 20, event.message?.hasPrefix("encoding") == true { handle.cancel() }
        } }
        handle.set(task)
        await #expect(throws: CancellationError.self) { try await task.value }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: request.outputFolder)) ?? []
        #expect(left.filter { $0.hasSuffix(".mp4") || $0.contains(".partial-") }.isEmpty, "\(left)")
    }
}

/// One versions run at a time into a folder: a second is refused, not let loose on the first's
/// files; the next run clears what a killed one left, and leaves no lock behind.
@Suite struct OutputFolderLockTests {
    @Test func aSecondRunIntoTheSameFolderIsRefused() throws {
        let request = try DeliveryServiceTests.request()
        var holder: FolderLock? = try FolderLock(request.outputFolder)
        #expect { _ = try DeliveryService.performVersions(request) } throws: { "\($0)".contains("another kijko run is writing into this --out folder") }
        #expect(holder != nil)
        holder = nil
        let stale = request.outputFolder + "/.service_youtube.partial-12345.mp4"
        try Data("half a file".utf8).write(to: URL(fileURLWithPath: stale))
        let result = try DeliveryService.performVersions(request)
        #expect(result.allPassed)
        let left = try FileManager.default.contentsOfDirectory(atPath: request.outputFolder)
        #expect(!left.contains { $0.contains(".partial-") || $0 == ".kijko-lock" }, "\(left)")
    }
}
