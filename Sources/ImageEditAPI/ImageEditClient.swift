import AsyncHTTPClient
import Foundation
import ImageEditModel
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import Raster

/// The one client of `POST /images/edits`: pre-flight, the multipart upload, retries, and reading
/// the JSON answer or the event stream. The editor, the CLI and the tests all go through it.
public final class ImageEditClient: Sendable {
    public let configuration: ClientConfiguration
    private let http: HTTPClient

    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
        var settings = HTTPClient.Configuration(
            timeout: .init(connect: .milliseconds(Int64(configuration.connectTimeout * 1000))))
        settings.decompression = .enabled(limit: .ratio(configuration.limits.maxInflationRatio))
        if let proxy = configuration.proxy {
            settings.proxy = .server(host: proxy.host, port: proxy.port,
                                     authorization: proxy.authorization.map { .basic(credentials: Self.base64($0)) })
        }
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    /// Closes pooled connections. Call once when done with the client.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// Reads the inputs' headers and checks the request against the model's rules.
    public static func inspect(_ request: EditRequest) throws(ImageEditError) -> (inputs: [InspectedInput], violations: [Violation]) {
        var inputs: [InspectedInput] = []
        do {
            for input in request.images + (request.mask.map { [$0] } ?? []) {
                inputs.append(try InputFiles.inspect(input))
            }
        } catch {
            throw .input(error)
        }
        let images = inputs.prefix(request.images.count).map(\.facts)
        let mask = request.mask == nil ? nil : inputs.last?.facts
        return (inputs, Preflight.check(request, images: Array(images), mask: mask))
    }

