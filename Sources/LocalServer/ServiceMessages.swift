import HTTPTypes

/// Bytes that arrive or leave in pieces: a request's body as the client sends it, or an event
/// stream as the engine makes it. Whoever carries them (an HTTP server, a test) iterates once.
public struct ByteChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    public struct AsyncIterator: AsyncIteratorProtocol {
        let nextChunk: () async throws -> [UInt8]?

        public mutating func next() async throws -> [UInt8]? { try await nextChunk() }
    }

    private let makeNextChunk: @Sendable () -> () async throws -> [UInt8]?

    public init<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks) where Chunks.Element == [UInt8] {
        makeNextChunk = {
            var iterator = chunks.makeAsyncIterator()
            return { try await iterator.next() }
        }
    }

    /// Chunks already in memory, handed over one by one.
    public init(_ chunks: [[UInt8]]) {
        makeNextChunk = {
            var remaining = chunks[...]
            return { remaining.popFirst() }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(nextChunk: makeNextChunk())
    }
}

/// A request as the service reads it, whatever carried it.
public struct ServiceRequest: Sendable {
    public var method: HTTPRequest.Method
    /// Without the query, e.g. `/v1/images/edits`.
    public var path: String
    /// The query's parameters, percent-decoded.
    public var query: [String: String]
    /// Where the client sent it (`Host`), for the URLs of hosted results.
    public var authority: String?
    public var headerFields: HTTPFields
    public var body: ByteChunks

    public init(method: HTTPRequest.Method, path: String, query: [String: String] = [:], authority: String? = nil,
                headerFields: HTTPFields = [:], body: ByteChunks = ByteChunks([])) {
        self.method = method
        self.path = path
        self.query = query
        self.authority = authority
        self.headerFields = headerFields
        self.body = body
    }
}

/// An answer as the service makes it: whole, or an event stream sent as it is made.
public struct ServiceResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Sent as it comes; an error ends the stream by cutting the connection.
        case stream(ByteChunks)
    }

    public var status: HTTPResponse.Status
    public var headerFields: HTTPFields
    public var body: Body

    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: Body = .bytes([])) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }
}
