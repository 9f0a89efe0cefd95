import Foundation
import ImageCodecs
import ImageEditAPI
import LocalEngine
import Raster

/// A parsed and validated edit: the shared `EditRequest`, checked with the client's own
/// `Preflight` rules, plus the decoded pixels the engine needs.
struct EditInput {
    var request: EditRequest
    var images: [FormPart]
    var mask: FormPart?

    static let mimeTypes = ["image/png", "image/jpeg", "image/webp"]

    init(parts: [FormPart]) throws {
        var fields: [String: String] = [:]
        var images: [FormPart] = []
        var mask: FormPart?
        for part in parts {
            switch part.name {
            case "image", "image[]":
                try Self.checkMimeType(part)
                images.append(part)
            case "mask":
                try Self.checkMimeType(part)
                mask = part
            case let name where EditHandler.textFields.contains(name):
                fields[name] = String(decoding: part.data, as: UTF8.self)
            default:
                throw HTTPFailure(status: .badRequest, message: "Unrecognized request argument supplied: \(part.name)",
                                  param: part.name, code: "unknown_parameter")
            }
        }
        guard let prompt = fields["prompt"] else {
            throw HTTPFailure(status: .badRequest, message: "Missing required parameter: 'prompt'.", param: "prompt",
                              code: "missing_required_parameter")
        }
        guard !images.isEmpty else {
            throw HTTPFailure(status: .badRequest, message: "Missing required parameter: 'image'.", param: "image",
                              code: "missing_required_parameter")
        }
        func integer(_ name: String) throws -> Int? {
            guard let text = fields[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw HTTPFailure(status: .badRequest, message: "Invalid type for '\(name)': expected an integer, but got '\(text)' instead.",
                                  param: name, code: "invalid_type")
            }
            return value
        }
        var stream: Bool?
        if let text = fields["stream"] {
            switch text.lowercased() {
            case "true": stream = true
            case "false": stream = false
            default:
                throw HTTPFailure(status: .badRequest, message: "Invalid type for 'stream': expected a boolean, but got '\(text)' instead.",
                                  param: "stream", code: "invalid_type")
            }
        }
        request = EditRequest(
            images: images.map { InputImage(bytes: $0.data, filename: $0.filename ?? "image") }, prompt: prompt,
            mask: mask.map { InputImage(bytes: $0.data, filename: $0.filename ?? "mask") }, model: fields["model"],
            background: fields["background"], inputFidelity: fields["input_fidelity"], n: try integer("n"),
            outputCompression: try integer("output_compression"), outputFormat: fields["output_format"],
            partialImages: try integer("partial_images"), quality: fields["quality"], responseFormat: fields["response_format"],
            size: fields["size"], stream: stream, user: fields["user"])
        self.images = images
        self.mask = mask

        let facts = images.enumerated().map { Self.facts($1, name: "image \($0 + 1)") }
        let violations = Preflight.check(request, images: facts, mask: mask.map { Self.facts($0, name: "mask") })
        if let first = violations.first {
            let field = first.field.hasPrefix("image") ? "image" : first.field
            throw HTTPFailure(status: .badRequest, message: violations.map(\.description).joined(separator: "; "),
                              param: field, code: Self.code(for: first))
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

    static func code(for violation: Violation) -> String {
        switch violation.field {
        case "mask" where violation.problem.contains("must match"): "invalid_mask_image_size"
        case let field where field.hasPrefix("image") || field == "mask": "invalid_image_format"
        case "prompt" where violation.problem.contains("at most"): "string_above_max_length"
        default: "invalid_value"
        }
    }

    /// Decodes what the engine works on; `decoder`'s pixel limit also bounds the output size.
    func job(decoder: ImageDecoder = ImageDecoder()) throws -> LocalEngine.Job {
        let image: RGBAImage
        do {
            image = try decoder.decode(images[0].data).image
        } catch {
            throw HTTPFailure(status: .badRequest, message: "Invalid image file for image 1: \(error).", param: "image",
                              code: "invalid_image_file")
        }
        var maskImage: RGBAImage?
        if let mask {
            do {
                maskImage = try decoder.decode(mask.data).image
            } catch {
                throw HTTPFailure(status: .badRequest, message: "Invalid mask file: \(error).", param: "mask", code: "invalid_image_file")
            }
            guard maskImage?.width == image.width, maskImage?.height == image.height else {
                throw HTTPFailure(status: .badRequest, message: "Invalid mask image size: it must match the first image.",
                                  param: "mask", code: "invalid_mask_image_size")
            }
        }
        var size: (width: Int, height: Int)?
        if let text = request.size, text != "auto" {
            let sides = text.split(separator: "x").compactMap { Int($0) }
            if sides.count == 2, sides[0] > 0, sides[1] > 0 {
                // Models without a size list accept any WIDTHxHEIGHT: the engine makes at most
                // as many pixels as the decoder reads.
                let (pixels, overflow) = sides[0].multipliedReportingOverflow(by: sides[1])
                guard !overflow, pixels <= decoder.pixelLimit else {
                    throw HTTPFailure(status: .badRequest,
                                      message: "Invalid size '\(text)': at most \(decoder.pixelLimit) pixels can be made.",
                                      param: "size", code: "invalid_value")
                }
                size = (sides[0], sides[1])
            }
        }
        return LocalEngine.Job(image: image, mask: maskImage, variations: request.n ?? 1,
                               partialImages: request.isStreaming ? request.partialImages ?? 0 : 0, size: size,
                               background: request.background, quality: request.quality)
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
                return Data(try ImageEncoder.png(image, alpha: request.background == "transparent" ? .always : .whenNeeded,
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
        let transparent = request.background != "opaque" && job.image.hasTransparency && outputFormat != .jpeg
        return OutputSettings(size: outputSize(job), quality: ["low", "medium", "high"].contains(request.quality ?? "") ? request.quality : "medium",
                              background: transparent ? "transparent" : "opaque", outputFormat: outputFormat.rawValue)
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

    func streamEvent(_ event: EditHandler.EngineEvent, job: LocalEngine.Job, created: Int, usage: Usage) throws -> Wire.StreamEvent {
        switch event {
        case .partial(let index, let image):
            return Wire.StreamEvent(type: "image_edit.partial_image", b64_json: try encoded(image, fast: true).base64EncodedString(),
                                    partial_image_index: index, created_at: created, settings: settings(job))
        case .image(_, let image):
            return Wire.StreamEvent(type: "image_edit.completed", b64_json: try encoded(image).base64EncodedString(),
                                    created_at: created, settings: settings(job), usage: usage)
        }
    }
}
