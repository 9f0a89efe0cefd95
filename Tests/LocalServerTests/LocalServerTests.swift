import Foundation
import TestSupport
import ImageCodecs
import ImageEditAPI
import ImageEditModel
import LocalEngine
import LocalServerHTTP
import Raster
import Testing
@testable import LocalServer

func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let path = try TestFolders.fresh("serve").appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// A 128x96 image with stripes and a gradient, and a mask with one hole.
let photo = RGBAImage(width: 128, height: 96) { x, y in
    (x / 4) % 2 == 0 ? RGBA(UInt8(x * 2), UInt8(y * 2), 200) : RGBA(40, UInt8(y), UInt8(x))
}
let hole = PixelRect(x: 40, y: 30, width: 30, height: 20)
let maskImage = Mask(width: 128, height: 96, rects: [hole]).image()

func decode(_ bytes: [UInt8]) throws -> DecodedImage { try ImageDecoder().decode(bytes) }

func withServer<T>(_ configuration: LocalServerConfiguration = LocalServerConfiguration(port: 0),
                   key: String? = nil, retries: Int = 0, timeout: Double = 60,
                   _ body: (RunningLocalServer, ImageEditClient) async throws -> T) async throws -> T {
    let server = try await LocalServerHTTP.start(configuration)
    let client = ImageEditClient(configuration: ClientConfiguration(baseURL: server.baseURL, apiKey: key, timeout: timeout,
                                                                   maxRetries: retries))
    do {
        let value = try await body(server, client)
        await client.shutdown()
        await server.stop()
        return value
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
}

func maskedRequest(_ fields: (inout EditRequest) -> Void = { _ in }) throws -> EditRequest {
    var request = EditRequest(images: [InputImage(path: try temporaryFile("photo.png", try ImageEncoder.png(photo)))],
                              prompt: "remove the thing", mask: InputImage(path: try temporaryFile("mask.png", try ImageEncoder.png(maskImage, alpha: .always))))
    fields(&request)
    return request
}

@Suite(.serialized) struct LocalServerTests {
    @Test func fillsTheMaskedAreaAndKeepsEverythingElse() async throws {
        let result = try await withServer { _, client in try await client.edit(try maskedRequest()) }
        let image = try decode(try #require(result.images.first?.bytes)).image
        #expect(image.width == 128 && image.height == 96)
        var changedInside = 0
        for y in 0..<96 {
            for x in 0..<128 {
                if hole.contains(x: x, y: y) {
                    if image[x, y] != photo[x, y] { changedInside += 1 }
                } else {
                    #expect(image[x, y] == photo[x, y], "(\(x),\(y)) outside the mask must stay exact")
                }
            }
        }
        #expect(result.usage?.totalTokens ?? 0 > 0)
        #expect(result.settings.size == "128x96" && result.settings.outputFormat == "png")
        #expect(result.requestID?.hasPrefix("req_") == true)
        _ = changedInside  // the fill may reproduce some pixels exactly; what matters is the rest is kept
    }

    @Test func streamsGenuinePartialImages() async throws {
        let log = Log()
        let request = try maskedRequest {
            $0.stream = true
            $0.partialImages = 2
        }
        let result = try await withServer { _, client in try await client.edit(request) { log.add($0) } }
        let partials = log.partials
        #expect((1...2).contains(partials.count))
        #expect(partials.map(\.index) == Array(0..<partials.count))
        #expect(partials.allSatisfy { $0.bytes != result.images[0].bytes }, "partials are intermediate states, not the final image")
        #expect(partials.allSatisfy { $0.settings.size == "128x96" && $0.settings.outputFormat == "png" })
        #expect(result.images.count == 1)
        #expect(result.usage?.outputTokensDetails?.imageTokens == 4, "128x96 is 2x2 tiles of 64 pixels")
    }

    @Test func honoursSizeFormatBackgroundAndN() async throws {
        let jpeg = try await withServer { _, client in
            try await client.edit(try maskedRequest {
                $0.outputFormat = "jpeg"
                $0.outputCompression = 60
                $0.n = 2
                $0.size = "64x48"
                $0.model = "gpt-image-2"
                $0.quality = "low"
            })
        }
        #expect(jpeg.images.count == 2)
        for image in jpeg.images {
            let decoded = try decode(image.bytes)
            #expect(decoded.description.format == .jpeg)
            #expect(decoded.image.width == 64 && decoded.image.height == 48)
        }
        #expect(jpeg.settings.quality == "low")

        let badge = RGBAImage(width: 64, height: 64) { x, y in
            let inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 600
            return inside ? RGBA(250, 120, 20) : RGBA.transparent
        }
        let transparent = try await withServer { _, client in
            try await client.edit(EditRequest(images: [InputImage(path: try temporaryFile("b.png", try ImageEncoder.png(badge)))],
                                              prompt: "x", background: "transparent", outputFormat: "webp"))
        }
        let webp = try decode(transparent.images[0].bytes)
        #expect(webp.description.format == .webp && webp.description.hasAlpha)
        #expect(transparent.settings.background == "transparent")
    }

    @Test func withoutAMaskTheWholeImageVisiblyChanges() async throws {
        let result = try await withServer { _, client in
            try await client.edit(EditRequest(images: [InputImage(path: try temporaryFile("p.png", try ImageEncoder.png(photo)))], prompt: "x"))
        }
        let image = try decode(result.images[0].bytes).image
        let different = (0..<(128 * 96)).filter { image[$0 % 128, $0 / 128] != photo[$0 % 128, $0 / 128] }.count
        #expect(different > 128 * 96 / 2)
    }

    @Test func validationMirrorsTheReference() async throws {
        let error = try await withServer { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest {
                $0.size = "999x999"
                $0.n = 20
            }, preflight: false)
        }
        guard case .api(let api) = error else { Issue.record("expected a 400, got \(String(describing: error))"); return }
        #expect(api.status == 400)
        #expect(api.param == "size")
        #expect(api.code == "invalid_value")
        #expect(api.message.contains("n = 20: must be 1 to 10"))

        let wrongMask = try await withServer { _, client -> ImageEditError? in
            let small = Mask(width: 10, height: 10, rects: [PixelRect(x: 0, y: 0, width: 2, height: 2)]).image()
            var request = try maskedRequest()
            request.mask = InputImage(path: try temporaryFile("m.png", try ImageEncoder.png(small, alpha: .always)))
            return await failure(client, request, preflight: false)
        }
        guard case .api(let maskError) = wrongMask else { Issue.record("\(String(describing: wrongMask))"); return }
        #expect(maskError.code == "invalid_mask_image_size" && maskError.param == "mask")

        let notImage = try await withServer { _, client -> ImageEditError? in
            let request = EditRequest(images: [InputImage(path: try temporaryFile("notes.txt", Array("hello".utf8)))], prompt: "x")
            return await failure(client, request, preflight: false)
        }
        guard case .api(let mime) = notImage else { Issue.record("\(String(describing: notImage))"); return }
        #expect(mime.code == "unsupported_file_mimetype" && mime.param == "image")
    }

    @Test func urlAnswersAreServedForDallE2() async throws {
        let square = RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(x * 4), UInt8(y * 4), 50, 255 - UInt8(x)) }
        let squareMask = Mask(width: 64, height: 64, rects: [PixelRect(x: 10, y: 10, width: 20, height: 20)]).image()
        var request = EditRequest(images: [InputImage(path: try temporaryFile("s.png", try ImageEncoder.png(square, alpha: .always)))],
                                  prompt: "x", mask: InputImage(path: try temporaryFile("m.png", try ImageEncoder.png(squareMask, alpha: .always))),
                                  model: "dall-e-2", responseFormat: "url", size: "256x256")
        request.n = 2
        let result = try await withServer { _, client in try await client.edit(request) }
        #expect(result.images.count == 2)
        for image in result.images {
            let decoded = try decode(image.bytes)
            #expect(decoded.image.width == 256 && decoded.image.height == 256)
        }
    }

    @Test func keysAreChecked() async throws {
        let configuration = LocalServerConfiguration(port: 0, apiKey: "sk-local")
        let wrong = try await withServer(configuration, key: "sk-wrong") { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest())
        }
        guard case .api(let api) = wrong else { Issue.record("\(String(describing: wrong))"); return }
        #expect(api.status == 401 && api.code == "invalid_api_key")
        let missing = try await withServer(configuration, key: nil) { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest())
        }
        guard case .api(let missingError) = missing else { Issue.record("\(String(describing: missing))"); return }
        #expect(missingError.status == 401)
        let right = try await withServer(configuration, key: "sk-local") { _, client in try await client.edit(try maskedRequest()) }
        #expect(right.images.count == 1)
    }

    @Test func oversizeBodiesGet413() async throws {
        let configuration = LocalServerConfiguration(port: 0, maxBodyBytes: 500)
        let error = try await withServer(configuration) { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest())
        }
        guard case .api(let api) = error else { Issue.record("413 expected: \(String(describing: error))"); return }
        #expect(api.status == 413)
    }

    @Test(arguments: [("429", 429), ("500", 500)])
    func injectedHTTPFaults(fault: String, status: Int) async throws {
        let error = try await withServer(LocalServerConfiguration(port: 0, fault: Fault(fault))) { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest())
        }
        guard case .api(let api) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(api.status == status)
    }

    @Test func injectedStreamFaults() async throws {
        let streaming = try maskedRequest {
            $0.stream = true
            $0.partialImages = 2
        }
        let dropped = try await withServer(LocalServerConfiguration(port: 0, fault: .dropAfterEvents(1))) { _, client -> ImageEditError? in
            return await failure(client, streaming)
        }
        guard case .protocolViolation(let cut) = dropped else { Issue.record("\(String(describing: dropped))"); return }
        #expect(cut.kind == .truncatedStream && cut.partialImagesReceived == 1)

        let errorEvent = try await withServer(LocalServerConfiguration(port: 0, fault: .errorEvent)) { _, client -> ImageEditError? in
            return await failure(client, streaming)
        }
        guard case .streamFailed(let streamFailure) = errorEvent else { Issue.record("\(String(describing: errorEvent))"); return }
        #expect(streamFailure.message.contains("fault injected"))
        // A stream without partial images gets the error in place of its image.
        let noPartials = try maskedRequest { $0.stream = true }
        let errorInstead = try await withServer(LocalServerConfiguration(port: 0, fault: .errorEvent)) { _, client -> ImageEditError? in
            return await failure(client, noPartials)
        }
        guard case .streamFailed(let instead) = errorInstead else { Issue.record("\(String(describing: errorInstead))"); return }
        #expect(instead.message.contains("fault injected"))

        let html = try await withServer(LocalServerConfiguration(port: 0, fault: .nonJSON)) { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest())
        }
        guard case .protocolViolation(let bad) = html else { Issue.record("\(String(describing: html))"); return }
        #expect(bad.kind == .badJSON)

        let stalled = try await withServer(LocalServerConfiguration(port: 0, fault: .stall), timeout: 1) { _, client -> ImageEditError? in
            return await failure(client, try maskedRequest())
        }
        guard case .network(let network) = stalled else { Issue.record("\(String(describing: stalled))"); return }
        #expect(network.kind == .timeout)
    }
}

func failure(_ client: ImageEditClient, _ request: EditRequest, preflight: Bool = true) async -> ImageEditError? {
    do {
        _ = try await client.edit(request, preflight: preflight)
        return nil
    } catch {
        return error
    }
}

final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [EditProgress] = []
    func add(_ item: EditProgress) { lock.withLock { items.append(item) } }
    var partials: [PartialImage] {
        lock.withLock { items.compactMap { if case .partialImage(let p) = $0 { p } else { nil } } }
    }
}
