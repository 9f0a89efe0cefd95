import Foundation
import ImageCodecs
import Raster
import ScriptedServer
import Testing
import TestSupport
@testable import ImageEditAPI
import ImageEditModel

/// The client against servers that lie, flood or try to learn the key: every answer ends in a
/// bounded error naming what went wrong, and what arrived before is reported.
@Suite(.serialized) struct HostileServerTests {
    func streamingRequest(n: Int? = nil) throws -> EditRequest {
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        request.n = n
        return request
    }

    func limited(_ baseURL: String, _ change: (inout ClientLimits) -> Void) -> ImageEditClient {
        var configuration = ClientConfiguration(baseURL: baseURL, apiKey: "sk-test", timeout: 30, maxRetries: 0)
        change(&configuration.limits)
        return ImageEditClient(configuration: configuration)
    }

    func limitError(_ error: Error) -> ProtocolError? {
        guard case .protocolViolation(let failure) = error as? ImageEditError, failure.kind == .limitExceeded else { return nil }
        return failure
    }

    @Test func resultURLsNeverGetTheKeyWhateverHostTheyName() async throws {
        let image = try samplePNG(width: 12, height: 12)
        let files = try await ScriptedServer(replies: [ScriptedServer.Reply(status: 200, headers: [("Content-Type", "image/png")],
                                                                            steps: [.bytes(image)])])
        // Another port on the API's own host, a fragment that hides the real host, and the API itself.
        let api = try await ScriptedServer(replies: [.json(200, "")])
        let urls = ["http://127.0.0.1:\(files.port)/r.png", "http://localhost:\(files.port)#@127.0.0.1:\(api.port)/r.png"]
        let data = urls.map { #"{"url":"\#($0)"}"# }.joined(separator: ",")
        let answering = try await ScriptedServer(replies: [.json(200, #"{"created":5,"data":[\#(data)]}"#)])
        let client = client(answering.baseURL)
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG(alpha: true)))], prompt: "x",
                                  model: "dall-e-2")
        request.responseFormat = "url"
        request.n = 2
        let result = try await client.edit(request)
        await client.shutdown()
        for server in [files, api, answering] { await server.stop() }
        #expect(result.images.map(\.bytes) == [image, image])
        #expect(files.requests.count == 2)
        #expect(files.requests.allSatisfy { $0.header("Authorization") == nil })
        #expect(api.requests.isEmpty)
        #expect(answering.requests.first?.header("Authorization") == "Bearer sk-test")
    }

    @Test func aRedirectNeverCarriesTheKeyElsewhere() async throws {
        let answer = jsonAnswer([try samplePNG(width: 4, height: 4)])
        let elsewhere = try await ScriptedServer(replies: [.json(200, answer)])
        let redirecting = try await ScriptedServer(replies: [ScriptedServer.Reply(
            status: 307, headers: [("Location", "http://localhost:\(elsewhere.port)/v1/images/edits")], steps: [])])
        let client = client(redirecting.baseURL, retries: 0)
        let request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        let outcome = await Result { try await client.edit(request) }
        await client.shutdown()
        await redirecting.stop()
        await elsewhere.stop()
        #expect(redirecting.requests.first?.header("Authorization") == "Bearer sk-test")
        // An upload is not replayed to another place: the redirect is reported as the answer it is.
        guard case .api(let api) = outcome.failureValue as? ImageEditError else {
            Issue.record("expected the 307 as an error, got \(outcome)")
            return
        }
        #expect(api.status == 307)
        #expect(elsewhere.requests.allSatisfy { $0.header("Authorization") == nil })
    }

    @Test func anEndlessLineStopsAtTheEventLimitAndKeepsWhatArrived() async throws {
        let partial = try samplePNG(width: 3, height: 3)
        let text = eventStream(partials: [partial], final: [], done: false) + "data: " + String(repeating: "A", count: 3 << 20)
        let server = try await ScriptedServer(replies: [.events(text, chunkSize: 64 << 10)])
        let api = limited(server.baseURL) { $0.maxEventBytes = 1 << 20 }
        let log = ProgressLog()
        let outcome = await Result { try await api.edit(try streamingRequest()) { log.record($0) } }
        await api.shutdown()
        await server.stop()
        let failure = try #require(outcome.failureValue.flatMap(limitError))
        #expect(failure.detail.contains("event is larger than the 1.0 MB limit"), "\(failure.detail)")
        #expect(failure.partialImagesReceived == 1)
        #expect(log.partialIndexes == [0])
    }

