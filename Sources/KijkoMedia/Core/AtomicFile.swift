public import Foundation

/// Writes a whole file beside its target under a temporary name and renames it, so no half-file
/// ever has the real name (manifests, crop paths, reports, exported timelines).
public enum AtomicFile {
    /// - Throws: ``MediaError`` at stage `.write` naming `path` and the system's reason.
    public static func write(_ data: Data, to path: String) throws(MediaError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw MediaError(file: path, stage: .write, reason: "cannot write (\(error.localizedDescription))")
        }
        if rename(temporary.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw MediaError(file: path, stage: .write, reason: "cannot write (\(reason))")
        }
    }
}
