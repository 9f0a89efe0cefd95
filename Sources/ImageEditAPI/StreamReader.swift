import Foundation
import ImageEditModel
import NIOCore
import Raster

/// Turns server-sent events into partial and finished images, and knows when the stream is done:
/// at `[DONE]` or at the last expected `completed` event, after which nothing more is read.
struct StreamReader {
    enum Outcome { case more, done }

    var parser: SSEParser
    var expectedImages: Int
    var images: [EditedImage] = []
    var partialCount = 0
    var eventsSeen = 0
    private(set) var isDone = false

    init(parser: SSEParser, expectedImages: Int) {
        self.parser = parser
        self.expectedImages = expectedImages
    }

    /// Parses a chunk and handles its events, up to the one that ends the stream.
    mutating func feed(_ bytes: ByteBufferView, requestID: String?, progress: @Sendable (EditProgress) -> Void) throws -> Outcome {
        try handle(try parsed { (parser) throws(SSEParser.EventTooLarge) in try parser.feed(bytes) }, requestID: requestID, progress: progress)
    }

    /// Handles an event left without its line end when the stream closed.
    mutating func finish(requestID: String?, progress: @Sendable (EditProgress) -> Void) throws -> Outcome {
        try handle(try parsed { (parser) throws(SSEParser.EventTooLarge) in try parser.finish() }, requestID: requestID, progress: progress)
    }

    private mutating func parsed(_ step: (inout SSEParser) throws(SSEParser.EventTooLarge) -> [ServerSentEvent]) throws -> [ServerSentEvent] {
        do {
            return try step(&parser)
        } catch {
            throw ImageEditClient.AttemptFailure(error: .protocolViolation(failure(
                .limitExceeded, "an event is larger than the \(ByteCount.format(error.limit)) limit")), retryable: false)
        }
    }

    private mutating func handle(_ events: [ServerSentEvent], requestID: String?,
                                 progress: @Sendable (EditProgress) -> Void) throws -> Outcome {
        for event in events where try handle(event, requestID: requestID, progress: progress) == .done {
            isDone = true
            return .done
        }
        return .more
    }

    mutating func handle(_ event: ServerSentEvent, requestID: String?,
                         progress: @Sendable (EditProgress) -> Void) throws -> Outcome {
        if event.data.elementsEqual("[DONE]".utf8) { return .done }
        eventsSeen += 1
        let wire: Wire.StreamEvent
        do {
            wire = try JSONDecoder().decode(Wire.StreamEvent.self, from: Data(event.data))
        } catch {
            throw ImageEditClient.AttemptFailure(error: .protocolViolation(failure(
                .badJSON, "event \(event.event ?? "message"): \(ImageEditClient.snippet(event.data))")), retryable: false)
        }
        let kind = wire.type ?? event.event ?? ""
        if kind == "error" || event.event == "error" || wire.error != nil {
            // Either {"type":"error","error":{…}} or the error object itself.
            let body = wire.error ?? (try? JSONDecoder().decode(Wire.ErrorBody.self, from: Data(event.data)))
            throw ImageEditClient.AttemptFailure(error: .streamFailed(StreamFailure(
                message: body?.message ?? "no message", type: body?.type, param: body?.param, code: body?.code,
                requestID: requestID, partialImagesReceived: partialCount, imagesReceived: images.count)), retryable: false)
        }
        if kind.hasSuffix(".partial_image") {
            guard let b64 = wire.b64_json else { return .more }
            let partial = PartialImage(index: wire.partial_image_index ?? partialCount,
                                       bytes: try ImageEditClient.decodeBase64(b64, what: "partial image"),
                                       createdAt: wire.created_at, settings: wire.settings)
            partialCount += 1
            progress(.partialImage(partial))
        } else if kind.hasSuffix(".completed") {
            guard let b64 = wire.b64_json else {
                throw ImageEditClient.AttemptFailure(error: .protocolViolation(failure(
                    .unexpectedResponse, "a completed event without b64_json")), retryable: false)
            }
            let image = EditedImage(index: images.count, bytes: try ImageEditClient.decodeBase64(b64, what: "image \(images.count)"),
                                    revisedPrompt: wire.revised_prompt, createdAt: wire.created_at,
                                    settings: wire.settings, usage: wire.usage)
            images.append(image)
            progress(.image(image))
            // Whatever a server sends after the last image it owes is not read.
            if images.count >= expectedImages { return .done }
        }
        // Unknown event types are skipped.
        return .more
    }

    func failure(_ kind: ProtocolError.Kind, _ detail: String) -> ProtocolError {
        ProtocolError(kind: kind, detail: detail, partialImagesReceived: partialCount, imagesReceived: images.count)
    }
}
