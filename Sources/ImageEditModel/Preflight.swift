import Raster

/// One broken rule: what kind of rule, which field, the value given, and what is allowed.
/// Callers decide by `kind` (the local server's error codes come from it); `problem` is for people.
public struct Violation: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Equatable, Sendable, CaseIterable {
        /// The model does not serve this endpoint (dall-e-3).
        case modelCannotEdit
        /// Too few or too many images for the model.
        case imageCount
        /// The file is not an image at all.
        case notAnImage
        /// An image format the API never takes (GIF, TIFF, …).
        case unsupportedFormat
        /// The header is cut short or malformed.
        case unreadableHeader
        /// An image format this use of the file does not take (a JPEG mask).
        case formatNotAccepted
        case fileTooLarge
        case notSquare
        /// The pixels' channels are not allowed (a mask without alpha).
        case channelsNotAccepted
        /// The mask is not the first image's size.
        case maskSizeMismatch
        case promptMissing
        case promptTooLong
        /// A value outside the field's choices for the model.
        case valueNotAllowed
        /// The model does not take the field at all.
        case fieldNotTaken
        /// A size the model does not make.
        case sizeNotAllowed
        /// A number outside its range.
        case outOfRange
        /// Two settings that do not go together (a transparent JPEG).
        case conflictingFields
        case streamingNotSupported
    }

    public var kind: Kind
    /// The field as the user would name it: `image`, `image[2]`, `mask`, `size`, …
    public var field: String
    /// The API's field the rule belongs to.
    public var parameter: EditField
    public var value: String
    public var problem: String

    public init(_ kind: Kind, parameter: EditField, field: String? = nil, value: String, problem: String) {
        self.kind = kind
        self.parameter = parameter
        self.field = field ?? parameter.rawValue
        self.value = value
        self.problem = problem
    }

    public var description: String { "\(field) = \(value): \(problem)" }
}

/// What is known of an input file before sending: its size and what its header says.
public struct InputFacts: Equatable, Sendable {
    public var name: String
    public var byteCount: Int
    public var header: Result<ImageHeader, ImageHeader.Problem>

    public init(name: String, byteCount: Int, header: Result<ImageHeader, ImageHeader.Problem>) {
        self.name = name
        self.byteCount = byteCount
        self.header = header
    }

    /// The format the leading bytes announce, even when the rest of the header is unreadable.
    public var sniffedFormat: ImageFormat? {
        switch header {
        case .success(let header): header.format
        case .failure(.truncated(let format)), .failure(.malformed(let format, _)): format
        case .failure: nil
        }
    }
}

/// Checks a request against the model's rules before anything is sent, and reports every
/// violation at once. Pure: the caller reads the files' headers.
public enum Preflight {
    public static let maxN = 1...10
    public static let partialImageRange = 0...3
    public static let compressionRange = 0...100

    public static func check(_ request: EditRequest, images: [InputFacts], mask: InputFacts?) -> [Violation] {
        var found = Violations(rules: ModelRules.forModel(request.effectiveModel))
        let rules = found.rules
        if !rules.supportsEdits {
            found.add(.modelCannotEdit, .model, quoted(rules.model), "\(rules.model) does not edit images; use a GPT image model (gpt-image-1.5, gpt-image-1, gpt-image-1-mini, gpt-image-2) or dall-e-2")
            return found.list
        }
        found.checkFiles(images: images, mask: mask)
        found.checkPrompt(request.prompt)
        found.checkChoices(request)
        found.checkCombinations(request)
        return found.list
    }

    static func quoted(_ s: String) -> String { "\"\(s)\"" }

    /// The violations found so far, in the order the checks run, against one model's rules.
    struct Violations {
        let rules: ModelRules
        var list: [Violation] = []

        mutating func add(_ kind: Violation.Kind, _ parameter: EditField, field: String? = nil, _ value: String, _ problem: String) {
            list.append(Violation(kind, parameter: parameter, field: field, value: value, problem: problem))
        }

