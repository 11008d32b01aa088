internal import CFFmpeg
public import Foundation

/// SHA-256 of a file (read in 1 MiB blocks) or of bytes in memory, through libavutil's `av_sha`.
public enum FileDigest {
    /// Lower-case hex SHA-256 of the file at `path`.
    public static func sha256(path: String) throws(MediaError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MediaError(file: path, stage: .open, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        guard let sha = av_sha_alloc() else { throw .outOfMemory(.allocate, path) }
        defer { av_free(UnsafeMutableRawPointer(sha)) }
        av_sha_init(sha, 256)
        while true {
            let block = handle.readData(ofLength: 1 << 20)
            if block.isEmpty { break }
            block.withUnsafeBytes { raw in
                av_sha_update(sha, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
            }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(sha, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(data: Data) -> String {
        guard let sha = av_sha_alloc() else { return "" }
        defer { av_free(UnsafeMutableRawPointer(sha)) }
        av_sha_init(sha, 256)
        data.withUnsafeBytes { raw in av_sha_update(sha, raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(sha, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
