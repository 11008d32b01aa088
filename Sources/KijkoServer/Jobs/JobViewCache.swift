import Foundation
import KijkoCore
import KijkoPipeline

/// Each job's view and its JSON, kept until the job's stamp moves (``PipelineStore/jobStamp(_:)``:
/// one small query), so the dashboard's and programs' polling, and every event stream's look at
/// the store, read and encode a job only when something in it changed.
final class JobViewCache: @unchecked Sendable {
    struct Entry {
        var stamp: String
        var view: JobView
        /// The view as the API's JSON.
        var body: Data
        /// An entity tag for the body.
        var etag: String
        /// When the stamp was last read (seconds, monotonic).
        var checked: Double
    }

    /// Seconds a job's view is served without reading its stamp again: a poller sees a change
    /// within this (the event stream is the live path).
    static let freshness = 0.1

    private let store: PipelineStore
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Jobs kept at most (the least recently built go first).
    private let limit = 256

    init(store: PipelineStore) { self.store = store }

    /// The job's view as it is now (`job`: a full id).
    func entry(_ job: String) throws -> Entry {
        let now = Self.clock()
        lock.lock()
        if let entry = entries[job], now - entry.checked < Self.freshness { lock.unlock(); return entry }
        lock.unlock()
        let stamp = try store.jobStamp(job)
        lock.lock()
        if var entry = entries[job], entry.stamp == stamp {
            entry.checked = now
            entries[job] = entry
            lock.unlock()
            return entry
        }
        lock.unlock()
        let view = JobView(try store.detail(job: job), folder: store.artefactFolder(job: job))
        let body = JSONResponse.data(view)
        let entry = Entry(stamp: stamp, view: view, body: body, etag: "\"" + String(FileDigest.sha256(data: Data(stamp.utf8)).prefix(20)) + "\"",
                          checked: now)
        lock.lock()
        if entries.count >= limit, entries[job] == nil, let oldest = entries.keys.first { entries[oldest] = nil }
        entries[job] = entry
        lock.unlock()
        return entry
    }
}

extension JobViewCache {
    static func clock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Who a token belongs to, remembered for a few seconds: a busy client's every request does not
/// digest its token and read the store again.
final class PersonCache: @unchecked Sendable {
    private let store: PipelineStore
    private let lock = NSLock()
    private var known: [String: (person: PipelineStore.Person, until: Double)] = [:]
    /// Seconds a lookup is trusted.
    let lifetime: Double = 5

    init(store: PipelineStore) { self.store = store }

    func person(token: String) throws -> PipelineStore.Person? {
        let now = Date().timeIntervalSinceReferenceDate
        lock.lock()
        if let hit = known[token], hit.until > now { lock.unlock(); return hit.person }
        lock.unlock()
        guard let person = try store.person(token: token) else { return nil }
        lock.lock()
        if known.count >= 1000 { known = known.filter { $0.value.until > now } }
        if known.count < 1000 { known[token] = (person, now + lifetime) }
        lock.unlock()
        return person
    }
}
