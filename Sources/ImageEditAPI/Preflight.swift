import Raster

/// One broken rule: which field, the value given, and what is allowed.
public struct Violation: Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var problem: String

    public init(field: String, value: String, problem: String) {
        self.field = field
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
        let rules = ModelRules.forModel(request.effectiveModel)
        var found: [Violation] = []
        func add(_ field: String, _ value: String, _ problem: String) {
            found.append(Violation(field: field, value: value, problem: problem))
        }
        func quoted(_ s: String) -> String { "\"\(s)\"" }

        if !rules.supportsEdits {
            add("model", quoted(rules.model), "\(rules.model) does not edit images; use a GPT image model (gpt-image-1.5, gpt-image-1, gpt-image-1-mini, gpt-image-2) or dall-e-2")
            return found
        }

        // Images.
        let imageField = images.count <= 1 ? "image" : "image[]"
        if images.isEmpty || images.count > rules.maxImages {
            add(imageField, "\(images.count) files",
                rules.maxImages == 1 ? "\(rules.model) takes exactly one image" : "\(rules.model) takes 1 to \(rules.maxImages) images")
        }
        for (index, facts) in images.enumerated() {
            let field = images.count == 1 ? "image" : "image[\(index)]"
            for problem in fileProblems(facts, requirement: rules.image) { add(field, facts.name, problem) }
        }

        // Mask.
        if let mask {
            for problem in fileProblems(mask, requirement: .mask) { add("mask", mask.name, problem) }
            if case .success(let maskHeader) = mask.header, let first = images.first, case .success(let image) = first.header,
               maskHeader.width != image.width || maskHeader.height != image.height {
                add("mask", mask.name, "it is \(maskHeader.width)x\(maskHeader.height); it must match the first image, \(image.width)x\(image.height)")
            }
        }

        // Prompt: the API counts characters as Unicode code points.
        let length = request.prompt.unicodeScalars.count
        if request.prompt.allSatisfy(\.isWhitespace) {
            add("prompt", quoted(""), "a prompt is required")
        } else if length > rules.maxPromptLength {
            add("prompt", "\(length) characters", "\(rules.model) takes at most \(rules.maxPromptLength) characters")
        }

        // Enumerations.
        func choice(_ field: String, _ value: String?, _ allowed: [String]?) {
            guard let value, rules.isKnown else { return }
            guard let allowed else {
                add(field, quoted(value), "\(rules.model) does not take \(field)")
                return
            }
            if !allowed.contains(value) { add(field, quoted(value), "\(rules.model) takes \(ModelRules.list(allowed))") }
        }
        choice("background", request.background, rules.backgrounds)
        choice("quality", request.quality, rules.qualities)
        choice("output_format", request.outputFormat, rules.outputFormats)
        choice("response_format", request.responseFormat, rules.responseFormats)
        choice("input_fidelity", request.inputFidelity, rules.inputFidelities)
        if let size = request.size, let problem = rules.sizeProblem(size) { add("size", quoted(size), problem) }

        // Combinations.
        let outputFormat = request.outputFormat ?? "png"
        if request.background == "transparent", rules.backgrounds?.contains("transparent") == true,
           !["png", "webp"].contains(outputFormat) {
            add("background", quoted("transparent"), "a transparent background needs output_format png or webp, not \(outputFormat)")
        }
        if let compression = request.outputCompression {
            if !compressionRange.contains(compression) {
                add("output_compression", "\(compression)", "must be 0 to 100")
            } else if !["jpeg", "webp"].contains(outputFormat) {
                add("output_compression", "\(compression)", "applies only to output_format jpeg or webp, not \(outputFormat)")
            }
        }
        if let n = request.n, !maxN.contains(n) { add("n", "\(n)", "must be 1 to 10") }
        if let partials = request.partialImages, !partialImageRange.contains(partials) {
            add("partial_images", "\(partials)", "must be 0 to 3")
        }
        if request.isStreaming && !rules.streaming {
            add("stream", "true", "\(rules.model) does not stream; streaming is for GPT image models")
        }
        return found
    }

    static func fileProblems(_ facts: InputFacts, requirement: ImageRequirement) -> [String] {
        switch facts.header {
        case .failure(.notAnImage): return ["it is not a PNG, JPEG or WebP image"]
        case .failure(.unsupportedFormat(let name)): return ["it is \(name); use PNG, JPEG or WebP"]
        case .failure(.truncated(let format)): return ["the \(format.displayName) header is cut short"]
        case .failure(.malformed(let format, let why)): return ["its \(format.displayName) header is malformed (\(why))"]
        case .success(let header):
            return requirement.violations(of: ImageFacts(header: header, byteCount: facts.byteCount))
        }
    }
}

extension ImageFacts {
    public init(header: ImageHeader, byteCount: Int) {
        self.init(format: header.format, width: header.width, height: header.height, channels: header.channels,
                  hasAlpha: header.hasAlpha, byteCount: byteCount)
    }
}
