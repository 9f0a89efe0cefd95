import Foundation
import HTTPTypes
import ImageCodecs
import ImageEditModel
import LocalEngine
import Raster

/// A parsed and validated edit: the shared `EditRequest`, checked with the client's own
/// `Preflight` rules, plus the decoded pixels the engine needs.
struct EditInput {
    var request: EditRequest
    var images: [FormPart]
    var mask: FormPart?

    static let mimeTypes = ["image/png", "image/jpeg", "image/webp"]
    /// A text field's largest size: a 32,000-character prompt fits in any encoding.
    static let maxTextFieldBytes = 256 << 10

    init(parts: [FormPart]) throws {
        var fields: [EditField: String] = [:]
        var images: [FormPart] = []
        var mask: FormPart?
        for part in parts {
            switch EditField(partName: part.name) {
            case .image?:
                try Self.checkMimeType(part)
                images.append(part)
            case .mask?:
                try Self.checkMimeType(part)
                mask = part
            case let field? where part.name == field.rawValue:
                guard part.data.count <= Self.maxTextFieldBytes else {
                    throw HTTPFailure(status: .badRequest,
                                      message: "Invalid '\(field.rawValue)': \(ByteCount.format(part.data.count)) is longer than any field takes (at most \(ByteCount.format(Self.maxTextFieldBytes))).",
                                      param: field.rawValue, code: "string_above_max_length")
                }
                fields[field] = String(decoding: part.data, as: UTF8.self)
            default:
                throw HTTPFailure(status: .badRequest, message: "Unrecognized request argument supplied: \(part.name)",
                                  param: part.name, code: "unknown_parameter")
            }
        }
        guard let prompt = fields[.prompt] else {
            throw HTTPFailure(status: .badRequest, message: "Missing required parameter: 'prompt'.", param: EditField.prompt.rawValue,
                              code: "missing_required_parameter")
        }
        guard !images.isEmpty else {
            throw HTTPFailure(status: .badRequest, message: "Missing required parameter: 'image'.", param: EditField.image.rawValue,
                              code: "missing_required_parameter")
        }
        var request = EditRequest(images: images.map { InputImage(bytes: $0.data, filename: $0.filename ?? "image") }, prompt: prompt,
                                  mask: mask.map { InputImage(bytes: $0.data, filename: $0.filename ?? "mask") })
        for field in EditField.textFields {
            guard let text = fields[field] else { continue }
            do {
                try request.setText(text, for: field)
            } catch {
                throw HTTPFailure(status: .badRequest,
                                  message: "Invalid type for '\(field.rawValue)': expected \(error.expected == .integer ? "an integer" : "a boolean"), but got '\(text)' instead.",
                                  param: field.rawValue, code: "invalid_type")
            }
        }
        self.request = request
        self.images = images
        self.mask = mask

        let facts = images.enumerated().map { Self.facts($1, name: "image \($0 + 1)") }
        let violations = Preflight.check(request, images: facts, mask: mask.map { Self.facts($0, name: "mask") })
        if let first = violations.first {
            throw HTTPFailure(status: .badRequest, message: violations.map(\.description).joined(separator: "; "),
                              param: first.parameter.rawValue, code: Self.code(for: first.kind))
        }
    }

    static func facts(_ part: FormPart, name: String) -> InputFacts {
        InputFacts(name: part.filename ?? name, byteCount: part.data.count, header: ImageHeader.read(Array(part.data.prefix(512 * 1024))))
    }

    static func checkMimeType(_ part: FormPart) throws {
        guard let type = part.contentType?.lowercased().split(separator: ";").first.map(String.init) else {
            throw HTTPFailure(status: .badRequest, message: "Invalid file '\(part.name)': missing mimetype. Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.",
                              param: part.name, code: "missing_file_mimetype")
        }
        guard mimeTypes.contains(type) else {
            throw HTTPFailure(status: .badRequest, message: "Invalid file '\(part.name)': unsupported mimetype ('\(type)'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.",
                              param: part.name, code: "unsupported_file_mimetype")
        }
    }

