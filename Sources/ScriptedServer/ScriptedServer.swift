import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 that answers each request with the next scripted reply
/// and records what it received. Replies can be chunked, paused, stalled or cut off, which is
/// how tests reach the client's retry, timeout and truncation paths.
public final class ScriptedServer: Sendable {
    public struct Reply: Sendable {
        public enum Step: Sendable {
            case bytes([UInt8])
            case pause(milliseconds: Int64)
            /// Close the connection without finishing the response.
            case dropConnection
            /// Send nothing more and keep the connection open.
            case stall
        }

        public var status: Int
        public var headers: [(String, String)]
        public var steps: [Step]

        public init(status: Int, headers: [(String, String)] = [], steps: [Step]) {
            self.status = status
            self.headers = headers
            self.steps = steps
        }

        public static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: [("Content-Type", "application/json")] + headers, steps: [.bytes(Array(text.utf8))])
        }

        /// An event stream sent in chunks of `chunkSize` bytes, with `pause` between chunks.
        public static func events(_ text: String, chunkSize: Int = 1 << 20, pauseMilliseconds: Int64 = 0,
                                  thenDrop: Bool = false) -> Reply {
            let bytes = Array(text.utf8)
            var steps: [Step] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunkSize)
                steps.append(.bytes(Array(bytes[offset..<end])))
                if pauseMilliseconds > 0 { steps.append(.pause(milliseconds: pauseMilliseconds)) }
                offset = end
            }
            if thenDrop { steps.append(.dropConnection) }
            return Reply(status: 200, headers: [("Content-Type", "text/event-stream")], steps: steps)
        }
    }

    public struct RecordedRequest: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Bytes received, also when the body was not kept.
        public var bodyLength: Int

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    private struct State {
        var replies: [Reply]
        var served = 0
        var requests: [RecordedRequest] = []
        /// Requests being answered now, and the most there ever were at once.
        var answering = 0
        var peakAnswering = 0
    }

    private let state: NIOLockedValueBox<State>
    private let channel: Channel
    private let keepBodies: Bool
    public let port: Int

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Starts serving `replies` in order; the last one repeats. With `keepBodies` false the
    /// server only counts body bytes (for benchmarks that upload hundreds of megabytes).
    public init(replies: [Reply], keepBodies: Bool = true) async throws {
        let state = NIOLockedValueBox(State(replies: replies))
        self.state = state
        self.keepBodies = keepBodies
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state, keepBodies: keepBodies))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public var requests: [RecordedRequest] { state.withLockedValue { $0.requests } }

    /// The most requests that were being answered at the same time (a reply with a pause keeps
    /// its request in flight), to see how many a client sends at once.
    public var peakConcurrency: Int { state.withLockedValue { $0.peakAnswering } }

    public func stop() async {
        try? await channel.close().get()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: NIOLockedValueBox<State>
        let keepBodies: Bool
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        var bodyLength = 0

        init(state: NIOLockedValueBox<State>, keepBodies: Bool) {
            self.state = state
            self.keepBodies = keepBodies
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
                bodyLength = 0
            case .body(var buffer):
                bodyLength += buffer.readableBytes
                if keepBodies { body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
            case .end:
                guard let head else { return }
                let recorded = RecordedRequest(method: head.method.rawValue, uri: head.uri,
                                               headers: head.headers.map { ($0.name, $0.value) }, body: body,
                                               bodyLength: bodyLength)
                let reply = state.withLockedValue { state -> Reply in
                    state.requests.append(recorded)
                    state.answering += 1
                    state.peakAnswering = max(state.peakAnswering, state.answering)
                    let reply = state.replies[min(state.served, state.replies.count - 1)]
                    state.served += 1
                    return reply
                }
                respond(reply, context: context)
            }
        }

        private func respond(_ reply: Reply, context: ChannelHandlerContext) {
            var headers = HTTPHeaders(reply.headers)
            if !headers.contains(name: "content-length") {
                let total = reply.steps.reduce(0) { sum, step in if case .bytes(let b) = step { sum + b.count } else { sum } }
                let plain = reply.steps.allSatisfy { if case .bytes = $0 { true } else { false } }
                if plain { headers.add(name: "Content-Length", value: "\(total)") }
                else { headers.add(name: "Transfer-Encoding", value: "chunked") }
            }
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            play(reply.steps[...], context: context)
        }

        private func play(_ steps: ArraySlice<Reply.Step>, context: ChannelHandlerContext) {
            var steps = steps
            while let step = steps.popFirst() {
                switch step {
                case .bytes(let bytes):
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                case .pause(let milliseconds):
                    let rest = steps
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: .milliseconds(milliseconds)) {
                        let (handler, context) = loopBound.value
                        handler.play(rest, context: context)
                    }
                    return
                case .dropConnection:
                    context.flush()
                    context.close(promise: nil)
                    answered()
                    return
                case .stall:
                    context.flush()
                    return
                }
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            answered()
        }

        private func answered() {
            state.withLockedValue { $0.answering -= 1 }
        }
    }
}
