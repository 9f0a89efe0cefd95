import Foundation
import HTTPTypes
import ImageCodecs
import ImageEditModel
import Raster
import Testing
@testable import LocalServer

/// The edit service on its own, with no HTTP: a multipart body goes in as chunks, and an answer
/// (whole, or an event stream) comes out.
@Suite(.serialized) struct EditServiceTests {
    func maskedStreamingForm(partialImages: Int) throws -> [UInt8] {
        var form = MultipartForm()
        form.add("prompt", "remove the thing")
        form.add("stream", "true")
        form.add("partial_images", "\(partialImages)")
        form.add(file: "image", filename: "photo.png", try ImageEncoder.png(photo))
        form.add(file: "mask", filename: "mask.png", try ImageEncoder.png(maskImage, alpha: .always))
        return form.finished
    }

    @Test func aStreamedEditComesOutAsEventsAndGivesItsLeaseBack() async throws {
        let service = EditService(configuration: LocalServerConfiguration())
        let body = try maskedStreamingForm(partialImages: 2)
        do {
            let answer = try await service.edit(serviceEdit(body, chunkSize: 7))
            #expect(answer.status == .ok)
            #expect(answer.headerFields[.contentType] == "text/event-stream")
            #expect(answer.headerFields[.retouchEngine] == "local; understood: remove; ignored: thing")
            #expect(answer.headerFields[.requestID]?.hasPrefix("req_") == true)
            guard case .stream = answer.body else { Issue.record("an event stream was expected"); return }
            #expect(service.budget.inUse > 0, "the stream holds the edit's memory until it is sent")
            let events = try streamEvents(try await bytes(of: answer))
            let partials = events.dropLast()
            #expect((1...2).contains(partials.count))
            #expect(partials.map(\.name) == Array(repeating: "image_edit.partial_image", count: partials.count))
            #expect(partials.map(\.event.partial_image_index) == Array(0..<partials.count))
            let completed = try #require(events.last)
            #expect(completed.name == "image_edit.completed" && completed.event.usage?.outputTokens == 4)
            let png = try #require(completed.event.b64_json.flatMap { Data(base64Encoded: $0) })
            let image = try ImageDecoder().decode([UInt8](png)).image
            #expect(image.width == 128 && image.height == 96)
            let outsideKept = (0..<96).allSatisfy { y in (0..<128).allSatisfy { x in hole.contains(x: x, y: y) || image[x, y] == photo[x, y] } }
            #expect(outsideKept, "pixels outside the mask are kept exactly")
        }
        #expect(service.budget.inUse == 0, "the lease goes with the stream")
    }

    @Test func aDroppedStreamFailsAfterTheEventsItPromised() async throws {
        let service = EditService(configuration: LocalServerConfiguration())
        let answer = try await service.edit(serviceEdit(try maskedStreamingForm(partialImages: 2), headers: [.retouchFault: "drop-after:1"]))
        guard case .stream(let chunks) = answer.body else { Issue.record("an event stream was expected"); return }
        var received = 0
        do {
            for try await _ in chunks { received += 1 }
            Issue.record("the stream was to be cut")
        } catch {
            #expect(error is DroppedConnection)
        }
        #expect(received == 1)
    }

    @Test func unknownFieldsAreRefusedAndAnswersSayWhatThePromptMeant() async throws {
        let service = EditService(configuration: LocalServerConfiguration())
        let refused = try await service.edit(serviceEdit(try MultipartForm.edit(fields: ["colour": "red"]), path: "/images/edits"))
        #expect(refused.status == .badRequest)
        #expect(refused.headerFields[.requestID]?.hasPrefix("req_") == true)
        let text = String(decoding: try await bytes(of: refused), as: UTF8.self)
        let error = try JSONDecoder().decode(Wire.ErrorEnvelope.self, from: Data(text.utf8)).error
        #expect(error?.message == "Unrecognized request argument supplied: colour")
        #expect(error?.param == "colour")
        #expect(text.contains("\"code\":") && text.contains("\"type\":\"invalid_request_error\""))

        let accepted = try await service.edit(serviceEdit(try MultipartForm.edit()))
        #expect(accepted.status == .ok && accepted.headerFields[.contentType] == "application/json")
        #expect(accepted.headerFields[.retouchEngine] == "local; understood: none; default: sepia; ignored: hello")
    }

