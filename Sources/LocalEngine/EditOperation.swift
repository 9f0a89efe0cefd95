import Raster

/// One thing the local engine can do to the edit area, read from a prompt's words.
public enum EditOperation: Equatable, Hashable, Sendable {
    /// Fill the area from its surroundings (needs a mask: without one nothing surrounds it).
    case remove
    case grey
    case sepia
    case warmer
    case cooler
    case brighter
    case darker
    case contrast(more: Bool)
    case saturation(more: Bool)
    case blur
    case sharpen
    case pixelate
    case invert
    case night
    case fill(RGBA)

    /// The operation's name in the vocabulary table, as answers report it. A fill is named
    /// with its colour by the reading that found it.
    public var label: String {
        switch self {
        case .remove: "remove"
        case .grey: "black and white"
        case .sepia: "sepia"
        case .warmer: "warmer"
        case .cooler: "cooler"
        case .brighter: "brighter"
        case .darker: "darker"
        case .contrast(let more): more ? "more contrast" : "less contrast"
        case .saturation(let more): more ? "saturate" : "desaturate"
        case .blur: "blur"
        case .sharpen: "sharpen"
        case .pixelate: "pixelate"
        case .invert: "invert"
        case .night: "night"
        case .fill(let colour): "fill #" + [colour.r, colour.g, colour.b].map(Self.hex).joined()
        }
    }

    /// What "less" of this operation means, when it means anything ("less warm" is cooler).
    var opposite: EditOperation? {
        switch self {
        case .warmer: .cooler
        case .cooler: .warmer
        case .brighter: .darker
        case .darker: .brighter
        case .contrast(let more): .contrast(more: !more)
        case .saturation(let more): .saturation(more: !more)
        case .blur: .sharpen
        case .sharpen: .blur
        case .remove, .grey, .sepia, .pixelate, .invert, .night, .fill: nil
        }
    }

    private static func hex(_ value: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(value >> 4)], digits[Int(value & 15)]])
    }
}
