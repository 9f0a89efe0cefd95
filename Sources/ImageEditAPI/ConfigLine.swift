/// One line of the config file, read as TOML reads it.
enum ConfigLine: Equatable {
    /// Empty, spaces, or only a comment.
    case blank
    /// `[name]`, `[a."b.c"]`: the pairs that follow belong to the table of these name parts.
    case table([String])
    /// `[[name]]`: an array of tables, whose pairs are skipped.
    case arrayOfTables
    case pair(key: String, value: String)

    typealias Problem = ConfigFileError.Problem

    /// `scalars` is the line without its line end.
    init(_ scalars: [Unicode.Scalar]) throws(Problem) {
        var reader = ConfigLineReader(scalars: scalars)
        reader.skipSpaces()
        if reader.atEndOrComment {
            self = .blank
        } else if reader.startsWith("[[") {
            self = .arrayOfTables
        } else if reader.next == "[" {
            self = .table(try reader.tableName())
        } else {
            let key = try reader.key()
            reader.skipSpaces()
            let value = try reader.value()
            reader.skipSpaces()
            guard reader.atEndOrComment else { throw .textAfterValue(reader.rest) }
            self = .pair(key: key, value: value)
        }
    }
}

/// A cursor over one line's characters (Unicode scalars, as TOML counts them).
struct ConfigLineReader {
    typealias Problem = ConfigFileError.Problem

    let scalars: [Unicode.Scalar]
    var position = 0

    var next: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    var atEndOrComment: Bool { next == nil || next == "#" }
    var rest: String { text(position..<scalars.count) }

    mutating func skipSpaces() {
        while next == " " || next == "\t" { position += 1 }
    }

    /// A bare key (`base_url`) or a quoted one (`"base_url"`), and the `=` after it.
    mutating func key() throws(Problem) -> String {
        let start = position
        let key: String
        switch next {
        case "\"": key = try basicString()
        case "'": key = try literalString()
        default:
            while let c = next, Self.isBareKeyCharacter(c) { position += 1 }
            key = text(start..<position)
        }
        skipSpaces()
        guard next == "=" else {
            guard let equals = scalars[position...].firstIndex(of: "=") else { throw .missingEquals }
            var end = equals
            while end > start, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
            throw .invalidKey(text(start..<end))
        }
        if position == start { throw .missingKey }
        position += 1
        return key
    }

    /// The parts of `[a.b."c.d"]`, from its `[` to the end of the line.
    mutating func tableName() throws(Problem) -> [String] {
        let start = position
        position += 1
        var parts: [String] = []
        while true {
            skipSpaces()
            switch next {
            case "\"": parts.append(try basicString())
            case "'": parts.append(try literalString())
            default:
                let partStart = position
                while let c = next, c != ".", Self.isBareKeyCharacter(c) { position += 1 }
                if position == partStart { throw .invalidTableName(text(start..<scalars.count)) }
                parts.append(text(partStart..<position))
            }
            skipSpaces()
            guard next == "." else { break }
            position += 1
        }
        guard next == "]" else { throw .invalidTableName(text(start..<scalars.count)) }
        position += 1
        skipSpaces()
        guard atEndOrComment else { throw .textAfterValue(rest) }
        return parts
    }

    /// A basic string, a literal string, or a bare word or number; nothing at all is "".
    mutating func value() throws(Problem) -> String {
        switch next {
        case "\"":
            if startsWith("\"\"\"") { throw .multilineString }
            return try basicString()
        case "'":
            if startsWith("'''") { throw .multilineString }
            return try literalString()
        case "[", "{":
            throw .notAString
        default:
            return try bareValue()
        }
    }

    /// `"…"` with backslash escapes, from its opening quote.
    mutating func basicString() throws(Problem) -> String {
        position += 1
        var decoded = String.UnicodeScalarView()
        while let c = next {
            position += 1
            switch c {
            case "\"": return String(decoded)
            case "\\": decoded.append(try escape())
            default:
                try Self.refuseControl(c)
                decoded.append(c)
            }
        }
        throw .unterminatedString(quote: "\"")
    }

    /// `'…'`, taken as written, from its opening quote.
    mutating func literalString() throws(Problem) -> String {
        position += 1
        let start = position
        while let c = next {
            position += 1
            if c == "'" { return text(start..<position - 1) }
            try Self.refuseControl(c)
        }
        throw .unterminatedString(quote: "'")
    }

    /// The character an escape stands for, from the character after the backslash.
    mutating func escape() throws(Problem) -> Unicode.Scalar {
        guard let c = next else { throw .badEscape("\\") }
        position += 1
        switch c {
        case "\"": return "\""
        case "\\": return "\\"
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "u": return try unicodeEscape(digits: 4, written: "\\u")
        case "U": return try unicodeEscape(digits: 8, written: "\\U")
        default: throw .badEscape("\\" + String(c))
        }
    }

    /// `\uXXXX` or `\UXXXXXXXX`: exactly that many hex digits naming a Unicode scalar value.
    mutating func unicodeEscape(digits: Int, written: String) throws(Problem) -> Unicode.Scalar {
        let hex = scalars[position...].prefix(digits).prefix { $0.properties.isASCIIHexDigit }
        guard hex.count == digits, let value = UInt32(text(hex.indices), radix: 16), let scalar = Unicode.Scalar(value) else {
            throw .badUnicodeEscape(written + text(hex.indices))
        }
        position += digits
        return scalar
    }

    /// A bare word or number up to a comment, spaces around it dropped.
    mutating func bareValue() throws(Problem) -> String {
        let start = position
        while let c = next, c != "#" {
            if c == "\"" || c == "'" { throw .quoteInBareValue }
            try Self.refuseControl(c)
            position += 1
        }
        var end = position
        while end > start, scalars[end - 1] == " " || scalars[end - 1] == "\t" { end -= 1 }
        return text(start..<end)
    }

    func startsWith(_ prefix: String) -> Bool {
        scalars[position...].starts(with: prefix.unicodeScalars)
    }

    func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    static func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-", ".": true
        default: false
        }
    }

    /// TOML allows no control character but tab in a value; it must be written as an escape.
    static func refuseControl(_ c: Unicode.Scalar) throws(Problem) {
        if (c.value < 0x20 && c != "\t") || c.value == 0x7F { throw .controlCharacter(c.value) }
    }
}
