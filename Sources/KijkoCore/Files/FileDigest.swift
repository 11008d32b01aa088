public import Foundation

/// SHA-256 of a file (read in 1 MiB blocks) or of bytes in memory, as lower-case hex.
public enum FileDigest {
    /// - Throws: ``FileError`` when the file cannot be read.
    public static func sha256(path: String) throws(FileError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError(file: path, reason: "cannot read the file") }
        defer { try? handle.close() }
        var hash = SHA256()
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw FileError(file: path, reason: "cannot read the file (\(error.localizedDescription))")
            }
            if block.isEmpty { break }
            hash.update(block)
        }
        return hash.finalize().hex
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(data: Data) -> String {
        var hash = SHA256()
        hash.update(data)
        return hash.finalize().hex
    }
}

extension Array where Element == UInt8 {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex, two digits a byte.
    var hex: String {
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(Self.hexDigits[Int(byte >> 4)])
            out.append(Self.hexDigits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
