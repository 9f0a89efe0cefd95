import Foundation
import HTTPTypes
import Hummingbird
import ImageCodecs
import ImageEditAPI
import LocalEngine
import MultipartKit
import NIOCore
import Raster

/// An error answer in OpenAI's shape.
struct HTTPFailure: Error {
    var status: HTTPResponse.Status
    var message: String
    var type = "invalid_request_error"
    var param: String?
    var code: String?
    var headers: [(HTTPField.Name, String)] = []

    func response(requestID: String) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[HTTPField.Name("x-request-id")!] = requestID
        for (name, value) in headers { fields[name] = value }
        let body = Wire.ErrorEnvelope(error: Wire.ErrorBody(message: message, type: type, param: param, code: code))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// One part of a multipart/form-data body.
struct FormPart {
    var name: String
    var filename: String?
    var contentType: String?
    var data: [UInt8]
}

struct EditHandler: Sendable {
    let configuration: LocalServerConfiguration
    let results: HostedResults

    static let textFields: Set<String> = ["prompt", "model", "background", "input_fidelity", "n", "output_compression",
                                          "output_format", "partial_images", "quality", "response_format", "size",
                                          "stream", "user"]

    func handle(_ request: Request) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = "req_" + randomHex(24)
        var summary = ""
        let response: Response
        do {
            (response, summary) = try await process(request, requestID: requestID)
        } catch let failure as HTTPFailure {
            response = failure.response(requestID: requestID)
            summary = failure.code ?? failure.message
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        configuration.log(String(format: "%@ %@ %d %.2fs %@ %@", request.method.rawValue, request.uri.path,
                                 response.status.code, seconds, requestID, summary))
        return response
    }

    private func process(_ request: Request, requestID: String) async throws -> (Response, String) {
        try authorize(request)
        let parts = try await readForm(request)
        let fault = try requestedFault(request)
        if configuration.latencyMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(configuration.latencyMilliseconds))
        }
        switch fault {
        case .rateLimited:
            throw HTTPFailure(status: .tooManyRequests, message: "Rate limit reached for requests (fault injected).",
                              type: "requests", code: "rate_limit_exceeded", headers: [(.retryAfter, "1")])
        case .serverError:
            throw HTTPFailure(status: .internalServerError, message: "The server had an error while processing your request (fault injected).",
                              type: "server_error")
        case .nonJSON:
            var fields = HTTPFields()
            fields[.contentType] = "text/html"
            return (Response(status: .ok, headers: fields,
                             body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>"))), "non-json")
        case .stall:
            try await Task.sleep(for: .seconds(3600))
        default:
            break
        }

        let edit = try EditInput(parts: parts)
        let job = try edit.job()
        let created = Int(Date().timeIntervalSince1970)
        let usage = edit.usage(job)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-request-id")!] = requestID
        headers[HTTPField.Name(LocalServer.engineHeader)!] = LocalEngine.summary
        let summary = "\(edit.request.isStreaming ? "stream " : "")n=\(job.variations) \(edit.outputSize(job))"

        if edit.request.isStreaming {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            let stream = Self.engineEvents(job)
            let body = ResponseBody { writer in
                var sent = 0
                for await event in stream {
                    let wire = try edit.streamEvent(event, job: job, created: created, usage: usage)
                    try await writer.write(ByteBuffer(string: "event: \(wire.type ?? "message")\ndata: \(try Self.json(wire))\n\n"))
                    sent += 1
                    if case .dropAfterEvents(let limit) = fault, sent >= limit {
                        // Let the events leave before the connection is cut.
                        try await Task.sleep(for: .milliseconds(100))
                        throw DroppedConnection()
                    }
                    if fault == .errorEvent {
                        let error = Wire.StreamEvent(type: "error", error: Wire.ErrorBody(
                            message: "The engine failed while editing (fault injected).", type: "server_error", param: nil, code: nil))
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(try Self.json(error))\n\n"))
                        break
                    }
                }
                try await writer.finish(nil)
            }
            return (Response(status: .ok, headers: headers, body: body), summary)
        }

        var images: [(Int, RGBAImage)] = []
        for await event in Self.engineEvents(job) {
            if case .image(let index, let image) = event { images.append((index, image)) }
        }
        let data = try images.map { _, image -> Wire.Image in
            let bytes = try edit.encoded(image)
            if edit.request.responseFormat == "url" {
                let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
                return Wire.Image(url: "http://\(host)/v1/results/\(results.add([UInt8](bytes), format: edit.outputFormat.rawValue))")
            }
            return Wire.Image(b64_json: bytes.base64EncodedString())
        }
        let answer = Wire.ImagesResponse(created: created, settings: edit.settings(job), usage: usage, data: data)
        headers[.contentType] = "application/json"
        return (Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: try Self.json(answer)))), summary)
    }

    struct DroppedConnection: Error {}

    enum EngineEvent: Sendable {
        case partial(Int, RGBAImage)
        case image(Int, RGBAImage)
    }

    /// Runs the engine off the request's task and hands over images as they are made.
    static func engineEvents(_ job: LocalEngine.Job) -> AsyncStream<EngineEvent> {
        AsyncStream { continuation in
            let task = Task.detached(priority: .userInitiated) {
                LocalEngine().run(job, onPartial: { continuation.yield(.partial($0, $1)) },
                                  onImage: { continuation.yield(.image($0, $1)) })
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func authorize(_ request: Request) throws {
        guard let key = configuration.apiKey else { return }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw HTTPFailure(status: .unauthorized,
                              message: "You didn't provide an API key. Provide it in an Authorization header (Bearer auth).",
                              code: "missing_api_key")
        }
        guard header.dropFirst("Bearer ".count) == key else {
            throw HTTPFailure(status: .unauthorized, message: "Incorrect API key provided.", code: "invalid_api_key")
        }
    }

    private func requestedFault(_ request: Request) throws -> Fault? {
        guard let text = request.headers[HTTPField.Name("X-Retouch-Fault")!] else { return configuration.fault }
        guard let fault = Fault(text) else {
            throw HTTPFailure(status: .badRequest, message: "X-Retouch-Fault must be \(Fault.accepted), not '\(text)'.",
                              param: "X-Retouch-Fault", code: "invalid_value")
        }
        return fault
    }

    /// Parses the body as it streams in; only the parts are kept, never the raw body as well.
    private func readForm(_ request: Request) async throws -> [FormPart] {
        let boundary = try FormReader.boundary(contentType: request.headers[.contentType] ?? "")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw tooLarge(length)
        }
        var reader = FormReader(boundary: boundary, maxBodyBytes: configuration.maxBodyBytes)
        for try await buffer in request.body { try reader.feed(buffer) }
        return try reader.finish()
    }

    private func tooLarge(_ bytes: Int) -> HTTPFailure {
        FormReader.tooLarge(bytes, limit: configuration.maxBodyBytes)
    }

    static func parameter(_ key: String, in value: String) -> String? {
        for piece in value.split(separator: ";") {
            let pair = piece.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix("\(key)=\"") && pair.hasSuffix("\"") { return String(pair.dropFirst(key.count + 2).dropLast()) }
            if pair.hasPrefix("\(key)=") { return String(pair.dropFirst(key.count + 1)) }
        }
        return nil
    }
}
