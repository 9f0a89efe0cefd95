/// What one model accepts, as the API reference documents it: data, read by `Preflight`.
public struct ModelRules: Sendable {
    public enum Sizes: Sendable {
        /// Only these values.
        case listed([String])
        /// `WIDTHxHEIGHT` with both sides divisible by `multiple`, the aspect ratio within
        /// 1:`maxAspect` either way, at most `maxLong` x `maxShort`; or one of `named`.
        case flexible(multiple: Int, maxAspect: Int, maxLong: Int, maxShort: Int, named: [String])
        /// Not checked: a model this table does not know.
        case unchecked
    }

    public var model: String
    /// False for models the endpoint does not serve (dall-e-3).
    public var supportsEdits: Bool
    public var maxImages: Int
    public var image: ImageRequirement
    public var maxPromptLength: Int
    public var sizes: Sizes
    /// Allowed values; nil when the model does not take the parameter.
    public var backgrounds: [String]?
    public var qualities: [String]?
    public var outputFormats: [String]?
    public var responseFormats: [String]?
    public var inputFidelities: [String]?
    public var streaming: Bool

    /// The most images one edit takes, under any model.
    public static let maxInputImages = 16

    static let standardSizes = ["1024x1024", "1536x1024", "1024x1536", "auto"]
    static let gptQualities = ["low", "medium", "high", "auto"]
    static let formats = ["png", "jpeg", "webp"]

    static func gptImage(_ model: String, sizes: Sizes = .listed(standardSizes), transparent: Bool = true,
                         inputFidelity: Bool = true) -> ModelRules {
        ModelRules(model: model, supportsEdits: true, maxImages: maxInputImages, image: .gptImageSource, maxPromptLength: 32_000,
                   sizes: sizes,
                   backgrounds: transparent ? ["transparent", "opaque", "auto"] : ["opaque", "auto"],
                   qualities: gptQualities, outputFormats: formats, responseFormats: nil,
                   inputFidelities: inputFidelity ? ["high", "low"] : nil, streaming: true)
    }

    static let gptImage2Sizes = Sizes.flexible(multiple: 16, maxAspect: 3, maxLong: 3840, maxShort: 2160,
                                               named: standardSizes)

    static let dallE2 = ModelRules(
        model: "dall-e-2", supportsEdits: true, maxImages: 1, image: .dallE2Source, maxPromptLength: 1000,
        sizes: .listed(["256x256", "512x512", "1024x1024"]), backgrounds: nil, qualities: ["standard"],
        outputFormats: nil, responseFormats: ["url", "b64_json"], inputFidelities: nil, streaming: false)

    /// The rules for `model`. Unknown GPT image models get their family's rules without the size
    /// list; anything else only the rules every model shares.
    public static func forModel(_ model: String) -> ModelRules {
        switch model {
        case "gpt-image-1", "gpt-image-1.5", "chatgpt-image-latest": return gptImage(model)
        case "gpt-image-1-mini": return gptImage(model, inputFidelity: false)
        case "gpt-image-2", "gpt-image-2-2026-04-21": return gptImage(model, sizes: gptImage2Sizes, transparent: false)
        case "dall-e-2": return dallE2
        case "dall-e-3":
            var rules = dallE2
            rules.model = model
            rules.supportsEdits = false
            return rules
        default:
            if model.hasPrefix("gpt-image-2") { return gptImage(model, sizes: gptImage2Sizes, transparent: false) }
            if model.hasPrefix("gpt-image") || model.hasPrefix("chatgpt-image") { return gptImage(model, sizes: .unchecked) }
            var rules = gptImage(model, sizes: .unchecked)
            rules.backgrounds = nil
            rules.qualities = nil
            rules.outputFormats = nil
            rules.inputFidelities = nil
            rules.isKnown = false
            return rules
        }
    }

    /// False for a model outside this table: only the shared rules are checked for it.
    public var isKnown = true

    /// Why `size` is not allowed, or nil when it is.
    public func sizeProblem(_ size: String) -> String? {
        switch sizes {
        case .unchecked: return nil
        case .listed(let values):
            return values.contains(size) ? nil : "\(model) takes \(Self.list(values))"
        case .flexible(let multiple, let maxAspect, let maxLong, let maxShort, let named):
            if named.contains(size) { return nil }
            let sides = size.split(separator: "x", omittingEmptySubsequences: false)
            guard sides.count == 2, let w = Int(sides[0]), let h = Int(sides[1]), w > 0, h > 0 else {
                return "\(model) takes WIDTHxHEIGHT (for example 1536x864) or \(Self.list(named))"
            }
            // Sides first: after this check no product below can overflow.
            if max(w, h) > maxLong || min(w, h) > maxShort {
                return "\(model) allows at most \(maxLong)x\(maxShort) (or \(maxShort)x\(maxLong))"
            }
            if w % multiple != 0 || h % multiple != 0 {
                return "\(model) needs width and height divisible by \(multiple)"
            }
            if w > h * maxAspect || h > w * maxAspect {
                return "\(model) needs an aspect ratio between 1:\(maxAspect) and \(maxAspect):1"
            }
            return nil
        }
    }

    static func list(_ values: [String]) -> String {
        switch values.count {
        case 0: return "nothing"
        case 1: return values[0]
        default: return values.dropLast().joined(separator: ", ") + " or " + values.last!
        }
    }
}
