import Foundation
import HTTPTypes
import ImageEditModel
import LocalEngine
import Raster

/// The answer to an edit the engine runs: an event stream, or JSON once every image is made.
struct EditAnswer: Sendable {
    var edit: EditInput
    var job: LocalEngine.Job
    var created: Int
    var usage: Usage

    /// Server-sent events, one per partial or finished image, made as the client reads them.
    func stream(headers: HTTPFields, lease: EditLease, fault: Fault?) -> ServiceResponse {
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        // The engine starts now, not when the first event is asked for.
        let events = EventStream(answer: self, events: Self.engineEvents(job), lease: lease, fault: fault)
        return ServiceResponse(status: .ok, headerFields: headers, body: .stream(ByteChunks(events)))
    }

    /// The images as base64, or as URLs on `resultsHost` for `response_format=url`.
    func json(headers: HTTPFields, resultsHost: String, results: HostedResults) async throws -> ServiceResponse {
        var images: [(Int, RGBAImage)] = []
        for await event in Self.engineEvents(job) {
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
        return ServiceResponse(status: .ok, headerFields: headers, body: .bytes(Array(try Self.json(answer).utf8)))
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
}

/// Cuts the connection on purpose (`Fault.dropAfterEvents`).
struct DroppedConnection: Error {}

/// The engine's events as SSE chunks, with the stream faults played. It holds the edit's lease,
/// so the slot and the memory are given back once the stream has been sent or dropped.
struct EventStream: AsyncSequence, Sendable {
    typealias Element = [UInt8]

    let answer: EditAnswer
    let events: AsyncStream<EditAnswer.EngineEvent>
    let lease: EditLease
    let fault: Fault?

    struct AsyncIterator: AsyncIteratorProtocol {
        let stream: EventStream
        var events: AsyncStream<EditAnswer.EngineEvent>.Iterator
        var sent = 0
        var ended = false

        mutating func next() async throws -> [UInt8]? {
            guard !ended else { return nil }
            if sent > 0, case .dropAfterEvents(let limit) = stream.fault, sent >= limit {
                // The events sent so far have left by now.
                try await Task.sleep(for: .milliseconds(100))
                throw DroppedConnection()
            }
            if sent > 0, stream.fault == .errorEvent { return try failed() }
            guard let event = await events.next() else { return nil }
            // Without partial images, the error comes in place of the first image.
            if stream.fault == .errorEvent, case .image = event { return try failed() }
            let answer = stream.answer
            sent += 1
            let (data, image) = try answer.edit.streamEvent(event, job: answer.job, created: answer.created, usage: answer.usage)
            return try Self.chunk(data, image: image)
        }

        /// The `error` event of `Fault.errorEvent`, which ends the stream.
        mutating func failed() throws -> [UInt8] {
            ended = true
            return try Self.chunk(Wire.StreamEvent(type: "error", error: Wire.ErrorBody(
                message: "The engine failed while editing (fault injected).", type: "server_error", param: nil, code: nil)))
        }

        /// The event as SSE. `image` becomes its `b64_json`, the object's last member, written
        /// straight into the chunk: base64 needs no escaping, and the JSON encoder would scan and
        /// copy its megabytes again.
        static func chunk(_ event: Wire.StreamEvent, image: Data? = nil) throws -> [UInt8] {
            let json = Array(try EditAnswer.json(event).utf8)
            var chunk = Array("event: \(event.type ?? "message")\ndata: ".utf8)
            guard let image else { return chunk + json + Array("\n\n".utf8) }
            let base64 = image.base64EncodedData()
            chunk.reserveCapacity(chunk.count + json.count + base64.count + 20)
            chunk += json.dropLast()
            chunk += Array(#","b64_json":""#.utf8)
            chunk += base64
            chunk += Array("\"}\n\n".utf8)
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self, events: events.makeAsyncIterator())
    }
}
