/// Token usage as the API reports it.
public struct Usage: Codable, Equatable, Sendable {
    public struct Details: Codable, Equatable, Sendable {
        public var textTokens: Int?
        public var imageTokens: Int?

        public init(textTokens: Int?, imageTokens: Int?) {
            self.textTokens = textTokens
            self.imageTokens = imageTokens
        }

        enum CodingKeys: String, CodingKey {
            case textTokens = "text_tokens", imageTokens = "image_tokens"
        }
    }

    public var inputTokens: Int?
    public var outputTokens: Int?
    public var totalTokens: Int?
    public var inputTokensDetails: Details?
    public var outputTokensDetails: Details?

    public init(inputTokens: Int?, outputTokens: Int?, totalTokens: Int?,
                inputTokensDetails: Details? = nil, outputTokensDetails: Details? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.inputTokensDetails = inputTokensDetails
        self.outputTokensDetails = outputTokensDetails
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens", totalTokens = "total_tokens"
        case inputTokensDetails = "input_tokens_details", outputTokensDetails = "output_tokens_details"
    }

    /// Usage of several images added up (one completed event per image when n > 1).
    public static func + (a: Usage, b: Usage) -> Usage {
        func sum(_ x: Int?, _ y: Int?) -> Int? { x == nil && y == nil ? nil : (x ?? 0) + (y ?? 0) }
        func sum(_ x: Details?, _ y: Details?) -> Details? {
            x == nil && y == nil ? nil : Details(textTokens: sum(x?.textTokens, y?.textTokens),
                                                 imageTokens: sum(x?.imageTokens, y?.imageTokens))
        }
        return Usage(inputTokens: sum(a.inputTokens, b.inputTokens), outputTokens: sum(a.outputTokens, b.outputTokens),
                     totalTokens: sum(a.totalTokens, b.totalTokens),
                     inputTokensDetails: sum(a.inputTokensDetails, b.inputTokensDetails),
                     outputTokensDetails: sum(a.outputTokensDetails, b.outputTokensDetails))
    }
}

/// What the server says it produced; open strings, as new values may appear.
public struct OutputSettings: Codable, Equatable, Sendable {
    public var size: String?
    public var quality: String?
    public var background: String?
    public var outputFormat: String?

    public init(size: String? = nil, quality: String? = nil, background: String? = nil, outputFormat: String? = nil) {
        self.size = size
        self.quality = quality
        self.background = background
        self.outputFormat = outputFormat
    }

    enum CodingKeys: String, CodingKey {
        case size, quality, background, outputFormat = "output_format"
    }
}

// MARK: - Wire forms

/// The JSON shapes of the endpoint, shared by the client (decoding) and the local server
/// (encoding). Field names are the wire's own.
public enum Wire {
    public struct Image: Codable, Sendable {
        public var b64_json: String?
        public var url: String?
        public var revised_prompt: String?

        public init(b64_json: String? = nil, url: String? = nil, revised_prompt: String? = nil) {
            self.b64_json = b64_json
            self.url = url
            self.revised_prompt = revised_prompt
        }
    }

    public struct ImagesResponse: Codable, Sendable, CarriesOutputSettings {
        public var created: Int?
        public var background: String?
        public var output_format: String?
        public var quality: String?
        public var size: String?
        public var usage: Usage?
        public var data: [Image]?

        public init(created: Int?, settings: OutputSettings, usage: Usage?, data: [Image]) {
            self.created = created
            self.usage = usage
            self.data = data
            self.settings = settings
        }
    }

    /// `image_edit.partial_image`, `image_edit.completed` and `error` events.
    public struct StreamEvent: Codable, Sendable, CarriesOutputSettings {
        public var type: String?
        public var b64_json: String?
        public var partial_image_index: Int?
        public var created_at: Int?
        public var size: String?
        public var quality: String?
        public var background: String?
        public var output_format: String?
        public var usage: Usage?
        public var revised_prompt: String?
        public var error: ErrorBody?

        public init(type: String, b64_json: String? = nil, partial_image_index: Int? = nil, created_at: Int? = nil,
                    settings: OutputSettings = OutputSettings(), usage: Usage? = nil, error: ErrorBody? = nil) {
            self.type = type
            self.b64_json = b64_json
            self.partial_image_index = partial_image_index
            self.created_at = created_at
            self.usage = usage
            self.error = error
            self.settings = settings
        }
    }

    /// `{message, type, param, code}`; every field may be missing or null.
    public struct ErrorBody: Codable, Equatable, Sendable {
        public var message: String?
        public var type: String?
        public var param: String?
        public var code: String?

        enum CodingKeys: String, CodingKey { case message, type, param, code }

        public init(message: String?, type: String?, param: String?, code: String?) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            message = try? c.decodeIfPresent(String.self, forKey: .message)
            type = try? c.decodeIfPresent(String.self, forKey: .type)
            param = try? c.decodeIfPresent(String.self, forKey: .param)
            // Some servers send the code as a number.
            code = (try? c.decodeIfPresent(String.self, forKey: .code))
                ?? (try? c.decodeIfPresent(Int.self, forKey: .code)).flatMap { $0.map(String.init) }
        }

        /// Like OpenAI, every key is present; missing values are null.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(message, forKey: .message)
            try c.encode(type, forKey: .type)
            try c.encode(param, forKey: .param)
            try c.encode(code, forKey: .code)
        }
    }

    public struct ErrorEnvelope: Codable, Sendable {
        public var error: ErrorBody?
        public init(error: ErrorBody) { self.error = error }
    }
}

/// The four fields both answer shapes carry about what was produced.
public protocol CarriesOutputSettings {
    var size: String? { get set }
    var quality: String? { get set }
    var background: String? { get set }
    var output_format: String? { get set }
}

extension CarriesOutputSettings {
    public var settings: OutputSettings {
        get { OutputSettings(size: size, quality: quality, background: background, outputFormat: output_format) }
        set {
            size = newValue.size
            quality = newValue.quality
            background = newValue.background
            output_format = newValue.outputFormat
        }
    }
}