    /// OpenAI's error code for a broken rule.
    static func code(for kind: Violation.Kind) -> String {
        switch kind {
        case .maskSizeMismatch: "invalid_mask_image_size"
        case .notAnImage, .unsupportedFormat, .unreadableHeader, .formatNotAccepted, .fileTooLarge, .notSquare,
             .channelsNotAccepted, .imageCount:
            "invalid_image_format"
        case .promptTooLong: "string_above_max_length"
        case .modelCannotEdit, .promptMissing, .valueNotAllowed, .fieldNotTaken, .sizeNotAllowed, .outOfRange,
             .conflictingFields, .streamingNotSupported:
            "invalid_value"
        }
    }

    /// The requested output size, checked for every model, known or not: the engine makes
    /// nothing larger than the API's largest output. Nil for `auto`.
    func requestedSize() throws -> (width: Int, height: Int)? {
        guard let text = request.size, text != "auto" else { return nil }
        let sides = text.split(separator: "x", omittingEmptySubsequences: false)
        guard sides.count == 2, let width = Int(sides[0]), let height = Int(sides[1]), width > 0, height > 0 else {
            throw HTTPFailure(status: .badRequest, message: "Invalid size '\(text)': use WIDTHxHEIGHT (for example 1024x1024) or auto.",
                              param: "size", code: "invalid_value")
        }
        try checkOutput(width: width, height: height)
        return (width, height)
    }

    private func checkOutput(width: Int, height: Int) throws {
        do {
            try LocalEngine.checkOutput(width: width, height: height, images: request.n ?? 1)
        } catch {
            let field = if case .tooManyPixels = error { "n" } else { "size" }
            throw HTTPFailure(status: .badRequest, message: "Invalid \(field): \(error).", param: field, code: "invalid_value")
        }
    }

