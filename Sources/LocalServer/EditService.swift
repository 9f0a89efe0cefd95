import Foundation
import HTTPTypes
import ImageEditModel
import LocalEngine

/// An error answer in OpenAI's shape.
struct HTTPFailure: Error {
    var status: HTTPResponse.Status
    var message: String
    var type = "invalid_request_error"
    var param: String?
    var code: String?
    var headers: [(HTTPField.Name, String)] = []

    func response(requestID: String) -> ServiceResponse {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.requestID] = requestID
        for (name, value) in headers { fields[name] = value }
        let body = Wire.ErrorEnvelope(error: Wire.ErrorBody(message: message, type: type, param: param, code: code))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return ServiceResponse(status: status, headerFields: fields, body: .bytes([UInt8](data)))
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-request-id")!
    static let retouchFault = HTTPField.Name("X-Retouch-Fault")!
    static let retouchEngine = HTTPField.Name(LocalServer.engineHeader)!
}

/// The edit endpoint and the results it hosts, as one value every request shares: the
/// configuration, the edit slots, the memory budget and the hosted results.
public struct EditService: Sendable {
    let configuration: LocalServerConfiguration
    let results: HostedResults
    let slots: EditSlots
    let budget: MemoryBudget

    public init(configuration: LocalServerConfiguration) {
        self.configuration = configuration
        let limits = configuration.limits
        results = HostedResults(maxCount: limits.maxHostedResults, maxBytes: limits.maxHostedBytes)
        slots = EditSlots(capacity: limits.maxConcurrentEdits)
        budget = MemoryBudget(capacity: limits.memoryBudgetBytes)
    }

    /// `POST /v1/images/edits`: every refusal is an answer; what throws is the transport's
    /// failing (a body that stops arriving) or cancellation.
    public func edit(_ request: ServiceRequest) async throws -> ServiceResponse {
        let started = ContinuousClock.now
        let requestID = "req_" + randomHex(24)
        var summary = ""
        let response: ServiceResponse
        do {
            (response, summary) = try await process(request, requestID: requestID)
        } catch let failure as HTTPFailure {
            response = failure.response(requestID: requestID)
            summary = failure.code ?? failure.message
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        configuration.log(String(format: "%@ %@ %d %.2fs %@ %@", request.method.rawValue, request.path,
                                 response.status.code, seconds, requestID, summary))
        return response
    }

    /// Any other method on the edit path: 405, with the one it takes in `Allow`.
    public func wrongMethod(_ request: ServiceRequest) -> ServiceResponse {
        let requestID = "req_" + randomHex(24)
        configuration.log("\(request.method.rawValue) \(request.path) 405 \(requestID)")
        return HTTPFailure(status: .methodNotAllowed, message: "Use POST for \(request.path).", headers: [(.allow, "POST")])
            .response(requestID: requestID)
    }

    /// `GET /v1/results/NAME`: a result asked for with `response_format=url`, valid for an hour
    /// as OpenAI's are. Like OpenAI's, result URLs are pre-signed: their token stands for the key.
    public func hostedResult(named name: String, for request: ServiceRequest) -> ServiceResponse {
        guard let hosted = results.take(name) else { return ServiceResponse(status: .notFound) }
        if !keysMatch(Substring(request.query["token"] ?? ""), hosted.token) {
            do {
                try authorize(request)
            } catch {
                return error.response(requestID: "req_" + randomHex(24))
            }
        }
        var fields = HTTPFields()
        fields[.contentType] = hosted.contentType
        return ServiceResponse(status: .ok, headerFields: fields, body: .bytes(hosted.bytes))
    }

    private func process(_ request: ServiceRequest, requestID: String) async throws -> (ServiceResponse, String) {
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
        let answer = EditAnswer(edit: edit, job: job, created: Int(Date().timeIntervalSince1970), usage: edit.usage(job))
        var headers = HTTPFields()
        headers[.requestID] = requestID
        // What the engine understood of the prompt, for clients to show.
        headers[.retouchEngine] = job.plan.report
        let summary = "\(edit.request.isStreaming ? "stream " : "")n=\(job.variations) \(edit.outputSize(job))"
        if edit.request.isStreaming {
            return (answer.stream(headers: headers, lease: lease, fault: fault), summary)
        }
        let host = request.authority ?? "\(configuration.host):\(configuration.port)"
        return (try await answer.json(headers: headers, resultsHost: host, results: results), summary)
    }

    /// Faults that replace the answer: thrown as an error, an answer that is not JSON, or none
    /// at all. nil for the others, which the answer itself carries out.
    private static func answerInstead(for fault: Fault?) async throws -> ServiceResponse? {
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
            return ServiceResponse(status: .ok, headerFields: fields, body: .bytes(Array("<html><body>502 Bad Gateway</body></html>".utf8)))
        case .stall:
            try await Task.sleep(for: .seconds(3600))
            return nil
        default:
            return nil
        }
    }

    func authorize(_ request: ServiceRequest) throws(HTTPFailure) {
        guard let key = configuration.apiKey else { return }
        guard let header = request.headerFields[.authorization], header.hasPrefix("Bearer ") else {
            throw HTTPFailure(status: .unauthorized,
                              message: "You didn't provide an API key. Provide it in an Authorization header (Bearer auth).",
                              code: "missing_api_key")
        }
        guard keysMatch(header.dropFirst("Bearer ".count), key) else {
            throw HTTPFailure(status: .unauthorized, message: "Incorrect API key provided.", code: "invalid_api_key")
        }
    }

    private func requestedFault(_ request: ServiceRequest) throws -> Fault? {
        guard let text = request.headerFields[.retouchFault] else { return configuration.fault }
        guard let fault = Fault(text) else {
            throw HTTPFailure(status: .badRequest, message: "X-Retouch-Fault must be \(Fault.accepted), not '\(text)'.",
                              param: "X-Retouch-Fault", code: "invalid_value")
        }
        return fault
    }

    /// Parses the body as it streams in; only the parts are kept, never the raw body as well.
    private func readForm(_ request: ServiceRequest, lease: EditLease) async throws -> [FormPart] {
        let boundary = try FormReader.boundary(contentType: request.headerFields[.contentType] ?? "")
        if let length = request.headerFields[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            throw FormReader.tooLarge(length, limit: configuration.maxBodyBytes)
        }
        var reader = FormReader(boundary: boundary, maxBodyBytes: configuration.maxBodyBytes)
        for try await chunk in request.body {
            try lease.reserve(chunk.count, for: "the request body")
            try reader.feed(chunk)
        }
        return try reader.finish()
    }
}
