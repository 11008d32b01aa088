import Foundation

/// `multipart/form-data` bodies (RFC 7578): each part's name, file name and bytes. Strict: a
/// body that does not follow the form is refused, never guessed at.
enum MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var body: Data
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    static func parse(_ body: Data, boundary: String) throws -> [Part] {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var start = find(delimiter, in: bytes, from: 0) else { throw Malformed(description: "multipart body: no boundary") }
        start += delimiter.count
        while true {
            // After a delimiter: "--" ends the body; else CRLF and a part.
            if bytes.count >= start + 2, bytes[start] == 45, bytes[start + 1] == 45 { return parts }
            guard bytes.count >= start + 2, bytes[start] == 13, bytes[start + 1] == 10 else {
                throw Malformed(description: "multipart body: a boundary not followed by a line end")
            }
            let headerStart = start + 2
            guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: headerStart) else {
                throw Malformed(description: "multipart body: a part's headers never end")
            }
            let headers = String(decoding: bytes[headerStart..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: bytes, from: contentStart) else {
                throw Malformed(description: "multipart body: a part without its closing boundary")
            }
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = parameter("name", in: disposition) else {
                throw Malformed(description: "multipart body: a part without a name")
            }
            parts.append(Part(name: name, filename: parameter("filename", in: disposition), body: Data(bytes[contentStart..<next])))
            guard parts.count <= 100 else { throw Malformed(description: "multipart body: more than 100 parts") }
            start = next + 2 + delimiter.count
        }
    }

    /// `key="value"` in a header line.
    static func parameter(_ key: String, in line: Substring) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            let value = pair[1]
            return value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        }
        return nil
    }

    /// The first place `needle` occurs in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
