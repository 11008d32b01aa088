import Hummingbird
import KijkoPipeline

/// What the server knows about a request beyond its bytes: who sent it, and how they signed in.
struct ServerContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The person whose token came with the request (nil: nobody signed in).
    var person: PipelineStore.Person?
    /// The token came in the session cookie (a browser): posts must carry the CSRF token.
    var viaCookie = false

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Uploads: a brief of up to 4 MB.
    var maxUploadSize: Int { 4 * 1024 * 1024 }
}