    /// Runs one edit. With `stream`, partial and finished images are reported through
    /// `progress` as they arrive; the result holds every finished image either way.
    public func edit(_ request: EditRequest, preflight: Bool = true,
                     progress: @escaping @Sendable (EditProgress) -> Void = { _ in }) async throws(ImageEditError) -> EditResult {
        if configuration.isOpenAI && configuration.apiKey == nil { throw .missingCredentials }
        let (inputs, violations) = try Self.inspect(request)
        if preflight && !violations.isEmpty { throw .preflight(violations) }
        let body = MultipartBody(request: request, inputs: inputs)

        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.timeout * 1000))
        var retry = 0
        while true {
            progress(.attempt(retry + 1, of: configuration.maxRetries + 1))
            do {
                return try await withDeadline(deadline) {
                    try await self.attempt(request, body: body, progress: progress)
                }
            } catch let failure as AttemptFailure {
                guard failure.retryable, retry < configuration.maxRetries, !Task.isCancelled else { throw failure.error }
                let wait = RetryPolicy.delay(retry: retry, headers: failure.headers,
                                             now: Date().timeIntervalSince1970, jitter: Double.random(in: 0...1))
                guard ContinuousClock.now + .milliseconds(Int64(wait * 1000)) < deadline else { throw failure.error }
                progress(.retrying(after: wait, reason: failure.error.description))
                do {
                    try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
                } catch {
                    throw .cancelled
                }
                retry += 1
            } catch {
                throw error as? ImageEditError ?? .cancelled
            }
        }
    }

    // MARK: - One attempt

    /// Why an attempt failed, and whether another may succeed.
    struct AttemptFailure: Error {
        var error: ImageEditError
        var retryable: Bool
        var headers: [(String, String)] = []
    }

    private var editsURL: String { configuration.baseURL + "/images/edits" }

    private func attempt(_ request: EditRequest, body: MultipartBody,
                         progress: @escaping @Sendable (EditProgress) -> Void) async throws -> EditResult {
        var http = HTTPClientRequest(url: editsURL)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: body.contentType)
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        http.headers.add(name: "Accept", value: request.isStreaming ? "text/event-stream" : "application/json")
        if let key = configuration.apiKey, let origin = APIOrigin(editsURL), origin == APIOrigin(configuration.baseURL) {
            http.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        if let organization = configuration.organization { http.headers.add(name: "OpenAI-Organization", value: organization) }
        if let project = configuration.project { http.headers.add(name: "OpenAI-Project", value: project) }
        http.body = .stream(BodyChunks(segments: body.segments), length: .known(Int64(body.contentLength)))

        let response: HTTPClientResponse
        do {
            response = try await self.http.execute(http, timeout: .hours(24))
        } catch {
            throw mapTransportError(error, url: editsURL, eventsSeen: false)
        }
        let headers = response.headers.map { ($0.name, $0.value) }
        let requestID = response.headers.first(name: "x-request-id")
        let status = Int(response.status.code)

        guard (200..<300).contains(status) else {
            let bytes = (try? await collect(response.body, limit: 1 << 20, what: "the error answer", progress: nil)) ?? []
            let error = Self.apiError(status: status, body: bytes, requestID: requestID)
            throw AttemptFailure(error: .api(error), retryable: RetryPolicy.shouldRetry(status: status, headers: headers),
                                 headers: headers)
        }
        progress(.responseStarted(status: status, requestID: requestID, engine: response.headers.first(name: "x-retouch-engine")))
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            return try await readStream(response.body, request: request, requestID: requestID, progress: progress)
        }
        let bytes: [UInt8]
        do {
            bytes = try await collect(response.body, limit: configuration.limits.maxJSONBytes, what: "the JSON answer",
                                      progress: progress)
        } catch {
            throw mapTransportError(error, url: editsURL, eventsSeen: false)
        }
        return try await decodeJSONResult(bytes, requestID: requestID, progress: progress)
    }

    private func collect(_ body: HTTPClientResponse.Body, limit: Int, what: String,
                         progress: (@Sendable (EditProgress) -> Void)?) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await var chunk in body {
            guard bytes.count + chunk.readableBytes <= limit else {
                throw AttemptFailure(error: .protocolViolation(ProtocolError(
                    kind: .limitExceeded, detail: "\(what) is larger than the \(ByteCount.format(limit)) limit")), retryable: false)
            }
            bytes += chunk.readBytes(length: chunk.readableBytes) ?? []
            progress?(.received(bytes: bytes.count))
        }
        return bytes
    }

    static func apiError(status: Int, body: [UInt8], requestID: String?) -> APIError {
        if let envelope = try? JSONDecoder().decode(Wire.ErrorEnvelope.self, from: Data(body)), let error = envelope.error {
            return APIError(status: status, message: error.message ?? "no message", type: error.type,
                            param: error.param, code: error.code, requestID: requestID)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        return APIError(status: status, message: text.isEmpty ? reason : "\(reason): \(text)", requestID: requestID)
    }

    // MARK: - JSON answers

    private func decodeJSONResult(_ bytes: [UInt8], requestID: String?,
                                  progress: @escaping @Sendable (EditProgress) -> Void) async throws -> EditResult {
        let wire: Wire.ImagesResponse
        do {
            wire = try JSONDecoder().decode(Wire.ImagesResponse.self, from: Data(bytes))
        } catch {
            throw AttemptFailure(error: .protocolViolation(ProtocolError(
                kind: .badJSON, detail: Self.snippet(bytes))), retryable: false)
        }
        var images: [EditedImage] = []
        for (index, item) in (wire.data ?? []).enumerated() {
            let imageBytes: [UInt8]
            if let b64 = item.b64_json {
                imageBytes = try Self.decodeBase64(b64, what: "image \(index)")
            } else if let url = item.url {
                imageBytes = try await download(url)
            } else {
                throw AttemptFailure(error: .protocolViolation(ProtocolError(
                    kind: .unexpectedResponse, detail: "image \(index) has neither b64_json nor url")), retryable: false)
            }
            let image = EditedImage(index: index, bytes: imageBytes, revisedPrompt: item.revised_prompt,
                                    createdAt: wire.created, settings: wire.settings, usage: wire.usage)
            images.append(image)
            progress(.image(image))
        }
        guard !images.isEmpty else {
            throw AttemptFailure(error: .protocolViolation(ProtocolError(
                kind: .unexpectedResponse, detail: "the answer holds no images")), retryable: false)
        }
        return EditResult(images: images, partialImageCount: 0, created: wire.created, usage: wire.usage,
                          settings: wire.settings, requestID: requestID)
    }

    /// dall-e-2 may answer with URLs valid for an hour. They are pre-signed, so the key is never
    /// sent with them, whatever host they name.
    private func download(_ url: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        do {
            let response = try await http.execute(request, timeout: .seconds(120))
            guard response.status.code == 200 else {
                throw AttemptFailure(error: .protocolViolation(ProtocolError(
                    kind: .unexpectedResponse, detail: "downloading \(URLRedaction.redact(url)) gave HTTP \(response.status.code)")), retryable: false)
            }
            return try await collect(response.body, limit: configuration.limits.maxJSONBytes, what: "a downloaded image",
                                     progress: nil)
        } catch let failure as AttemptFailure {
            throw failure
        } catch {
            throw mapTransportError(error, url: url, eventsSeen: true)
        }
    }

    // MARK: - Event streams

    private func readStream(_ body: HTTPClientResponse.Body, request: EditRequest, requestID: String?,
                            progress: @escaping @Sendable (EditProgress) -> Void) async throws -> EditResult {
        let limits = configuration.limits
        let expected = request.n ?? 1
        var reader = StreamReader(parser: SSEParser(maxEventBytes: limits.maxEventBytes), expectedImages: expected)
        var received = 0
        do {
            for try await chunk in body {
                received += chunk.readableBytes
                guard received <= limits.maxStreamBytes else {
                    throw AttemptFailure(error: .protocolViolation(reader.failure(
                        .limitExceeded, "the stream is larger than the \(ByteCount.format(limits.maxStreamBytes)) limit")),
                                         retryable: false)
                }
                progress(.received(bytes: received))
                if try reader.feed(chunk.readableBytesView, requestID: requestID, progress: progress) == .done { break }
            }
            if !reader.isDone { _ = try reader.finish(requestID: requestID, progress: progress) }
        } catch let failure as AttemptFailure {
            throw failure
        } catch {
            throw mapTransportError(error, url: editsURL, eventsSeen: reader.eventsSeen > 0, reader: reader)
        }
        guard reader.images.count >= expected else {
            throw AttemptFailure(error: .protocolViolation(reader.failure(
                .truncatedStream, "the stream ended after \(reader.images.count) of \(expected) image(s)")),
                                 retryable: reader.eventsSeen == 0)
        }
        let usage = reader.images.compactMap(\.usage).reduce(nil as Usage?) { total, next in total.map { $0 + next } ?? next }
        return EditResult(images: reader.images, partialImageCount: reader.partialCount,
                          created: reader.images.first?.createdAt, usage: usage,
                          settings: reader.images.last?.settings ?? OutputSettings(), requestID: requestID)
    }

    static func snippet(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(120), as: UTF8.self)
        return text.isEmpty ? "an empty body" : "it starts with \"\(text)\(bytes.count > 120 ? "…" : "")\""
    }

    static func decodeBase64(_ text: String, what: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw AttemptFailure(error: .protocolViolation(ProtocolError(
                kind: .badBase64, detail: "\(what) is not valid base64 (\(text.count) characters)")), retryable: false)
        }
        return [UInt8](data)
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}

/// Runs `operation`, cancelling it when `deadline` passes; a timeout surfaces as a network error.
func withDeadline<T: Sendable>(_ deadline: ContinuousClock.Instant,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        guard let value = first else {
            throw ImageEditClient.AttemptFailure(error: .network(NetworkError(
                kind: .timeout, detail: "the whole request took longer than the timeout", url: "the server")), retryable: false)
        }
        return value
    }
}