    /// Decodes what the engine works on, reduced to the largest output the engine can make, with
    /// the memory it needs taken from the server's budget first.
    func job(lease: EditLease, decoder: ImageDecoder = ImageDecoder()) throws -> LocalEngine.Job {
        let size = try requestedSize()
        // The picture and the mask decode side by side; the picture's failure is the one told.
        let parts = [(images[0], "image 1", "image")] + (mask.map { [($0, "the mask", "mask")] } ?? [])
        let decoded = Locked([Result<RGBAImage, Error>?](repeating: nil, count: parts.count))
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            let (part, what, param) = parts[index]
            let result = Result { try decode(part, what: what, param: param, lease: lease, decoder: decoder) }
            decoded.withLock { $0[index] = result }
        }
        let results = decoded.withLock { $0 }
        let image = try results[0]!.get()
        var maskImage: RGBAImage?
        if parts.count > 1 {
            maskImage = try results[1]!.get()
            guard maskImage?.width == image.width, maskImage?.height == image.height else {
                throw HTTPFailure(status: .badRequest, message: "Invalid mask image size: it must match the first image.",
                                  param: "mask", code: "invalid_mask_image_size")
            }
        }
        let output = size ?? (image.width, image.height)
        try checkOutput(width: output.width, height: output.height)
        // Each output image, and the engine's working copies of the picture.
        try lease.reserve((max(1, request.n ?? 1) + 4) * output.width * output.height * 4, for: "the output images")
        return LocalEngine.Job(image: image, mask: maskImage, prompt: request.prompt, variations: request.n ?? 1,
                               partialImages: request.isStreaming ? request.partialImages ?? 0 : 0, size: size,
                               background: background, quality: quality)
    }

    /// Decodes a part, reserving its pixels first, and reduces it to the engine's working size
    /// (a JPEG already in its DCT, the rest after decoding).
    private func decode(_ part: FormPart, what: String, param: String, lease: EditLease,
                        decoder: ImageDecoder) throws -> RGBAImage {
        var working: (width: Int, height: Int)?
        if case .success(let header) = ImageHeader.read(Array(part.data.prefix(512 * 1024))) {
            let (pixels, overflow) = header.width.multipliedReportingOverflow(by: header.height)
            if !overflow && pixels <= decoder.pixelLimit {
                working = LocalEngine.workingSize(width: header.width, height: header.height)
                try lease.reserve(pixels * 4, for: "decoding \(what)")
            }
        }
        let decoded: DecodedImage
        do {
            decoded = try decoder.decode(part.data, atLeast: working)
        } catch {
            throw HTTPFailure(status: .badRequest, message: "Invalid image file for \(what): \(error).", param: param,
                              code: "invalid_image_file")
        }
        // From the file's own upright size, so that an image and its mask come out alike.
        let target = LocalEngine.workingSize(width: decoded.description.width, height: decoded.description.height)
        guard target != (decoded.image.width, decoded.image.height) else { return decoded.image }
        let reduced = decoded.image.resized(width: target.width, height: target.height)
        return param == "mask" ? Self.binaryAlpha(reduced) : reduced
    }

    /// A reduced mask edits only pixels that were mostly transparent.
    static func binaryAlpha(_ mask: RGBAImage) -> RGBAImage {
        var out = mask
        for index in stride(from: 3, to: out.pixels.count, by: 4) { out.pixels[index] = out.pixels[index] < 128 ? 0 : 255 }
        return out
    }

    /// The engine's treatment of alpha; values the engine does not know keep alpha.
    var background: LocalEngine.Background {
        request.background.flatMap(LocalEngine.Background.init(rawValue:)) ?? .auto
    }

    /// The engine's quality; `auto` and values the engine does not know are `medium`.
    var quality: LocalEngine.Quality {
        request.quality.flatMap(LocalEngine.Quality.init(rawValue:)) ?? .medium
    }

    var outputFormat: ImageFormat {
        switch request.outputFormat {
        case "jpeg": .jpeg
        case "webp": .webp
        default: .png
        }
    }

    /// The image in the requested format; `fast` trades size for speed (partial images).
    func encoded(_ image: RGBAImage, fast: Bool = false) throws -> Data {
        let quality = request.outputCompression ?? 100
        do {
            if outputFormat == .png {
                return Data(try ImageEncoder.png(image, alpha: background == .transparent ? .always : .whenNeeded,
                                                 fast: fast))
            }
            return Data(try ImageEncoder.encode(image, as: outputFormat, quality: quality))
        } catch {
            throw HTTPFailure(status: .internalServerError, message: "The engine could not encode the result: \(error).",
                              type: "server_error")
        }
    }

    func outputSize(_ job: LocalEngine.Job) -> String {
        let size = job.size ?? (job.image.width, job.image.height)
        return "\(size.width)x\(size.height)"
    }

    func settings(_ job: LocalEngine.Job) -> OutputSettings {
        let transparent = job.background != .opaque && job.image.hasTransparency && outputFormat != .jpeg
        return OutputSettings(size: outputSize(job), quality: job.quality.rawValue,
                              background: (transparent ? LocalEngine.Background.transparent : .opaque).rawValue,
                              outputFormat: outputFormat.rawValue)
    }

    /// The local rule for usage: a text token per 4 bytes of prompt, an image token per 64x64
    /// tile of each input image, and per 64x64 tile of each output image.
    func usage(_ job: LocalEngine.Job) -> Usage {
        let text = (request.prompt.utf8.count + 3) / 4
        let imageTokens = images.compactMap { part -> Int? in
            guard case .success(let header) = ImageHeader.read(Array(part.data.prefix(512 * 1024))) else { return nil }
            return Self.tiles(header.width, header.height)
        }.reduce(0, +)
        let n = request.n ?? 1
        let size = job.size ?? (job.image.width, job.image.height)
        let outputTiles = Self.tiles(size.width, size.height) * n
        return Usage(inputTokens: text + imageTokens, outputTokens: outputTiles, totalTokens: text + imageTokens + outputTiles,
                     inputTokensDetails: .init(textTokens: text, imageTokens: imageTokens),
                     outputTokensDetails: .init(textTokens: 0, imageTokens: outputTiles))
    }

    static func tiles(_ width: Int, _ height: Int) -> Int { (width + 63) / 64 * ((height + 63) / 64) }

    /// The event for an engine event, without its image, and the image's encoded bytes, which
    /// `EventStream` writes into the event as base64.
    func streamEvent(_ event: EditAnswer.EngineEvent, job: LocalEngine.Job, created: Int,
                     usage: Usage) throws -> (event: Wire.StreamEvent, image: Data) {
        switch event {
        case .partial(let index, let image):
            return (Wire.StreamEvent(type: "image_edit.partial_image", partial_image_index: index, created_at: created,
                                     settings: settings(job)), try encoded(image, fast: true))
        case .image(_, let image):
            return (Wire.StreamEvent(type: "image_edit.completed", created_at: created, settings: settings(job), usage: usage),
                    try encoded(image))
        }
    }
}
