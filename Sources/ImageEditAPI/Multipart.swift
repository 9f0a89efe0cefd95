import ImageEditModel
import Raster

/// A `multipart/form-data` body laid out as segments: small byte runs (part headers, text
/// fields) and whole files, which are streamed from disk when sent, so sixteen 20 MB images are
/// never in memory at once. The length is known up front and sent as Content-Length.
public struct MultipartBody: Sendable {
    public enum Segment: Equatable, Sendable {
        case bytes([UInt8])
        case file(path: String, length: Int)

        var length: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .file(_, let length): length
            }
        }
    }

    /// A file part ready to be laid out: its bytes' real type and a name that agrees with it.
    public struct FilePart: Equatable, Sendable {
        public var fieldName: String
        public var filename: String
        public var contentType: String
        public var content: Segment
    }

    public let boundary: String
    public let segments: [Segment]

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }
    public var contentLength: Int { segments.reduce(0) { $0 + $1.length } }

    public init(boundary: String, fields: [(name: String, value: String)], files: [FilePart]) {
        self.boundary = boundary
        var segments: [Segment] = []
        var pending: [UInt8] = []
        for field in fields {
            pending += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.name)\"\r\n\r\n".utf8)
            pending += Array(field.value.utf8) + [13, 10]
        }
        for file in files {
            pending += Array(("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.fieldName)\"; "
                + "filename=\"\(Self.escapedFilename(file.filename))\"\r\nContent-Type: \(file.contentType)\r\n\r\n").utf8)
            if case .bytes(let bytes) = file.content {
                pending += bytes
            } else {
                segments.append(.bytes(pending))
                pending = []
                segments.append(file.content)
            }
            pending += [13, 10]
        }
        pending += Array("--\(boundary)--\r\n".utf8)
        segments.append(.bytes(pending))
        self.segments = segments.filter { $0.length > 0 }
    }

    /// The body for `request`, whose files have been inspected (`inputs` in the order images,
    /// then mask). One image goes as `image`; several as repeated `image[]`, as OpenAI's SDKs send them.
    public init(request: EditRequest, inputs: [InspectedInput], boundary: String = MultipartBody.randomBoundary()) {
        let imageField = EditField.imageName(count: request.images.count)
        let files = inputs.enumerated().map { index, input in
            FilePart(fieldName: index < request.images.count ? imageField : EditField.mask.rawValue,
                     filename: input.sendName, contentType: input.contentType, content: input.segment)
        }
        self.init(boundary: boundary, fields: request.textFields, files: files)
    }

    /// Quotes and line breaks cannot appear inside the quoted filename; browsers percent-encode them.
    static func escapedFilename(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": out += "%22"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public static func randomBoundary() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "retouch-" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}

/// An input file after reading its size and header.
public struct InspectedInput: Equatable, Sendable {
    public var input: InputImage
    public var facts: InputFacts

    /// Decided by the bytes; a file that is no image still goes as octet-stream when pre-flight
    /// is skipped, and the server says what it thinks of it.
    public var contentType: String {
        facts.sniffedFormat?.mimeType ?? "application/octet-stream"
    }

    /// The filename with an extension that agrees with the bytes (servers look at both).
    public var sendName: String {
        guard let format = facts.sniffedFormat else { return input.filename }
        let lower = input.filename.lowercased()
        let extensions = format == .jpeg ? [".jpg", ".jpeg"] : [".\(format.fileExtension)"]
        if extensions.contains(where: { lower.hasSuffix($0) }) { return input.filename }
        return input.filename + "." + format.fileExtension
    }

    var segment: MultipartBody.Segment {
        switch input.content {
        case .bytes(let bytes): .bytes(bytes)
        case .file(let path): .file(path: path, length: facts.byteCount)
        }
    }
}
