import HTTPTypes
import Hummingbird
import HummingbirdCore
import LocalServer
import NIOCore

extension ServiceRequest {
    /// Hummingbird's request as the service reads it, its body still arriving.
    init(_ request: Request) {
        var query: [String: String] = [:]
        // A repeated parameter counts by its first value, as Hummingbird's `get` reads it.
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil {
            query[String(key)] = String(value)
        }
        self.init(method: request.method, path: request.uri.path, query: query, authority: request.head.authority,
                  headerFields: request.headers, body: ByteChunks(request.body.map { [UInt8](buffer: $0) }))
    }
}

extension Response {
    /// The service's answer for Hummingbird to send: a stream goes out chunk by chunk, and an
    /// error while streaming closes the connection.
    init(_ answer: ServiceResponse) {
        let body = switch answer.body {
        case .bytes(let bytes): ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        case .stream(let chunks): ResponseBody(asyncSequence: chunks.map { ByteBuffer(bytes: $0) })
        }
        self.init(status: answer.status, headers: answer.headerFields, body: body)
    }
}
