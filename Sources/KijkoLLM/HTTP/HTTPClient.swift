internal import CCurl
public import Foundation

/// One HTTP request: method, URL, headers, body and how long it may take in all.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header names and values, sent in this order.
    public var headers: [(String, String)]
    public var body: Data?
    /// Seconds for the whole exchange (connect, send, wait, receive).
    public var timeout: Double

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A complete HTTP response. Header names are lower-cased; the last value of a repeated header wins.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
}

/// Why an exchange gave no complete response.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case timeout, connection, truncated, other }
    public var kind: Kind
    public var url: String
    /// libcurl's own words.
    public var reason: String

    public var description: String { "\(url): \(reason)" }
}

/// Blocking HTTP over libcurl: one easy handle per exchange, safe to call from several threads at
/// once (each call owns its handle; signals are off). Meant for dedicated threads, not for Swift's
/// cooperative pool.
public enum HTTPClient {
    private static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Sends `request` and waits for the whole response. Throws `HTTPError` when none came.
    public static func send(_ request: HTTPRequest) throws -> HTTPResponse {
        _ = initialised
        guard let handle = curl_easy_init() else {
            throw HTTPError(kind: .other, url: request.url, reason: "libcurl could not make a handle")
        }
        defer { curl_easy_cleanup(handle) }
        let sink = ResponseSink()
        let user = Unmanaged.passUnretained(sink).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        if request.body != nil, !request.headers.contains(where: { $0.0.lowercased() == "expect" }) {
            list = curl_slist_append(list, "Expect:")  // no 100-continue round trip
        }

        kijko_curl_set_string(handle, CURLOPT_URL, request.url)
        kijko_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        kijko_curl_set_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeout * 1000)))
        kijko_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(request.timeout, 10) * 1000)))
        kijko_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        kijko_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        if let body = request.body {
            kijko_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBytes { raw in
                _ = kijko_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            }
        }
        kijko_curl_set_pointer(handle, CURLOPT_HTTPHEADER, list.map { UnsafeMutableRawPointer($0) })
        kijko_curl_set_function(handle, CURLOPT_WRITEFUNCTION, { data, size, count, user in
            guard let data, let user else { return 0 }
            Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue().body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        })
        kijko_curl_set_pointer(handle, CURLOPT_WRITEDATA, user)
        kijko_curl_set_function(handle, CURLOPT_HEADERFUNCTION, { data, size, count, user in
            guard let data, let user else { return 0 }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue().header(line)
            return size * count
        })
        kijko_curl_set_pointer(handle, CURLOPT_HEADERDATA, user)

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let kind: HTTPError.Kind
            switch code {
            case CURLE_OPERATION_TIMEDOUT: kind = .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING: kind = .connection
            case CURLE_PARTIAL_FILE: kind = .truncated
            default: kind = .other
            }
            throw HTTPError(kind: kind, url: request.url, reason: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        kijko_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

/// Collects one response's headers and body as libcurl hands them over.
private final class ResponseSink {
    var body = Data()
    var headers: [String: String] = [:]

    func header(_ line: String) {
        if line.hasPrefix("HTTP/") { headers = [:]; return }  // a new response (after a redirect or 100)
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
