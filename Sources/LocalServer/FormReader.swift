import Foundation
import HTTPTypes
import Raster

/// One part of a multipart/form-data body.
struct FormPart {
    var name: String
    var filename: String?
    var contentType: String?
    var data: [UInt8]
}

/// Reads a multipart/form-data body as it streams in, chunk by chunk, and keeps only the parts,
/// never the raw body as well. Pure: the service feeds it the request's chunks.
struct FormReader {
    let maxBodyBytes: Int
    private let parser: FormDataParser
    private let collected = Collected()
    private var received = 0

    /// What the parser's callbacks build up.
    private final class Collected {
        var parts: [FormPart] = []
        var headers: [(String, String)] = []
        var data: [UInt8] = []
    }

    /// `boundary` is not empty: `boundary(contentType:)` makes sure of it.
    init(boundary: String, maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        parser = FormDataParser(boundary: boundary)
        let collected = collected
        parser.onHeader = { collected.headers.append(($0, $1)) }
        parser.onBody = { collected.data.append(contentsOf: $0) }
        parser.onPartComplete = {
            let disposition = collected.headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            collected.parts.append(FormPart(name: Self.parameter("name", in: disposition) ?? "",
                                            filename: Self.parameter("filename", in: disposition),
                                            contentType: collected.headers.first { $0.0.lowercased() == "content-type" }?.1,
                                            data: collected.data))
            collected.headers = []
            collected.data = []
        }
    }

    /// The boundary a `Content-Type` header names; an error answer when it is not
    /// multipart/form-data or names no boundary (an empty one included).
    static func boundary(contentType: String) throws -> String {
        if contentType.lowercased().hasPrefix("multipart/form-data"), let range = contentType.range(of: "boundary="),
           let value = contentType[range.upperBound...].split(separator: ";").first {
            let boundary = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            if !boundary.isEmpty { return boundary }
        }
        throw HTTPFailure(status: .badRequest,
                          message: "Invalid Content-Type header (\(contentType.isEmpty ? "none" : contentType)); expected multipart/form-data with a boundary.")
    }

    /// Parses the next chunk of the body.
    mutating func feed(_ chunk: [UInt8]) throws {
        received += chunk.count
        if received > maxBodyBytes { throw Self.tooLarge(received, limit: maxBodyBytes) }
        do {
            try chunk.withUnsafeBytes { try parser.execute($0) }
        } catch {
            throw HTTPFailure(status: .badRequest, message: "The multipart body could not be parsed: \(error).")
        }
    }

    /// The parts the body completed.
    mutating func finish() throws -> [FormPart] {
        collected.parts
    }

    static func tooLarge(_ bytes: Int, limit: Int) -> HTTPFailure {
        HTTPFailure(status: .contentTooLarge,
                    message: "The request body is \(ByteCount.format(bytes)); at most \(ByteCount.format(limit)) is accepted.",
                    code: "request_too_large")
    }

    /// A parameter of a part's header, e.g. `filename` in `form-data; name="image[]";
    /// filename="a;b \"1\".png"`: the header splits on `;` outside quotes, names match in any
    /// case, and a quoted value's backslash escapes are undone (RFC 7578, RFC 2183).
    static func parameter(_ key: String, in value: String) -> String? {
        var pieces: [String] = [], piece = "", quoted = false, escaped = false
        for character in value {
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                pieces.append(piece)
                piece = ""
                continue
            }
            piece.append(character)
        }
        pieces.append(piece)
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "="),
                  piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased() == key.lowercased() else { continue }
            let raw = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard raw.hasPrefix("\"") else { return raw }
            var text = "", escaping = false
            for character in raw.dropFirst() {
                if escaping {
                    text.append(character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    break
                } else {
                    text.append(character)
                }
            }
            return text
        }
        return nil
    }
}
