import Foundation
import Hummingbird
import KijkoAgents
import KijkoCore
import KijkoPipeline

/// `GET /artefacts/{job}/{path}`: a job's files, with their types and byte ranges (`206`), so a
/// browser scrubs a rough cut. Only files inside the job's own folder are reachable: `..`, `.`,
/// encoded slashes and backslashes are refused, and the path with its symbolic links resolved
/// must still lie inside the folder.
extension StudioServer {
    func addArtefactRoutes(to router: Router<ServerContext>) {
        let serve: @Sendable (Request, ServerContext) async throws -> Response = { request, context in
            let person = try Access.person(context)
            let file = try self.artefact(request.uri.path, person).file
            return try await ArtefactFile.response(file, request: request, context: context)
        }
        router.get("artefacts/**", use: serve)
        router.head("artefacts/**", use: serve)
    }

    /// The job (full id) and the file on disk a request's raw path names.
    func artefact(_ rawPath: String, _ person: PipelineStore.Person) throws -> (job: String, file: String) {
        var segments = rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()  // "" before the first slash
        guard segments.first == "artefacts", segments.count >= 3 else { throw APIError.notFound() }
        segments = segments.dropFirst()
        let job = try Access.visibleJob(String(segments.removeFirst()), person, jobs: jobs)
        var parts: [String] = []
        for raw in segments {
            let lower = raw.lowercased()
            guard !raw.isEmpty, !lower.contains("%2f"), !lower.contains("%5c"), !lower.contains("%00"), !raw.contains("\\"),
                  let decoded = raw.removingPercentEncoding, decoded != "..", decoded != ".", !decoded.contains("/"), !decoded.contains("\0") else {
                throw APIError(.forbidden, "artefacts: that path leaves the job's folder")
            }
            parts.append(decoded)
        }
        let folder = URL(fileURLWithPath: jobs.store.artefactFolder(job: job)).resolvingSymlinksInPath().path
        let path = URL(fileURLWithPath: folder).appendingPathComponent(parts.joined(separator: "/")).resolvingSymlinksInPath().path
        guard path.hasPrefix(folder + "/") else { throw APIError(.forbidden, "artefacts: that path leaves the job's folder") }
        return (job, path)
    }
}

/// One file as a response: whole, or the one byte range asked for.
enum ArtefactFile {
    static let types: [String: String] = [
        "mp4": "video/mp4", "m4v": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "mkv": "video/x-matroska",
        "mxf": "application/mxf", "wav": "audio/wav", "m4a": "audio/mp4", "mp3": "audio/mpeg",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "svg": "image/svg+xml",
        "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8",
        "json": "application/json", "otio": "application/json", "csv": "text/csv; charset=utf-8", "edl": "text/plain; charset=utf-8",
        "xml": "application/xml", "fcpxml": "application/xml", "srt": "text/plain; charset=utf-8", "vtt": "text/vtt; charset=utf-8",
        "yaml": "text/plain; charset=utf-8", "pdf": "application/pdf",
    ]

    static func type(of path: String) -> String {
        types[(path as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    }

    static func response(_ path: String, request: Request, context: ServerContext) async throws -> Response {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular, let size = (attributes[.size] as? NSNumber)?.intValue else {
            throw APIError.notFound("no such artefact")
        }
        var headers: HTTPFields = [.contentType: type(of: path), .acceptRanges: "bytes", .cacheControl: "private, no-cache"]
        // An HTML artefact (a QC report) is shown, never run: no scripts, no forms, an origin of its own.
        if type(of: path).hasPrefix("text/html") || path.hasSuffix(".svg") { headers[.contentSecurityPolicy] = "sandbox; default-src 'self' 'unsafe-inline' data:" }
        if let modified = attributes[.modificationDate] as? Date { headers[.lastModified] = httpDate(modified) }
        let range: ClosedRange<Int>?
        switch ByteRange.parse(request.headers[.range], size: size) {
        case .whole: range = nil
        case .part(let part): range = part
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        let body: ResponseBody
        if request.method == .head || size == 0 {
            body = ResponseBody()
        } else {
            body = try await FileIO().loadFile(path: path, range: range ?? 0...(size - 1), context: context)
        }
        if let range {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: body)
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// An HTTP `Range` header (RFC 9110) over a file of `size` bytes: one range is served; several,
/// or a header that is not `bytes=`, get the whole file (as the RFC allows).
enum ByteRange: Equatable {
    case whole
    case part(ClosedRange<Int>)
    case unsatisfiable

    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst(6)
        guard !spec.contains(",") else { return .whole }
        let ends = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard ends.count == 2 else { return .whole }
        let digits = { (text: String) in !text.isEmpty && text.count <= 18 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) }
        if ends[0].isEmpty {
            // The last N bytes.
            guard digits(ends[1]), let count = Int(ends[1]) else { return .whole }
            guard count > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - count)...(size - 1))
        }
        guard digits(ends[0]), let first = Int(ends[0]) else { return .whole }
        guard first < size else { return .unsatisfiable }
        if ends[1].isEmpty { return .part(first...(size - 1)) }
        guard digits(ends[1]), let last = Int(ends[1]) else { return .whole }
        guard last >= first else { return .whole }
        return .part(first...min(last, size - 1))
    }
}
