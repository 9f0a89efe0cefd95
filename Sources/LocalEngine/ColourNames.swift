import Raster

/// CSS colour names (the basic sixteen and the common extended ones) for "fill with …".
/// Names are written with spaces, as people type them; "skyblue" and the other spelling of
/// grey work too.
public enum ColourNames {
    static let table: [(name: String, colour: RGBA)] = [
        // The basic sixteen.
        ("black", RGBA(0, 0, 0)), ("silver", RGBA(192, 192, 192)), ("grey", RGBA(128, 128, 128)),
        ("white", RGBA(255, 255, 255)), ("maroon", RGBA(128, 0, 0)), ("red", RGBA(255, 0, 0)),
        ("purple", RGBA(128, 0, 128)), ("fuchsia", RGBA(255, 0, 255)), ("green", RGBA(0, 128, 0)),
        ("lime", RGBA(0, 255, 0)), ("olive", RGBA(128, 128, 0)), ("yellow", RGBA(255, 255, 0)),
        ("navy", RGBA(0, 0, 128)), ("blue", RGBA(0, 0, 255)), ("teal", RGBA(0, 128, 128)), ("aqua", RGBA(0, 255, 255)),
        // Common extended names.
        ("orange", RGBA(255, 165, 0)), ("dark orange", RGBA(255, 140, 0)), ("pink", RGBA(255, 192, 203)),
        ("light pink", RGBA(255, 182, 193)), ("hot pink", RGBA(255, 105, 180)), ("deep pink", RGBA(255, 20, 147)),
        ("brown", RGBA(165, 42, 42)), ("sky blue", RGBA(135, 206, 235)), ("deep sky blue", RGBA(0, 191, 255)),
        ("light blue", RGBA(173, 216, 230)), ("dark blue", RGBA(0, 0, 139)), ("navy blue", RGBA(0, 0, 128)),
        ("royal blue", RGBA(65, 105, 225)), ("steel blue", RGBA(70, 130, 180)), ("midnight blue", RGBA(25, 25, 112)),
        ("gold", RGBA(255, 215, 0)), ("beige", RGBA(245, 245, 220)), ("turquoise", RGBA(64, 224, 208)),
        ("violet", RGBA(238, 130, 238)), ("magenta", RGBA(255, 0, 255)), ("cyan", RGBA(0, 255, 255)),
        ("dark green", RGBA(0, 100, 0)), ("light green", RGBA(144, 238, 144)), ("forest green", RGBA(34, 139, 34)),
        ("sea green", RGBA(46, 139, 87)), ("olive drab", RGBA(107, 142, 35)), ("chartreuse", RGBA(127, 255, 0)),
        ("light grey", RGBA(211, 211, 211)), ("dark grey", RGBA(169, 169, 169)), ("slate grey", RGBA(112, 128, 144)),
        ("dim grey", RGBA(105, 105, 105)), ("dark red", RGBA(139, 0, 0)), ("crimson", RGBA(220, 20, 60)),
        ("tomato", RGBA(255, 99, 71)), ("coral", RGBA(255, 127, 80)), ("salmon", RGBA(250, 128, 114)),
        ("indigo", RGBA(75, 0, 130)), ("lavender", RGBA(230, 230, 250)), ("plum", RGBA(221, 160, 221)),
        ("orchid", RGBA(218, 112, 214)), ("tan", RGBA(210, 180, 140)), ("khaki", RGBA(240, 230, 140)),
        ("wheat", RGBA(245, 222, 179)), ("chocolate", RGBA(210, 105, 30)), ("sienna", RGBA(160, 82, 45)),
        ("ivory", RGBA(255, 255, 240)), ("snow", RGBA(255, 250, 250)), ("azure", RGBA(240, 255, 255)),
        ("light yellow", RGBA(255, 255, 224)),
    ]

    /// Every accepted spelling: as listed, run together ("skyblue"), and with "gray" for "grey".
    static let byName: [String: (name: String, colour: RGBA)] = {
        var names: [String: (name: String, colour: RGBA)] = [:]
        for entry in table {
            let words = entry.name.split(separator: " ").map(String.init)
            for spelling in [words, words.map { $0 == "grey" ? "gray" : $0 }] {
                names[spelling.joined(separator: " ")] = entry
                names[spelling.joined()] = entry
            }
        }
        return names
    }()

    /// The most words a colour name has.
    static let longestName = table.map { $0.name.split(separator: " ").count }.max() ?? 1

    /// The colour called `name` (lower case, words separated by single spaces), if any.
    public static func colour(named name: String) -> RGBA? { byName[name]?.colour }

    /// The longest colour name starting at `tokens[index]`: its spelling as listed, colour and
    /// length in tokens. A six-digit hex token ("#ff8800" once tokenised) counts when `hex`.
    static func longestMatch(in tokens: [String], at index: Int, hex: Bool) -> (name: String, colour: RGBA, length: Int)? {
        for length in stride(from: min(longestName, tokens.count - index), through: 1, by: -1) {
            if let entry = byName[tokens[index..<index + length].joined(separator: " ")] {
                return (entry.name, entry.colour, length)
            }
        }
        guard hex, let colour = hexColour(tokens[index]) else { return nil }
        return ("#" + tokens[index], colour, 1)
    }

    static func hexColour(_ token: String) -> RGBA? {
        guard token.count == 6, let value = UInt32(token, radix: 16) else { return nil }
        return RGBA(UInt8(value >> 16 & 255), UInt8(value >> 8 & 255), UInt8(value & 255))
    }
}
