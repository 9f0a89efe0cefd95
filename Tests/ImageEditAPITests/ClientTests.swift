import Foundation
import ScriptedServer
import Testing
@testable import ImageEditAPI
import ImageEditModel

func jsonAnswer(_ images: [[UInt8]], usage: Bool = true) -> String {
    let data = images.map { "{\"b64_json\":\"\(base64($0))\"}" }.joined(separator: ",")
    let usageText = usage ? #","usage":{"input_tokens":50,"output_tokens":40,"total_tokens":90,"input_tokens_details":{"text_tokens":10,"image_tokens":40}}"# : ""
    return #"{"created":1764000000,"background":"opaque","output_format":"png","quality":"high","size":"1024x1024""# + usageText + #","data":["# + data + "]}"
}

func eventStream(partials: [[UInt8]], final: [[UInt8]], done: Bool = true) -> String {
    var text = ""
    for (i, p) in partials.enumerated() {
        text += "event: image_edit.partial_image\ndata: {\"type\":\"image_edit.partial_image\",\"b64_json\":\"\(base64(p))\",\"partial_image_index\":\(i),\"created_at\":1764000000,\"size\":\"1024x1024\",\"quality\":\"high\",\"background\":\"opaque\",\"output_format\":\"png\"}\n\n"
    }
    for f in final {
        text += "event: image_edit.completed\ndata: {\"type\":\"image_edit.completed\",\"b64_json\":\"\(base64(f))\",\"created_at\":1764000001,\"size\":\"1024x1024\",\"quality\":\"high\",\"background\":\"opaque\",\"output_format\":\"png\",\"usage\":{\"total_tokens\":100,\"input_tokens\":50,\"output_tokens\":50,\"input_tokens_details\":{\"text_tokens\":10,\"image_tokens\":40}}}\n\n"
    }
    if done { text += "data: [DONE]\n\n" }
    return text
}

