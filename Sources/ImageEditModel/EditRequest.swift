import Foundation

/// One source image, mask or other input file of an edit: a file on disk (streamed when sent)
/// or bytes in memory (the editor's mask, a result reused as a source).
public struct InputImage: Equatable, Sendable {
    public enum Content: Equatable, Sendable {
        case file(path: String)
        case bytes([UInt8])
    }

    public var content: Content
    /// The name sent in the part's Content-Disposition; its extension is corrected to match
    /// the bytes when sent.
    public var filename: String

    public init(path: String) {
        content = .file(path: path)
        filename = FileName.last(of: path)
    }

    public init(bytes: [UInt8], filename: String) {
        content = .bytes(bytes)
        self.filename = filename
    }

    /// How the user would name this input in a message.
    public var displayName: String {
        if case .file(let path) = content { return path }
        return filename
    }
}

/// Every field of `POST /v1/images/edits`. Optional fields are sent only when set, so the
/// server's defaults apply; `model`, `size`, `quality` and the other enumerations are open
/// strings so that values newer than this program still pass through.
public struct EditRequest: Equatable, Sendable {
    public static let defaultModel = "gpt-image-1.5"

    public var images: [InputImage]
    public var mask: InputImage?
    public var prompt: String
    public var model: String?
    public var background: String?
    public var inputFidelity: String?
    public var n: Int?
    public var outputCompression: Int?
    public var outputFormat: String?
    public var partialImages: Int?
    public var quality: String?
    public var responseFormat: String?
    public var size: String?
    public var stream: Bool?
    public var user: String?

    public init(images: [InputImage], prompt: String, mask: InputImage? = nil, model: String? = nil,
                background: String? = nil, inputFidelity: String? = nil, n: Int? = nil,
                outputCompression: Int? = nil, outputFormat: String? = nil, partialImages: Int? = nil,
                quality: String? = nil, responseFormat: String? = nil, size: String? = nil,
                stream: Bool? = nil, user: String? = nil) {
        self.images = images
        self.prompt = prompt
        self.mask = mask
        self.model = model
        self.background = background
        self.inputFidelity = inputFidelity
        self.n = n
        self.outputCompression = outputCompression
        self.outputFormat = outputFormat
        self.partialImages = partialImages
        self.quality = quality
        self.responseFormat = responseFormat
        self.size = size
        self.stream = stream
        self.user = user
    }

    /// The model the server will use.
    public var effectiveModel: String { model ?? Self.defaultModel }
    public var isStreaming: Bool { stream == true }

    /// The text form fields that are set, in the order they are sent.
    public var textFields: [(name: String, value: String)] {
        EditField.textFields.compactMap { field in text(for: field).map { (field.rawValue, $0) } }
    }

    /// A text field's value as it is sent; nil when it is not set (and for the file fields).
    public func text(for field: EditField) -> String? {
        switch field {
        case .image, .mask: nil
        case .model: model
        case .prompt: prompt
        case .background: background
        case .inputFidelity: inputFidelity
        case .n: n.map(String.init)
        case .outputCompression: outputCompression.map(String.init)
        case .outputFormat: outputFormat
        case .partialImages: partialImages.map(String.init)
        case .quality: quality
        case .responseFormat: responseFormat
        case .size: size
        case .stream: stream.map { $0 ? "true" : "false" }
        case .user: user
        }
    }

    /// A text field's value that is not of the field's type.
    public struct FieldTypeError: Error, Equatable, Sendable {
        public enum Expected: String, Sendable { case integer, boolean }
        public var field: EditField
        public var expected: Expected
        public var text: String
    }

    /// Sets a text field from its form text, as a server reads it: integers may be padded with
    /// spaces, booleans are `true` or `false` in any case. File fields are ignored.
    public mutating func setText(_ text: String, for field: EditField) throws(FieldTypeError) {
        func integer() throws(FieldTypeError) -> Int {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw FieldTypeError(field: field, expected: .integer, text: text)
            }
            return value
        }
        switch field {
        case .image, .mask: break
        case .model: model = text
        case .prompt: prompt = text
        case .background: background = text
        case .inputFidelity: inputFidelity = text
        case .n: n = try integer()
        case .outputCompression: outputCompression = try integer()
        case .outputFormat: outputFormat = text
        case .partialImages: partialImages = try integer()
        case .quality: quality = text
        case .responseFormat: responseFormat = text
        case .size: size = text
        case .stream:
            switch text.lowercased() {
            case "true": stream = true
            case "false": stream = false
            default: throw FieldTypeError(field: field, expected: .boolean, text: text)
            }
        case .user: user = text
        }
    }
}
