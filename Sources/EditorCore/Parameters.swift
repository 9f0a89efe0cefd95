import ImageEditModel

/// The request's settings as the parameters panel shows them: one row per API field, each with
/// the choices the selected model allows (from the client's own rules table).
public struct Parameters: Equatable, Sendable {
    /// The panel's rows, in order; each is an API field and goes by its name.
    public enum Field: CaseIterable, Sendable, RawRepresentable {
        case model, size, quality, background, outputFormat, outputCompression, inputFidelity, n, partialImages

        public var apiField: EditField {
            switch self {
            case .model: .model
            case .size: .size
            case .quality: .quality
            case .background: .background
            case .outputFormat: .outputFormat
            case .outputCompression: .outputCompression
            case .inputFidelity: .inputFidelity
            case .n: .n
            case .partialImages: .partialImages
            }
        }

        /// The API's name of the field.
        public var rawValue: String { apiField.rawValue }

        public init?(rawValue: String) {
            guard let field = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
            self = field
        }
    }

    public static let models = ["gpt-image-1.5", "gpt-image-1", "gpt-image-1-mini", "gpt-image-2", "chatgpt-image-latest", "dall-e-2"]

    /// nil means "not sent": the server's default applies.
    public var values: [Field: String] = [.model: EditRequest.defaultModel, .partialImages: "2"]
    public var selected: Field = .model

    public init() {}

    public var model: String { values[.model] ?? EditRequest.defaultModel }

    /// The choices for `field` under the selected model; the first, "default", sends nothing.
    public func choices(_ field: Field) -> [String?] {
        let rules = ModelRules.forModel(model)
        switch field {
        case .model: return Self.models
        case .size:
            switch rules.sizes {
            case .listed(let sizes): return [nil] + sizes
            case .flexible(_, _, _, _, let named): return [nil] + named + ["1536x864", "864x1536", "2048x1152", "2560x1440", "3840x2160"]
            case .unchecked: return [nil, "1024x1024", "1536x1024", "1024x1536", "auto"]
            }
        case .quality: return [nil] + (rules.qualities ?? [])
        case .background: return rules.backgrounds.map { [nil] + $0 } ?? [nil]
        case .outputFormat: return rules.outputFormats.map { [nil] + $0 } ?? [nil]
        case .outputCompression: return [nil, "100", "90", "80", "70", "50"]
        case .inputFidelity: return rules.inputFidelities.map { [nil] + $0 } ?? [nil]
        case .n: return (1...10).map { String($0) }
        case .partialImages: return rules.streaming ? (0...3).map { String($0) } : [nil]
        }
    }

    /// Steps the selected field's value through its choices.
    public mutating func cycle(_ delta: Int) {
        let options = choices(selected)
        // A value not among the choices (n's "default") steps onto the first or the last.
        let next = options.firstIndex(of: values[selected]).map { $0 + delta } ?? (delta > 0 ? 0 : -1)
        values[selected] = options[(next % options.count + options.count) % options.count]
        if selected == .model { dropValuesTheModelRefuses() }
    }

    public mutating func select(_ delta: Int) {
        let all = Field.allCases
        selected = all[(all.firstIndex(of: selected)! + delta + all.count) % all.count]
    }

    /// After a model change, settings it does not take go back to "default".
    mutating func dropValuesTheModelRefuses() {
        for field in Field.allCases where field != .model {
            if let value = values[field], !choices(field).contains(value) {
                values[field] = field == .n ? "1" : nil
            }
        }
        if ModelRules.forModel(model).streaming && values[.partialImages] == nil { values[.partialImages] = "2" }
    }

    /// The request for these settings, streamed when the model streams.
    public func request(images: [InputImage], mask: InputImage?, prompt: String) -> EditRequest {
        let streams = ModelRules.forModel(model).streaming
        return EditRequest(
            images: images, prompt: prompt, mask: mask, model: model, background: values[.background],
            inputFidelity: values[.inputFidelity], n: values[.n].flatMap(Int.init),
            outputCompression: values[.outputCompression].flatMap(Int.init), outputFormat: values[.outputFormat],
            partialImages: streams ? values[.partialImages].flatMap(Int.init) : nil, quality: values[.quality],
            size: values[.size], stream: streams ? true : nil)
    }
}
