public import Foundation

/// Writes a whole file beside its target under a temporary name and renames it, so no half-file
/// ever has the real name (manifests, crop paths, reports, exported timelines).
public enum AtomicFile {
    /// - Throws: ``FileError`` naming `path` and the system's reason.
    public static func write(_ data: Data, to path: String) throws(FileError) {
        let temporary = temporaryPath(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileError(file: path, reason: "cannot write (\(error.localizedDescription))")
        }
        try commit(temporary, to: path)
    }

    /// A hidden name beside `path` to write under before ``commit(_:to:)``.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(UInt32.random(in: 0...UInt32.max))").path
    }

    /// Renames a finished `temporary` to `path` (atomic on one file system); on failure the
    /// temporary file is removed.
    public static func commit(_ temporary: String, to path: String) throws(FileError) {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileError(file: path, reason: "cannot write (\(reason))")
        }
    }
}