@Suite(.serialized) struct ClientTests {
    @Test func sendsEveryFieldAsMultipartAndReadsJSON() async throws {
        let first = try temporaryFile("first.png", try samplePNG())
        let second = try temporaryFile("photo.webp-but-really.png", try samplePNG(width: 32, height: 32))
        let mask = try temporaryFile("mask.png", try samplePNG(alpha: true))
        let result = try samplePNG(width: 8, height: 8)
        let server = try await ScriptedServer(replies: [.json(200, jsonAnswer([result]), headers: [("x-request-id", "req_123")])])
        let api = client(server.baseURL)
        var request = EditRequest(images: [InputImage(path: first), InputImage(path: second)], prompt: "a café sign, «bold»",
                                  mask: InputImage(path: mask), model: "gpt-image-1")
        request.background = "opaque"; request.inputFidelity = "high"; request.n = 1; request.outputCompression = 70
        request.outputFormat = "webp"; request.quality = "high"; request.size = "1024x1536"; request.user = "user-42"
        let answer = try await api.edit(request)
        await api.shutdown()
        await server.stop()

        #expect(answer.images.map(\.bytes) == [result])
        #expect(answer.requestID == "req_123")
        #expect(answer.usage?.totalTokens == 90)
        #expect(answer.usage?.inputTokensDetails?.imageTokens == 40)
        #expect(answer.settings == OutputSettings(size: "1024x1024", quality: "high", background: "opaque", outputFormat: "png"))
        #expect(answer.created == 1_764_000_000)

        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.uri == "/v1/images/edits")
        #expect(sent.header("Authorization") == "Bearer sk-test")
        #expect(sent.header("OpenAI-Organization") == "org-test")
        #expect(sent.header("OpenAI-Project") == "proj-test")
        #expect(sent.header("User-Agent") == "retouch/\(RetouchVersion.string)")
        #expect(sent.header("Content-Length") == "\(sent.body.count)")
        let parts = try parseMultipart(sent.body, contentType: try #require(sent.header("Content-Type")))
        let text = Dictionary(parts.filter { $0.filename == nil }.map { ($0.name ?? "", $0.text) }, uniquingKeysWith: { a, _ in a })
        #expect(text == ["model": "gpt-image-1", "prompt": "a café sign, «bold»", "background": "opaque",
                         "input_fidelity": "high", "n": "1", "output_compression": "70", "output_format": "webp",
                         "quality": "high", "size": "1024x1536", "user": "user-42"])
        let files = parts.filter { $0.filename != nil }
        #expect(files.map(\.name) == ["image[]", "image[]", "mask"])
        #expect(files.map(\.filename) == ["first.png", "photo.webp-but-really.png", "mask.png"])
        #expect(files.allSatisfy { $0.header("Content-Type") == "image/png" })
        #expect(files[0].body == (try samplePNG()))
        #expect(files[2].body == (try samplePNG(alpha: true)))
    }

    @Test func oneImageGoesAsImageAndFieldsNotSetAreNotSent() async throws {
        let jpegNamedPNG = try temporaryFile("picture", Array((try samplePNG()).prefix(0)) + [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0, count: 40))
        let server = try await ScriptedServer(replies: [.json(200, jsonAnswer([try samplePNG()]))])
        let api = client(server.baseURL)
        _ = try await api.edit(EditRequest(images: [InputImage(path: jpegNamedPNG)], prompt: "x"), preflight: false)
        await api.shutdown()
        await server.stop()
        let sent = try #require(server.requests.first)
        let parts = try parseMultipart(sent.body, contentType: sent.header("Content-Type") ?? "")
        #expect(parts.compactMap(\.name) == ["prompt", "image"])
        #expect(parts[1].header("Content-Type") == "image/jpeg", "the type comes from the bytes")
        #expect(parts[1].filename == "picture.jpg")
    }

    @Test func streamsPartialImagesThenTheResult() async throws {
        let partials = try [samplePNG(width: 4, height: 4), samplePNG(width: 5, height: 5)]
        let final = try samplePNG(width: 6, height: 6)
        let server = try await ScriptedServer(replies: [.events(eventStream(partials: partials, final: [final]), chunkSize: 97)])
        let api = client(server.baseURL)
        let log = ProgressLog()
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        request.partialImages = 2
        let result = try await api.edit(request) { log.record($0) }
        await api.shutdown()
        await server.stop()
        #expect(log.partialIndexes == [0, 1])
        #expect(log.imageCount == 1)
        #expect(result.images.map(\.bytes) == [final])
        #expect(result.partialImageCount == 2)
        #expect(result.usage?.totalTokens == 100)
        let parts = try parseMultipart(server.requests[0].body, contentType: server.requests[0].header("Content-Type") ?? "")
        #expect(parts.first { $0.name == "stream" }?.text == "true")
        #expect(parts.first { $0.name == "partial_images" }?.text == "2")
    }

    @Test func retriesAfter429WithRetryAfterAndAfter500() async throws {
        let body = jsonAnswer([try samplePNG()])
        let server = try await ScriptedServer(replies: [
            .json(429, #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
                  headers: [("Retry-After", "0")]),
            .json(500, #"{"error":{"message":"oops","type":"server_error","param":null,"code":null}}"#,
                  headers: [("retry-after-ms", "10")]),
            .json(200, body),
        ])
        let api = client(server.baseURL)
        let log = ProgressLog()
        let result = try await api.edit(EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")) {
            log.record($0)
        }
        await api.shutdown()
        await server.stop()
        #expect(result.images.count == 1)
        #expect(server.requests.count == 3)
        #expect(log.retries == 2)
        #expect(server.requests[2].body == server.requests[0].body, "the same body is sent again")
    }

    @Test func givesUpAfterMaxRetriesAndHonoursXShouldRetry() async throws {
        let server = try await ScriptedServer(replies: [
            .json(503, #"{"error":{"message":"overloaded","type":"server_error"}}"#, headers: [("retry-after", "0")]),
        ])
        let api = client(server.baseURL, retries: 1)
        let path = try temporaryFile("a.png", try samplePNG())
        await #expect(throws: ImageEditError.api(APIError(status: 503, message: "overloaded", type: "server_error"))) {
            try await api.edit(EditRequest(images: [InputImage(path: path)], prompt: "x"))
        }
        #expect(server.requests.count == 2)

        let noRetry = try await ScriptedServer(replies: [
            .json(500, #"{"error":{"message":"do not retry"}}"#, headers: [("x-should-retry", "false")]),
        ])
        let api2 = client(noRetry.baseURL)
        await #expect(throws: ImageEditError.self) { try await api2.edit(EditRequest(images: [InputImage(path: path)], prompt: "x")) }
        #expect(noRetry.requests.count == 1)
        await api.shutdown(); await api2.shutdown(); await server.stop(); await noRetry.stop()
    }

    @Test func neverRetriesOnceAStreamEventArrived() async throws {
        let partial = try samplePNG(width: 4, height: 4)
        let server = try await ScriptedServer(replies: [
            .events(eventStream(partials: [partial], final: [], done: false), thenDrop: true),
        ])
        let api = client(server.baseURL)
        let log = ProgressLog()
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        do {
            _ = try await api.edit(request) { log.record($0) }
            Issue.record("a stream cut after one partial image must fail")
        } catch {
            guard case .protocolViolation(let failure) = error else {
                Issue.record("expected a protocol error, got \(error)")
                return
            }
            #expect(failure.kind == .truncatedStream)
            #expect(failure.partialImagesReceived == 1)
        }
        #expect(server.requests.count == 1)
        #expect(log.partialIndexes == [0], "the partial that arrived was handed over")
        await api.shutdown()
        await server.stop()
    }

    @Test func aStalledStreamTimesOut() async throws {
        let server = try await ScriptedServer(replies: [ScriptedServer.Reply(
            status: 200, headers: [("Content-Type", "text/event-stream")],
            steps: [.bytes(Array(": hello\n\n".utf8)), .stall])])
        let api = client(server.baseURL, timeout: 1)
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        let started = ContinuousClock.now
        do {
            _ = try await api.edit(request)
            Issue.record("a stalled stream must time out")
        } catch {
            guard case .network(let network) = error else {
                Issue.record("expected a timeout, got \(error)")
                return
            }
            #expect(network.kind == .timeout)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        await api.shutdown()
        await server.stop()
    }

    @Test func cancellationStopsTheRequest() async throws {
        let server = try await ScriptedServer(replies: [ScriptedServer.Reply(
            status: 200, headers: [("Content-Type", "text/event-stream")], steps: [.stall])])
        let api = client(server.baseURL)
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        let task = Task { () -> ImageEditError? in
            do {
                _ = try await api.edit(request)
                return nil
            } catch {
                return error as? ImageEditError
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        task.cancel()
        let error = await task.value
        #expect(error == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(3))
        await api.shutdown()
        await server.stop()
    }

    @Test(arguments: [
        (400, #"{"error":{"message":"Invalid size","type":"invalid_request_error","param":"size","code":"invalid_value"}}"#),
        (401, #"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#),
        (429, #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#),
        (500, #"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#),
    ])
    func errorBodiesSurfaceMessageParamAndCode(status: Int, body: String) async throws {
        let server = try await ScriptedServer(replies: [.json(status, body, headers: [("x-request-id", "req_err"), ("x-should-retry", "false")])])
        let api = client(server.baseURL)
        let path = try temporaryFile("a.png", try samplePNG())
        do {
            _ = try await api.edit(EditRequest(images: [InputImage(path: path)], prompt: "x"))
            Issue.record("HTTP \(status) must fail")
        } catch {
            guard case .api(let api) = error else { Issue.record("expected an API error, got \(error)"); return }
            let wire = try JSONDecoder().decode(Wire.ErrorEnvelope.self, from: Data(body.utf8)).error
            #expect(api.status == status)
            #expect(api.message == wire?.message)
            #expect(api.param == wire?.param)
            #expect(api.code == wire?.code)
            #expect(api.requestID == "req_err")
            #expect(error.description.contains(wire?.message ?? "?"))
            if let param = wire?.param { #expect(error.description.contains("param: \(param)")) }
        }
        await api.shutdown()
        await server.stop()
    }

    @Test func anErrorEventMidStream() async throws {
        let text = eventStream(partials: [try samplePNG(width: 3, height: 3)], final: [], done: false)
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"Your request was rejected by the safety system\",\"type\":\"image_generation_user_error\",\"param\":null,\"code\":\"moderation_blocked\"}}\n\n"
        let server = try await ScriptedServer(replies: [.events(text)])
        let api = client(server.baseURL)
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        await #expect(throws: ImageEditError.streamFailed(StreamFailure(
            message: "Your request was rejected by the safety system", type: "image_generation_user_error",
            code: "moderation_blocked", partialImagesReceived: 1, imagesReceived: 0))) {
            try await api.edit(request)
        }
        #expect(server.requests.count == 1)
        await api.shutdown()
        await server.stop()
    }

    @Test func malformedAnswersAreProtocolErrors() async throws {
        let path = try temporaryFile("a.png", try samplePNG())
        let cases: [(ScriptedServer.Reply, ProtocolError.Kind)] = [
            (.json(200, "<html>gateway</html>"), .badJSON),
            (.json(200, #"{"created":1,"data":[{"b64_json":"!!!not base64!!!"}]}"#), .badBase64),
            (.json(200, #"{"created":1,"data":[]}"#), .unexpectedResponse),
            (.events("event: image_edit.completed\ndata: {not json\n\n"), .badJSON),
        ]
        for (reply, kind) in cases {
            let server = try await ScriptedServer(replies: [reply])
            let api = client(server.baseURL)
            do {
                _ = try await api.edit(EditRequest(images: [InputImage(path: path)], prompt: "x"))
                Issue.record("\(kind) must fail")
            } catch {
                guard case .protocolViolation(let failure) = error else { Issue.record("expected \(kind), got \(error)"); continue }
                #expect(failure.kind == kind)
            }
            await api.shutdown()
            await server.stop()
        }
    }

    @Test func preflightStopsBadRequestsBeforeSending() async throws {
        let server = try await ScriptedServer(replies: [.json(200, jsonAnswer([try samplePNG()]))])
        let api = client(server.baseURL)
        let text = try temporaryFile("notes.txt", Array("hello".utf8))
        var request = EditRequest(images: [InputImage(path: text)], prompt: "x")
        request.n = 12
        do {
            _ = try await api.edit(request)
            Issue.record("pre-flight must refuse")
        } catch {
            guard case .preflight(let violations) = error else { Issue.record("\(error)"); return }
            #expect(violations.map(\.field) == ["image", "n"])
        }
        #expect(server.requests.isEmpty)
        _ = try? await api.edit(request, preflight: false)
        #expect(server.requests.count == 1, "skipping pre-flight sends it anyway")
        await api.shutdown()
        await server.stop()
    }

    @Test func missingFilesAndKeysAndUnreachableServers() async throws {
        let api = client("http://127.0.0.1:9/v1", retries: 0)
        await #expect(throws: ImageEditError.input(InputFileError(path: "/nonexistent/a.png", reason: "no such file or directory"))) {
            try await api.edit(EditRequest(images: [InputImage(path: "/nonexistent/a.png")], prompt: "x"))
        }
        let path = try temporaryFile("a.png", try samplePNG())
        do {
            _ = try await api.edit(EditRequest(images: [InputImage(path: path)], prompt: "x"))
            Issue.record("nothing listens on port 9")
        } catch {
            guard case .network(let network) = error else { Issue.record("\(error)"); return }
            #expect(network.kind == .connect)
        }
        await api.shutdown()

        let openAI = ImageEditClient(configuration: ClientConfiguration())
        await #expect(throws: ImageEditError.missingCredentials) {
            try await openAI.edit(EditRequest(images: [InputImage(path: path)], prompt: "x"))
        }
        #expect(ImageEditError.missingCredentials.description.contains("OPENAI_API_KEY"))
        await openAI.shutdown()
    }

    @Test func twentyMegabyteEvent() async throws {
        let big = [UInt8]((0..<(15 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let server = try await ScriptedServer(replies: [.events(eventStream(partials: [], final: [big]), chunkSize: 65_536)])
        let api = client(server.baseURL)
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG()))], prompt: "x")
        request.stream = true
        let result = try await api.edit(request)
        #expect(result.images.first?.bytes == big)
        await api.shutdown()
        await server.stop()
    }

    @Test func urlResultsAreDownloadedWithoutLeakingTheKey() async throws {
        let image = try samplePNG(width: 12, height: 12)
        let files = try await ScriptedServer(replies: [ScriptedServer.Reply(status: 200, headers: [("Content-Type", "image/png")],
                                                                            steps: [.bytes(image)])])
        let url = "http://localhost:\(files.port)/files/result.png"
        let api = try await ScriptedServer(replies: [.json(200, #"{"created":5,"data":[{"url":"\#(url)","revised_prompt":"a calmer sea"}]}"#)])
        let client = client(api.baseURL)
        var request = EditRequest(images: [InputImage(path: try temporaryFile("a.png", try samplePNG(alpha: true)))], prompt: "x",
                                  model: "dall-e-2")
        request.responseFormat = "url"
        let result = try await client.edit(request)
        await client.shutdown()
        await api.stop()
        await files.stop()
        #expect(result.images.first?.bytes == image)
        #expect(result.images.first?.revisedPrompt == "a calmer sea")
        #expect(files.requests.first?.method == "GET")
        #expect(files.requests.first?.header("Authorization") == nil, "the key goes only to the API's host")
    }
}
