import Hummingbird
import HummingbirdCore
import LocalServer
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// `LocalServer`'s edit service over HTTP/1.1, on Hummingbird: the routes, and the connection
/// limits that only the transport can keep (deadlines on the wire, the number of connections).
public enum LocalServerHTTP {
    /// Serves until SIGINT or SIGTERM stops it gracefully; `onRunning` gets the port bound.
    public static func run(_ configuration: LocalServerConfiguration,
                           onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(configuration, onRunning: onRunning).runService()
    }

    /// Starts a server in this process and returns once it accepts connections.
    public static func start(_ configuration: LocalServerConfiguration) async throws -> RunningLocalServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = application(configuration) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task {
            // A server that never ran (its port taken) ends the wait with its error.
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            _ = try await task.value
            throw CancellationError()
        }
        return RunningLocalServer(port: port, host: configuration.host, apiKey: configuration.apiKey, task: task)
    }

    /// Why the server could not start, in words, with what to change: the system's reason for
    /// a socket that could not be bound, not the call that failed and its errno.
    public static func startFailure(_ error: any Error, port: Int) -> String {
        switch error {
        case let error as IOError where error.errnoCode == EADDRINUSE:
            return "the port is in use (another server listens there); choose another with --port, or 0 for a free one"
        case let error as IOError where error.errnoCode == EACCES && port < 1024:
            return "ports below 1024 need privileges; choose one from 1024 with --port"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as SocketAddressError.UnknownHost:
            return "the host \(error.host) is not known; give an address this machine has, such as 127.0.0.1"
        default:
            return "\(error)"
        }
    }

    static func application(_ configuration: LocalServerConfiguration,
                            onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let service = EditService(configuration: configuration)
        for path in ["/v1/images/edits", "/images/edits"] {
            router.post(RouterPath(path)) { request, _ in Response(try await service.edit(ServiceRequest(request))) }
            for method in [HTTPRequest.Method.get, .head, .options, .put, .delete, .patch] {
                router.on(RouterPath(path), method: method) { request, _ in Response(service.wrongMethod(ServiceRequest(request))) }
            }
        }
        router.get("/v1/results/:name") { request, context in
            guard let name = context.parameters.get("name") else { return Response(status: .notFound) }
            return Response(service.hostedResult(named: name, for: ServiceRequest(request)))
        }
        let limits = configuration.limits
        var logger = Logger(label: "retouch.serve")
        logger.logLevel = .critical
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(limits: limits)])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "retouch",
                                 availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}

/// A server running in this process.
public final class RunningLocalServer: Sendable {
    public let port: Int
    public let host: String
    /// The key requests must carry, if any.
    public let apiKey: String?
    private let task: Task<Void, Error>

    init(port: Int, host: String, apiKey: String?, task: Task<Void, Error>) {
        self.port = port
        self.host = host
        self.apiKey = apiKey
        self.task = task
    }

    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/v1" }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
