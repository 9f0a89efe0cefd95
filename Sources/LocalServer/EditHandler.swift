import Foundation
import HTTPTypes
import Hummingbird
import ImageCodecs
import ImageEditModel
import LocalEngine
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
    let slots: EditSlots
    let budget: MemoryBudget

    init(configuration: LocalServerConfiguration, results: HostedResults) {
        self.configuration = configuration
        self.results = results
        slots = EditSlots(capacity: configuration.limits.maxConcurrentEdits)
        budget = MemoryBudget(capacity: configuration.limits.memoryBudgetBytes)
    }

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
        // Held until the answer is sent, streamed answers included (their body keeps it alive).
        guard let lease = EditLease(slots: slots, budget: budget) else {
            throw HTTPFailure(status: .tooManyRequests,
                              message: "The local engine is busy with \(slots.capacity) edits; try again shortly.",
                              type: "requests", code: "too_many_concurrent_edits", headers: [(.retryAfter, "2")])
        }
        let parts = try await readForm(request, lease: lease)
        let fault = try requestedFault(request)
        if configuration.latencyMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(configuration.latencyMilliseconds))
        }
        if let answer = try await Self.answerInstead(for: fault) { return (answer, "non-json") }

        let edit = try EditInput(parts: parts)
        let job = try edit.job(lease: lease)
        let answer = Answer(edit: edit, job: job, created: Int(Date().timeIntervalSince1970), usage: edit.usage(job))
        var headers = HTTPFields()
        headers[HTTPField.Name("x-request-id")!] = requestID
        // What the engine understood of the prompt, for clients to show.
        headers[HTTPField.Name(LocalServer.engineHeader)!] = job.plan.report
        let summary = "\(edit.request.isStreaming ? "stream " : "")n=\(job.variations) \(edit.outputSize(job))"
        if edit.request.isStreaming {
            return (answer.stream(headers: headers, lease: lease, fault: fault), summary)
        }
        let host = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        return (try await answer.json(headers: headers, resultsHost: host, results: results), summary)
    }

    /// Faults that replace the answer: thrown as an error, an answer that is not JSON, or none
    /// at all. nil for the others, which the answer itself carries out.
    private static func answerInstead(for fault: Fault?) async throws -> Response? {
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
            return Response(status: .ok, headers: fields,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>")))
        case .stall:
            try await Task.sleep(for: .seconds(3600))
            return nil
        default:
            return nil
        }
    }

    /// The answer to an edit the engine runs: an event stream, or JSON once every image is made.
    struct Answer: Sendable {
        var edit: EditInput
        var job: LocalEngine.Job
        var created: Int
        var usage: Usage

        func stream(headers: HTTPFields, lease: EditLease, fault: Fault?) -> Response {
            var headers = headers
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            let events = EditHandler.engineEvents(job)
            let body = ResponseBody { writer in
                defer { withExtendedLifetime(lease) {} }
                var sent = 0
                for await event in events {
                    let wire = try edit.streamEvent(event, job: job, created: created, usage: usage)
                    try await writer.write(ByteBuffer(string: "event: \(wire.type ?? "message")\ndata: \(try EditHandler.json(wire))\n\n"))
                    sent += 1
                    if case .dropAfterEvents(let limit) = fault, sent >= limit {
                        // Let the events leave before the connection is cut.
                        try await Task.sleep(for: .milliseconds(100))
                        throw DroppedConnection()
                    }
                    if fault == .errorEvent {
                        let error = Wire.StreamEvent(type: "error", error: Wire.ErrorBody(
                            message: "The engine failed while editing (fault injected).", type: "server_error", param: nil, code: nil))
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(try EditHandler.json(error))\n\n"))
                        break
                    }
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        }

        /// The images as base64, or as URLs on `resultsHost` for `response_format=url`.
        func json(headers: HTTPFields, resultsHost: String, results: HostedResults) async throws -> Response {
            var images: [(Int, RGBAImage)] = []
            for await event in EditHandler.engineEvents(job) {
                if case .image(let index, let image) = event { images.append((index, image)) }
            }
            let data = try images.map { _, image -> Wire.Image in
                let bytes = try edit.encoded(image)
                if edit.request.responseFormat == "url" {
                    return Wire.Image(url: "http://\(resultsHost)\(results.add([UInt8](bytes), format: edit.outputFormat.rawValue))")
                }
                return Wire.Image(b64_json: bytes.base64EncodedString())
            }
            let answer = Wire.ImagesResponse(created: created, settings: edit.settings(job), usage: usage, data: data)
            var headers = headers
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: try EditHandler.json(answer))))
        }
    }

    struct DroppedConnection: Error {}

    /// An edit's slot and its share of the memory budget, given back when the last reference
    /// to it goes: when the answer has been sent, or the connection dropped.
    final class EditLease: Sendable {
        private let slots: EditSlots
        private let reservation: Reservation

        init?(slots: EditSlots, budget: MemoryBudget) {
            guard slots.take() else { return nil }
            self.slots = slots
            reservation = Reservation(budget: budget)
        }

        deinit {
            reservation.releaseAll()
            slots.give()
        }

        /// A lease of its own, for reading a request outside a server (tests and fuzzing).
        static func standalone() -> EditLease {
            EditLease(slots: EditSlots(capacity: 1), budget: MemoryBudget(capacity: .max))!
        }

        /// Takes `bytes` from the budget, or refuses the request with 503 and Retry-After.
        func reserve(_ bytes: Int, for what: String) throws {
            guard reservation.add(bytes) else {
                throw HTTPFailure(status: .serviceUnavailable,
                                  message: "The local engine has no memory left for \(what) now; try again shortly.",
                                  type: "server_error", code: "memory_budget_exceeded", headers: [(.retryAfter, "2")])
            }
        }
    }

    enum EngineEvent: Sendable {
        case partial(Int, RGBAImage)
        case image(Int, RGBAImage)
    }

    /// Runs the engine off the request's task and hands over images as they are made.
    static func engineEvents(_ job: LocalEngine.Job) -> AsyncStream<EngineEvent> {
        AsyncStream { continuation in
            let task = Task.detached(priority: .userInitiated) {
                // The job's output was checked when it was made; a refusal here only ends the stream.
                try? LocalEngine().run(job, onPartial: { continuation.yield(.partial($0, $1)) },
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

    func authorize(_ request: Request) throws {
        guard let key = configuration.apiKey else { return }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw HTTPFailure(status: .unauthorized,
                              message: "You didn't provide an API key. Provide it in an Authorization header (Bearer auth).",
                              code: "missing_api_key")
        }
        guard keysMatch(header.dropFirst("Bearer ".count), key) else {
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
    private func readForm(_ request: Request, lease: EditLease) async throws -> [FormPart] {
        let boundary = try FormReader.boundary(contentType: request.headers[.contentType] ?? "")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw tooLarge(length)
        }
        var reader = FormReader(boundary: boundary, maxBodyBytes: configuration.maxBodyBytes)
        for try await buffer in request.body {
            try lease.reserve(buffer.readableBytes, for: "the request body")
            try reader.feed(buffer)
        }
        return try reader.finish()
    }

    private func tooLarge(_ bytes: Int) -> HTTPFailure {
        FormReader.tooLarge(bytes, limit: configuration.maxBodyBytes)
    }

    /// A parameter of a part's header, e.g. `filename` in `form-data; name="image[]";
    /// filename="a;b \"1\".png"`: the header splits on `;` outside quotes, names match in any
    /// case, and a quoted value's backslash escapes are undone (RFC 7578, RFC 2183).
    static func parameter(_ key: String, in value: String) -> String? {
        var pieces: [String] = [], piece = "", quoted = false, escaped = false
        for character in value {
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                pieces.append(piece)
                piece = ""
                continue
            }
            piece.append(character)
        }
        pieces.append(piece)
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "="),
                  piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == key.lowercased() else { continue }
            let raw = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard raw.hasPrefix("\"") else { return raw }
            var text = "", escaping = false
            for character in raw.dropFirst() {
                if escaping {
                    text.append(character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    break
                } else {
                    text.append(character)
                }
            }
            return text
        }
        return nil
    }
}
