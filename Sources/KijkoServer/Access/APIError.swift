import Foundation
import Hummingbird
import KijkoCore
import KijkoPipeline

/// An error answered as `{"error": "…"}` with its status (or, to a browser asking for a page, as a
/// short page saying the same).
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String = "not found") -> APIError { APIError(.notFound, message) }
    static let unauthorized = APIError(.unauthorized, "sign in: send Authorization: Bearer TOKEN (kijko users add NAME --role ROLE prints one)")

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(["error": message], status: status)
    }

    /// Any error as the server answers it: its own errors as they are; the services' words as 400
    /// (bad input), 404 (no such job or request) or 409 (a decision that no longer fits).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as DecisionConflict: return APIError(.conflict, error.message)
        case let error as PipelineError:
            let missing = error.message.hasPrefix("no job ") || error.message.hasPrefix("no approval request ")
            return APIError(missing ? .notFound : .badRequest, error.message)
        case let error as ServiceError: return APIError(.badRequest, error.message)
        case let error as MultipartForm.Malformed: return APIError(.badRequest, error.description)
        case let error as HTTPError: return APIError(error.status, error.body ?? error.status.reasonPhrase)
        default: return APIError(.internalServerError, "\(error)")
        }
    }
}

/// JSON bodies as the API writes them: snake_case keys, sorted, compact.
enum JSONResponse {
    static func data<T: Encodable>(_ value: T) -> Data {
        (try? JSONCoding.compact.encode(value)) ?? Data(#"{"error":"the answer could not be written as JSON"}"#.utf8)
    }

    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data(value))))
    }
}
