import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import ImageEditModel
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
    /// Time, connections, concurrent edits and memory given to clients.
    public var limits = ServerLimits()
    /// One line per request; never includes the key.
    public var log: @Sendable (String) -> Void

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, latencyMilliseconds: Int = 0,
                maxBodyBytes: Int = ModelRules.maxInputImages * ImageRequirement.gptImageSource.maxBytes + 1024 * 1024, fault: Fault? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.latencyMilliseconds = latencyMilliseconds
        self.maxBodyBytes = maxBodyBytes
        self.fault = fault
        self.log = log
    }

    /// A server for this process alone (the editor's and `retouch edit --local`'s engine): on
    /// loopback, any free port, and a random key made for this launch, so no other user of the
    /// machine can use it.
    public static func privateToThisProcess() -> LocalServerConfiguration {
        LocalServerConfiguration(host: "127.0.0.1", port: 0, apiKey: "rt-" + randomHex(48))
    }
}

public enum LocalServer {
    /// Says what the engine made of the prompt, as `EditPlan.report` writes it:
    /// `local; understood: remove, warmer; ignored: boat`.
    public static let engineHeader = "X-Retouch-Engine"

    /// The Hummingbird application, for `retouch serve` to run until a signal stops it.
    public static func application(_ configuration: LocalServerConfiguration,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        let limits = configuration.limits
        let results = HostedResults(maxCount: limits.maxHostedResults, maxBytes: limits.maxHostedBytes)
        let handler = EditHandler(configuration: configuration, results: results)
        for path in ["/v1/images/edits", "/images/edits"] {
            router.post(RouterPath(path)) { request, _ in try await handler.handle(request) }
        }
        // Results asked for with response_format=url, valid for an hour as OpenAI's are.
        router.get("/v1/results/:name") { request, context in
            // Like OpenAI's, result URLs are pre-signed: their token stands for the key.
            guard let name = context.parameters.get("name"), let hosted = results.take(name) else {
                return Response(status: .notFound)
            }
            if !keysMatch(Substring(request.uri.queryParameters.get("token") ?? ""), hosted.token) {
                do {
                    try handler.authorize(request)
                } catch let failure as HTTPFailure {
                    return failure.response(requestID: "req_" + randomHex(24))
                }
            }
            var headers = HTTPFields()
            headers[.contentType] = hosted.contentType
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: hosted.bytes)))
        }
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
        return RunningLocalServer(port: port, host: configuration.host, apiKey: configuration.apiKey, task: task)
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

/// Images kept for `response_format=url` answers: in memory, for an hour, at most `maxCount`
/// of them and `maxBytes` in all (the oldest go first).
final class HostedResults: Sendable {
    struct Hosted: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var expires: ContinuousClock.Instant
        /// Presented as `?token=` instead of the key.
        var token: String
    }

    private struct Store {
        var byName: [String: Hosted] = [:]
        /// Names, oldest first.
        var order: [String] = []
        var bytes = 0

        mutating func remove(_ name: String) {
            if let gone = byName.removeValue(forKey: name) { bytes -= gone.bytes.count }
            order.removeAll { $0 == name }
        }
    }

    private let store = NIOLockedValueBox(Store())
    let maxCount: Int
    let maxBytes: Int

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }

    /// Keeps `bytes` and returns the path to fetch them by, pre-signed.
    func add(_ bytes: [UInt8], format: String) -> String {
        let name = randomHex(24) + "." + (format == "jpeg" ? "jpg" : format)
        let token = randomHex(32)
        let now = ContinuousClock.now
        store.withLockedValue { store in
            for expired in store.order where store.byName[expired].map({ $0.expires <= now }) ?? true { store.remove(expired) }
            while let oldest = store.order.first, store.order.count >= maxCount || store.bytes + bytes.count > maxBytes {
                store.remove(oldest)
            }
            store.byName[name] = Hosted(bytes: bytes, contentType: "image/\(format)", expires: now + .seconds(3600), token: token)
            store.order.append(name)
            store.bytes += bytes.count
        }
        return "/v1/results/\(name)?token=\(token)"
    }

    func take(_ name: String) -> Hosted? {
        store.withLockedValue { store in
            guard let hosted = store.byName[name], hosted.expires > ContinuousClock.now else { return nil }
            return hosted
        }
    }

    var count: Int { store.withLockedValue { $0.order.count } }
}

/// Random lowercase hex digits, for request ids and result names.
func randomHex(_ count: Int) -> String {
    String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
}
