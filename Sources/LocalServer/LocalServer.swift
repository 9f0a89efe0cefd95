import Foundation
import HTTPTypes
import Hummingbird
import ImageEditAPI
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// An OpenAI-compatible `POST /v1/images/edits` backed by `LocalEngine`: what `retouch serve`
/// runs, what the editor starts in-process when there is no API key, and what the tests talk to.
public struct LocalServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// When set, requests must carry `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// Added before each answer, to feel a slow network or model.
    public var latencyMilliseconds: Int
    /// Larger bodies get 413: sixteen 50 MB images plus the rest.
    public var maxBodyBytes: Int
    /// Applied to every request (tests may also send `X-Retouch-Fault`).
    public var fault: Fault?
    /// One line per request; never includes the key.
    public var log: @Sendable (String) -> Void

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, latencyMilliseconds: Int = 0,
                maxBodyBytes: Int = 16 * 50 * 1024 * 1024 + 1024 * 1024, fault: Fault? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.latencyMilliseconds = latencyMilliseconds
        self.maxBodyBytes = maxBodyBytes
        self.fault = fault
        self.log = log
    }
}

public enum LocalServer {
    public static let engineHeader = "X-Retouch-Engine"

    /// The Hummingbird application, for `retouch serve` to run until a signal stops it.
    public static func application(_ configuration: LocalServerConfiguration,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        let results = HostedResults()
        let handler = EditHandler(configuration: configuration, results: results)
        for path in ["/v1/images/edits", "/images/edits"] {
            router.post(RouterPath(path)) { request, _ in try await handler.handle(request) }
        }
        // Results asked for with response_format=url, valid for an hour as OpenAI's are.
        router.get("/v1/results/:name") { _, context in
            guard let name = context.parameters.get("name"), let hosted = results.take(name) else {
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = hosted.contentType
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: hosted.bytes)))
        }
        var logger = Logger(label: "retouch.serve")
        logger.logLevel = .critical
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "retouch"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// Starts a server in this process and returns once it accepts connections.
    public static func start(_ configuration: LocalServerConfiguration) async throws -> RunningLocalServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = application(configuration) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            _ = try await task.value
            throw CancellationError()
        }
        return RunningLocalServer(port: port, host: configuration.host, task: task)
    }
}

/// A server running in this process.
public final class RunningLocalServer: Sendable {
    public let port: Int
    public let host: String
    private let task: Task<Void, Error>

    init(port: Int, host: String, task: Task<Void, Error>) {
        self.port = port
        self.host = host
        self.task = task
    }

    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/v1" }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// Images kept for `response_format=url` answers: in memory, for an hour.
final class HostedResults: Sendable {
    struct Hosted: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var expires: ContinuousClock.Instant
    }

    private let store = NIOLockedValueBox<[String: Hosted]>([:])

    /// Keeps `bytes` and returns the name to fetch them by.
    func add(_ bytes: [UInt8], format: String) -> String {
        let name = randomHex(24) + "." + (format == "jpeg" ? "jpg" : format)
        let now = ContinuousClock.now
        store.withLockedValue { store in
            store = store.filter { $0.value.expires > now }
            store[name] = Hosted(bytes: bytes, contentType: "image/\(format)", expires: now + .seconds(3600))
        }
        return name
    }

    func take(_ name: String) -> Hosted? {
        store.withLockedValue { store in
            guard let hosted = store[name], hosted.expires > ContinuousClock.now else { return nil }
            return hosted
        }
    }
}

/// Random lowercase hex digits, for request ids and result names.
func randomHex(_ count: Int) -> String {
    String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
}