        mutating func checkFiles(images: [InputFacts], mask: InputFacts?) {
            let imageField = EditField.imageName(count: max(1, images.count))
            if images.isEmpty || images.count > rules.maxImages {
                add(.imageCount, .image, field: imageField, "\(images.count) files",
                    rules.maxImages == 1 ? "\(rules.model) takes exactly one image" : "\(rules.model) takes 1 to \(rules.maxImages) images")
            }
            for (index, facts) in images.enumerated() {
                let field = images.count == 1 ? "image" : "image[\(index)]"
                for problem in fileProblems(facts, requirement: rules.image) { add(problem.kind, .image, field: field, facts.name, problem.text) }
            }
            guard let mask else { return }
            for problem in fileProblems(mask, requirement: .mask) { add(problem.kind, .mask, mask.name, problem.text) }
            if case .success(let maskHeader) = mask.header, let first = images.first, case .success(let image) = first.header,
               maskHeader.width != image.width || maskHeader.height != image.height {
                add(.maskSizeMismatch, .mask, mask.name,
                    "it is \(maskHeader.width)x\(maskHeader.height); it must match the first image, \(image.width)x\(image.height)")
            }
        }

        /// The API counts a prompt's characters as Unicode code points.
        mutating func checkPrompt(_ prompt: String) {
            let length = prompt.unicodeScalars.count
            if prompt.allSatisfy(\.isWhitespace) {
                add(.promptMissing, .prompt, quoted(""), "a prompt is required")
            } else if length > rules.maxPromptLength {
                add(.promptTooLong, .prompt, "\(length) characters", "\(rules.model) takes at most \(rules.maxPromptLength) characters")
            }
        }

        /// Enumerated fields, and the size.
        mutating func checkChoices(_ request: EditRequest) {
            func choice(_ field: EditField, _ allowed: [String]?) {
                guard let value = request.text(for: field), rules.isKnown else { return }
                guard let allowed else {
                    add(.fieldNotTaken, field, quoted(value), "\(rules.model) does not take \(field.rawValue)")
                    return
                }
                if !allowed.contains(value) { add(.valueNotAllowed, field, quoted(value), "\(rules.model) takes \(ModelRules.list(allowed))") }
            }
            choice(.background, rules.backgrounds)
            choice(.quality, rules.qualities)
            choice(.outputFormat, rules.outputFormats)
            choice(.responseFormat, rules.responseFormats)
            choice(.inputFidelity, rules.inputFidelities)
            if let size = request.size, let problem = rules.sizeProblem(size) { add(.sizeNotAllowed, .size, quoted(size), problem) }
        }

        /// Numbers out of range, and settings that do not go together.
        mutating func checkCombinations(_ request: EditRequest) {
            let outputFormat = request.outputFormat ?? "png"
            if request.background == "transparent", rules.backgrounds?.contains("transparent") == true,
               !["png", "webp"].contains(outputFormat) {
                add(.conflictingFields, .background, quoted("transparent"), "a transparent background needs output_format png or webp, not \(outputFormat)")
            }
            if let compression = request.outputCompression {
                if !compressionRange.contains(compression) {
                    add(.outOfRange, .outputCompression, "\(compression)", "must be 0 to 100")
                } else if !["jpeg", "webp"].contains(outputFormat) {
                    add(.conflictingFields, .outputCompression, "\(compression)", "applies only to output_format jpeg or webp, not \(outputFormat)")
                }
            }
            if let n = request.n, !maxN.contains(n) { add(.outOfRange, .n, "\(n)", "must be 1 to 10") }
            if let partials = request.partialImages, !partialImageRange.contains(partials) {
                add(.outOfRange, .partialImages, "\(partials)", "must be 0 to 3")
            }
            if request.isStreaming && !rules.streaming {
                add(.streamingNotSupported, .stream, "true", "\(rules.model) does not stream; streaming is for GPT image models")
            }
        }
    }

    public static func fileProblems(_ facts: InputFacts, requirement: ImageRequirement) -> [(kind: Violation.Kind, text: String)] {
        switch facts.header {
        case .failure(.notAnImage): return [(.notAnImage, "it is not a PNG, JPEG or WebP image")]
        case .failure(.unsupportedFormat(let name)): return [(.unsupportedFormat, "it is \(name); use PNG, JPEG or WebP")]
        case .failure(.truncated(let format)): return [(.unreadableHeader, "the \(format.displayName) header is cut short")]
        case .failure(.malformed(let format, let why)): return [(.unreadableHeader, "its \(format.displayName) header is malformed (\(why))")]
        case .success(let header):
            return requirement.problems(of: ImageFacts(header: header, byteCount: facts.byteCount))
        }
    }
}

extension ImageFacts {
    public init(header: ImageHeader, byteCount: Int) {
        self.init(format: header.format, width: header.width, height: header.height, channels: header.channels,
                  hasAlpha: header.hasAlpha, byteCount: byteCount)
    }
}