    @Test func anOversizedTextFieldIsRefusedByName() async throws {
        let service = EditService(configuration: LocalServerConfiguration())
        let answer = try await service.edit(serviceEdit(try MultipartForm.edit(fields: ["user": String(repeating: "u", count: 300 << 10)])))
        #expect(answer.status == .badRequest)
        let error = try await errorBody(of: answer)
        #expect(error?.param == "user" && error?.code == "string_above_max_length", "\(String(describing: error))")
    }

    @Test func editsBeyondTheConcurrencyLimitGet429WithRetryAfter() async throws {
        var configuration = LocalServerConfiguration()
        configuration.limits.maxConcurrentEdits = 1
        let service = EditService(configuration: configuration)
        // The first edit stalls and holds the only slot once its body has been read.
        let stalled = Task { try await service.edit(serviceEdit(try MultipartForm.edit(), headers: [.retouchFault: "stall"])) }
        for _ in 0..<500 where service.budget.inUse == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let answer = try await service.edit(serviceEdit(try MultipartForm.edit()))
        stalled.cancel()
        _ = await stalled.result
        #expect(answer.status == .tooManyRequests)
        #expect(answer.headerFields[.retryAfter] == "2")
        #expect(try await errorBody(of: answer)?.code == "too_many_concurrent_edits")
    }

    @Test func aBodyOverTheMemoryBudgetGets503() async throws {
        var configuration = LocalServerConfiguration()
        configuration.limits.memoryBudgetBytes = 8 << 10
        let service = EditService(configuration: configuration)
        let answer = try await service.edit(serviceEdit(try MultipartForm.edit()))
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.headerFields[.retryAfter] == "2")
        #expect(try await errorBody(of: answer)?.code == "memory_budget_exceeded")
        #expect(service.budget.inUse == 0)
    }

    @Test func resultsNeedTheKeyOrTheirToken() async throws {
        let service = EditService(configuration: LocalServerConfiguration(apiKey: "sk-local"))
        let form = try MultipartForm.edit(fields: ["model": "dall-e-2", "response_format": "url", "size": "256x256"], square: true)
        let answer = try await service.edit(serviceEdit(form, headers: [.authorization: "Bearer sk-local"]))
        let response = try JSONDecoder().decode(Wire.ImagesResponse.self, from: Data(try await bytes(of: answer)))
        let url = try #require(response.data?.first?.url.flatMap(URLComponents.init(string:)))
        #expect(url.host == "127.0.0.1" && url.port == 8080, "on the host the client asked")
        let name = String(url.path.dropFirst("/v1/results/".count))
        let token = try #require(url.queryItems?.first { $0.name == "token" }?.value)
        func fetch(_ name: String, token: String?) -> ServiceResponse {
            service.hostedResult(named: name, for: ServiceRequest(method: .get, path: "/v1/results/\(name)",
                                                                  query: token.map { ["token": $0] } ?? [:]))
        }
        let signed = fetch(name, token: token)
        #expect(signed.status == .ok && signed.headerFields[.contentType] == "image/png")
        #expect(try ImageDecoder().decode(try await bytes(of: signed)).image.width == 256)
        #expect(fetch(name, token: nil).status == .unauthorized)
        // Another last digit: replacing it with "0" left one token in sixteen unchanged.
        #expect(fetch(name, token: String(token.dropLast()) + (token.last == "0" ? "1" : "0")).status == .unauthorized)
        #expect(fetch("nothing.png", token: token).status == .notFound)
    }
}
