import Foundation
import TestSupport
import ImageCodecs
import MultipartKit
import Raster
@testable import ImageEditAPI
import ImageEditModel

/// A part of a multipart body as an independent parser (vapor/multipart-kit) reads it back.
struct ParsedPart {
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var disposition: String { header("Content-Disposition") ?? "" }
    var name: String? { Self.parameter("name", in: disposition) }
    var filename: String? { Self.parameter("filename", in: disposition) }
    var text: String { String(decoding: body, as: UTF8.self) }

    static func parameter(_ key: String, in value: String) -> String? {
        for piece in value.split(separator: ";") {
            let pair = piece.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix("\(key)=\"") { return String(pair.dropFirst(key.count + 2).dropLast()) }
        }
        return nil
    }
}

func parseMultipart(_ body: [UInt8], contentType: String) throws -> [ParsedPart] {
    guard let range = contentType.range(of: "boundary=") else { throw CocoaError(.coderReadCorrupt) }
    let boundary = contentType[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    let parser = MultipartParser(boundary: boundary)
    var parts: [ParsedPart] = []
    var current = ParsedPart(headers: [], body: [])
    parser.onHeader = { current.headers.append(($0, $1)) }
    parser.onBody = { current.body += $0.readBytes(length: $0.readableBytes) ?? [] }
    parser.onPartComplete = {
        parts.append(current)
        current = ParsedPart(headers: [], body: [])
    }
    try parser.execute(body)
    return parts
}

/// Writes `bytes` to a new file in a fresh temporary folder and returns its path.
func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = try TestFolders.fresh("api").appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

func samplePNG(width: Int = 64, height: Int = 64, alpha: Bool = false) throws -> [UInt8] {
    let image = RGBAImage(width: width, height: height) { x, y in
        RGBA(UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), 90, alpha ? UInt8(x % 256) : 255)
    }
    return try ImageEncoder.png(image, alpha: alpha ? .always : .whenNeeded)
}

func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

/// A JSON value as it appears on the wire.
func jsonString(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}

/// Collects progress reports from the client's callback.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [EditProgress] = []

    func record(_ item: EditProgress) { lock.withLock { items.append(item) } }
    var all: [EditProgress] { lock.withLock { items } }

    var partialIndexes: [Int] {
        all.compactMap { if case .partialImage(let p) = $0 { p.index } else { nil } }
    }
    var imageCount: Int { all.filter { if case .image = $0 { true } else { false } }.count }
    var retries: Int { all.filter { if case .retrying = $0 { true } else { false } }.count }
}

func client(_ baseURL: String, key: String? = "sk-test", timeout: Double = 30, retries: Int = 2) -> ImageEditClient {
    var configuration = ClientConfiguration(baseURL: baseURL, apiKey: key, timeout: timeout, maxRetries: retries)
    configuration.organization = "org-test"
    configuration.project = "proj-test"
    return ImageEditClient(configuration: configuration)
}
