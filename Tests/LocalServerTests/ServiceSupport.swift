import Foundation
import HTTPTypes
import ImageCodecs
import ImageEditModel
import Raster
@testable import LocalServer

/// A multipart/form-data body built by hand, as any HTTP client could send it.
struct MultipartForm {
    static let contentType = "multipart/form-data; boundary=xyz"
    private(set) var bytes: [UInt8] = []

    mutating func add(_ name: String, _ value: String) {
        bytes += Array("--xyz\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func add(file name: String, filename: String, type: String = "image/png", _ data: [UInt8]) {
        bytes += Array("--xyz\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        bytes += data + Array("\r\n".utf8)
    }

    var finished: [UInt8] { bytes + Array("--xyz--\r\n".utf8) }

    /// An edit of `photo` (or a 64x64 square with alpha) prompted "hello", with `fields` too.
    static func edit(fields: [String: String] = [:], square: Bool = false) throws -> [UInt8] {
        var form = MultipartForm()
        for (name, value) in fields.merging(["prompt": "hello"], uniquingKeysWith: { a, _ in a }) { form.add(name, value) }
        let image = square ? RGBAImage(width: 64, height: 64) { x, y in RGBA(UInt8(x * 4), UInt8(y * 4), 9, 255 - UInt8(x)) } : photo
        form.add(file: "image", filename: "p.png", try ImageEncoder.png(image, alpha: square ? .always : .whenNeeded))
        return form.finished
    }
}

/// `POST /v1/images/edits` for the service itself, no HTTP in between: the body arrives in
/// chunks of `chunkSize` bytes, as a connection would hand it over.
func serviceEdit(_ body: [UInt8], path: String = "/v1/images/edits", headers: [HTTPField.Name: String] = [:],
                 chunkSize: Int = 1000) -> ServiceRequest {
    var fields = HTTPFields()
    fields[.contentType] = MultipartForm.contentType
    for (name, value) in headers { fields[name] = value }
    let chunks = stride(from: 0, to: body.count, by: chunkSize).map { Array(body[$0..<min(body.count, $0 + chunkSize)]) }
    return ServiceRequest(method: .post, path: path, authority: "127.0.0.1:8080", headerFields: fields, body: ByteChunks(chunks))
}

/// An answer's bytes; a stream is read to its end.
func bytes(of answer: ServiceResponse) async throws -> [UInt8] {
    switch answer.body {
    case .bytes(let bytes): return bytes
    case .stream(let chunks):
        var bytes: [UInt8] = []
        for try await chunk in chunks { bytes += chunk }
        return bytes
    }
}

/// An error answer's body.
func errorBody(of answer: ServiceResponse) async throws -> Wire.ErrorBody? {
    try JSONDecoder().decode(Wire.ErrorEnvelope.self, from: Data(try await bytes(of: answer))).error
}

/// Server-sent events as (event, decoded data), in order.
func streamEvents(_ bytes: [UInt8]) throws -> [(name: String, event: Wire.StreamEvent)] {
    try String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
        let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 2, lines[0].hasPrefix("event: "), lines[1].hasPrefix("data: ") else {
            throw CocoaError(.coderReadCorrupt, userInfo: [NSDebugDescriptionErrorKey: "not an event: \(block)"])
        }
        let event = try JSONDecoder().decode(Wire.StreamEvent.self, from: Data(lines[1].dropFirst("data: ".count).utf8))
        return (String(lines[0].dropFirst("event: ".count)), event)
    }
}
