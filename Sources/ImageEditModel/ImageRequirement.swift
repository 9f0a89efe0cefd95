import Raster

/// What the API needs to know about an input file, read from its bytes without decoding pixels
/// where possible.
public struct ImageFacts: Equatable, Sendable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var channels: ChannelLayout
    public var hasAlpha: Bool
    public var byteCount: Int

    public init(format: ImageFormat, width: Int, height: Int, channels: ChannelLayout, hasAlpha: Bool, byteCount: Int) {
        self.format = format
        self.width = width
        self.height = height
        self.channels = channels
        self.hasAlpha = hasAlpha
        self.byteCount = byteCount
    }
}

/// The rules one kind of input file must follow, as the API reference states them.
public struct ImageRequirement: Sendable {
    public var formats: [ImageFormat]
    /// Strictly less than this many bytes.
    public var maxBytes: Int
    public var mustBeSquare: Bool
    /// When set, the file's channel layout must be one of these.
    public var channels: Set<ChannelLayout>?
    public var channelsExplanation: String

    public static let megabyte = 1024 * 1024

    /// GPT image models: png, webp or jpg under 50 MB.
    public static let gptImageSource = ImageRequirement(
        formats: [.png, .webp, .jpeg], maxBytes: 50 * megabyte, mustBeSquare: false, channels: nil, channelsExplanation: "")
    /// dall-e-2: one square PNG under 4 MB, greyscale or with alpha (RGB is refused by the server).
    public static let dallE2Source = ImageRequirement(
        formats: [.png], maxBytes: 4 * megabyte, mustBeSquare: true,
        channels: [.grey, .greyAlpha, .rgba],
        channelsExplanation: "dall-e-2 wants RGBA, greyscale+alpha or greyscale pixels")
    /// A mask: a PNG under 4 MB with an alpha channel; transparent pixels mark the area to edit.
    public static let mask = ImageRequirement(
        formats: [.png], maxBytes: 4 * megabyte, mustBeSquare: false,
        channels: [.rgba, .greyAlpha],
        channelsExplanation: "a mask needs an alpha channel (RGBA or greyscale+alpha); its transparent pixels mark the area to edit")

    /// Every rule the file breaks, each as a sentence; empty when the file is acceptable.
    public func violations(of facts: ImageFacts) -> [String] {
        problems(of: facts).map(\.text)
    }

    /// Every rule the file breaks, each with its kind and as a sentence.
    public func problems(of facts: ImageFacts) -> [(kind: Violation.Kind, text: String)] {
        var problems: [(kind: Violation.Kind, text: String)] = []
        if !formats.contains(facts.format) {
            let allowed = formats.map(\.displayName)
            let list = allowed.count == 1 ? allowed[0] : allowed.dropLast().joined(separator: ", ") + " or " + allowed.last!
            problems.append((.formatNotAccepted, "it is \(facts.format.displayName); only \(list) is accepted"))
        }
        if facts.byteCount >= maxBytes {
            problems.append((.fileTooLarge, "it is \(ByteCount.format(facts.byteCount)); it must be under \(ByteCount.format(maxBytes))"))
        }
        if mustBeSquare && facts.width != facts.height {
            problems.append((.notSquare, "it is \(facts.width)x\(facts.height); it must be square"))
        }
        // Channel rules only mean something once the format is right.
        if let channels, formats.contains(facts.format), !channels.contains(facts.channels) {
            problems.append((.channelsNotAccepted, "it has \(facts.channels.readableName) pixels; \(channelsExplanation)"))
        }
        return problems
    }
}

extension ChannelLayout {
    public var readableName: String {
        switch self {
        case .grey: "greyscale"
        case .greyAlpha: "greyscale+alpha"
        case .rgb: "RGB (no alpha)"
        case .rgba: "RGBA"
        case .palette: "palette"
        case .paletteAlpha: "palette+transparency"
        case .cmyk: "CMYK"
        }
    }
}
