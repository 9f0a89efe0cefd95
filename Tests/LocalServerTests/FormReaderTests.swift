import ImageCodecs
import ImageEditModel
import LocalEngine
import Raster
import Testing
@testable import LocalServer

/// The request reading the fuzz target drives: multipart parsing, then validation and decoding.
@Suite struct FormReaderTests {
    static let image = try! ImageEncoder.png(RGBAImage(width: 8, height: 6) { x, y in RGBA(UInt8(x * 30), UInt8(y * 40), 90) })

    static func body(_ fields: [(String, String)], image: [UInt8]? = FormReaderTests.image, boundary: String = "b0und") -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let image {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"i.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body += image + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    static func read(_ body: [UInt8], boundary: String = "b0und", chunk: Int = 7, limit: Int = 1 << 20) throws -> [FormPart] {
        var reader = FormReader(boundary: boundary, maxBodyBytes: limit)
        var offset = 0
        while offset < body.count {
            try reader.feed(Array(body[offset..<min(body.count, offset + chunk)]))
            offset += chunk
        }
        return try reader.finish()
    }

    @Test func readsPartsFedInSmallChunks() throws {
        let parts = try Self.read(Self.body([("prompt", "a boat"), ("n", "2")]))
        #expect(parts.map(\.name) == ["prompt", "n", "image"])
        #expect(parts[0].data == Array("a boat".utf8))
        #expect(parts[2].filename == "i.png" && parts[2].contentType == "image/png" && parts[2].data == Self.image)
    }

    /// Found by fuzzing: MultipartKit's parser indexed a 128-entry table with a header name's
    /// byte, so a byte above 127 there trapped and ended the server. It is a 400 now.
    @Test(arguments: [1, 7, 1000])
    func aHeaderNameByteAbove127IsABadRequest(chunk: Int) {
        let body = Array("--b0und\r\nContent-Disposition: form-data; name=\"prompt\"\r\nX-\u{E9}: 1\r\n\r\nhi\r\n--b0und--\r\n".utf8)
        #expect(throws: HTTPFailure.self) { try Self.read(body, chunk: chunk) }
    }

    @Test func headerValuesKeepTheirInnerBlanksAndBodiesTheirBoundaryLookalikes() throws {
        let value = "a \t b \r\n--b0un \r\n--b0unx \r\r\n--"
        let body = Array("preamble\r\n--b0und\r\nContent-Disposition:  \t form-data; name=\"prompt\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(value)\r\n--b0und--\r\nepilogue".utf8)
        for chunk in [1, 2, 3, 5, 64, 1000] {
            let parts = try Self.read(body, chunk: chunk)
            #expect(parts.count == 1 && parts[0].name == "prompt" && parts[0].contentType == "text/plain; charset=utf-8")
            #expect(parts.first.map { String(decoding: $0.data, as: UTF8.self) } == value, "chunk \(chunk)")
        }
    }

    @Test func bodiesOverTheLimitAreRefused() {
        #expect(throws: HTTPFailure.self) { try Self.read(Self.body([("prompt", "x")]), limit: 100) }
    }

    /// An empty boundary once reached MultipartKit's precondition, and `boundary=` at the end
    /// of the header an out-of-range index: either ended the server.
    @Test(arguments: ["multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"", "multipart/form-data; boundary= ;x=1",
                      "multipart/form-data", "text/plain; boundary=x", ""])
    func contentTypesWithoutABoundaryAreABadRequest(contentType: String) {
        #expect(throws: HTTPFailure.self) { try FormReader.boundary(contentType: contentType) }
    }

    @Test func boundariesAreReadQuotedOrNot() throws {
        #expect(try FormReader.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(try FormReader.boundary(contentType: "multipart/form-data; charset=utf-8; boundary=\"a b\"; x=1") == "a b")
    }

    /// Models without a size list take any WIDTHxHEIGHT; sides whose product overflowed once
    /// trapped in the usage count, and huge ones would have been handed to the engine.
    @Test func anOutputSizeBeyondThePixelLimitIsRefused() throws {
        let decoder = ImageDecoder(pixelLimit: 4_000_000)
        for size in ["9999999999x9999999999", "9223372036854775807x1", "4000x1001"] {
            let edit = try EditInput(parts: try Self.read(Self.body([("prompt", "x"), ("model", "gpt-image-9"), ("size", size)])))
            #expect(throws: HTTPFailure.self, "\(size)") { try edit.job(lease: .standalone(), decoder: decoder) }
        }
        let edit = try EditInput(parts: try Self.read(Self.body([("prompt", "x"), ("model", "gpt-image-9"), ("size", "64x48")])))
        let job = try edit.job(lease: .standalone(), decoder: decoder)
        #expect(job.size?.width == 64 && job.size?.height == 48)
        #expect(edit.usage(job).outputTokens == 1)
    }
}