    @Test func aStreamOverTheTotalLimitStops() async throws {
        let partial = try noisePNG(side: 64)
        let text = eventStream(partials: Array(repeating: partial, count: 10), final: [partial])
        #expect(text.utf8.count > 128 << 10)
        let server = try await ScriptedServer(replies: [.events(text, chunkSize: 16 << 10)])
        let api = limited(server.baseURL) { $0.maxStreamBytes = 64 << 10 }
        let outcome = await Result { try await api.edit(try streamingRequest()) }
        await api.shutdown()
        await server.stop()
        let failure = try #require(outcome.failureValue.flatMap(limitError))
        #expect(failure.detail.contains("stream is larger than the 64.0 KB limit"), "\(failure.detail)")
    }

    @Test func aJSONAnswerOverItsLimitStops() async throws {
        let server = try await ScriptedServer(replies: [.json(200, jsonAnswer([try noisePNG(side: 64)]))])
        let api = limited(server.baseURL) { $0.maxJSONBytes = 4 << 10 }
        let outcome = await Result {
            try await api.edit(EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x"))
        }
        await api.shutdown()
        await server.stop()
        let failure = try #require(outcome.failureValue.flatMap(limitError))
        #expect(failure.detail.contains("JSON answer is larger than the 4.0 KB limit"), "\(failure.detail)")
    }

    @Test func aGzipBombStopsAtTheInflationRatio() async throws {
        let bomb = try HostileBodies.gzipBomb(prefix: "data: ", megabytes: 200)
        #expect(bomb.count < 1 << 20)
        let server = try await ScriptedServer(replies: [ScriptedServer.Reply(
            status: 200, headers: [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")], steps: [.bytes(bomb)])])
        let api = limited(server.baseURL) { _ in }
        let outcome = await Result { try await api.edit(try streamingRequest()) }
        await api.shutdown()
        await server.stop()
        let failure = try #require(outcome.failureValue.flatMap(limitError), "\(String(describing: outcome.failureValue))")
        #expect(failure.detail.contains("inflates more than 20 times"), "\(failure.detail)")
    }

    @Test func eventsAfterTheLastExpectedImageAreNotRead() async throws {
        let image = try samplePNG(width: 5, height: 5)
        // A second completed event, then garbage, then an error: none of it is the client's business.
        let text = eventStream(partials: [], final: [image, image], done: false) + "data: {not json\n\nevent: error\ndata: {}\n\n"
        let server = try await ScriptedServer(replies: [.events(text, chunkSize: 1 << 20)])
        let api = client(server.baseURL)
        let log = ProgressLog()
        let result = try await api.edit(try streamingRequest()) { log.record($0) }
        await api.shutdown()
        await server.stop()
        #expect(result.images.count == 1)
        #expect(log.imageCount == 1)
    }

    @Test func twoImagesAskedForMeansTwoRead() async throws {
        let image = try samplePNG(width: 5, height: 5)
        let text = eventStream(partials: [], final: [image, image, image], done: false)
        let server = try await ScriptedServer(replies: [.events(text)])
        let api = client(server.baseURL)
        let result = try await api.edit(try streamingRequest(n: 2))
        await api.shutdown()
        await server.stop()
        #expect(result.images.count == 2)
    }
}

/// A PNG of seeded noise: it does not compress.
func noisePNG(side: Int) throws -> [UInt8] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let image = RGBAImage(width: side, height: side) { _, _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return RGBA(UInt8(truncatingIfNeeded: state >> 56), UInt8(truncatingIfNeeded: state >> 48), UInt8(truncatingIfNeeded: state >> 40))
    }
    return try ImageEncoder.png(image)
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension Result {
    var failureValue: Failure? { if case .failure(let error) = self { error } else { nil } }
}
