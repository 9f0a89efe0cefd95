/// Text that came from outside (file names, prompts, server messages, URLs, the store) on its
/// way to a terminal. The one place that decides which characters may reach a terminal as they
/// are: C0 controls, DEL, C1 controls (U+0080–U+009F: a lone U+009B is CSI on many terminals)
/// and the bidirectional controls (U+061C, U+200E/F, U+202A–E, U+2066–9, which can make text
/// read differently from what it is) never do.
public enum TerminalText {
    /// Whether `scalar` must never reach a terminal as it is.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Whether a character can be drawn as it is (none of its scalars is a control).
    public static func isPrintable(_ character: Character) -> Bool {
        !character.unicodeScalars.contains(where: isControl)
    }

    /// `text` with every control shown escaped, so it can never move the cursor, change modes
    /// or reorder what follows: `\t`, `\n`, `\r`, `\xNN` up to U+00FF, `\u{NNNN}` above.
    public static func safe(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x00...0xFF: out += "\\x" + hex(scalar.value, digits: 2)
            default: out += "\\u{" + hex(scalar.value, digits: 4) + "}"
            }
        }
        return out
    }

    /// JSON text (as an encoder wrote it) with every control that the encoder leaves raw
    /// (DEL, C1, the bidirectional controls) written as a `\uNNNN` escape. These characters can
    /// only stand inside strings, where the escape means the same character, so the JSON
    /// decodes to the same values.
    public static func json(_ encoded: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(encoded.unicodeScalars.count)
        for scalar in encoded.unicodeScalars {
            if isControl(scalar) && scalar.value >= 0x20 {
                out += "\\u" + hex(scalar.value, digits: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
