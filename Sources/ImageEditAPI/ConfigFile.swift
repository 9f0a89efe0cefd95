/// The text of `$XDG_CONFIG_HOME/retouch/config.toml` (default `~/.config/retouch/config.toml`):
/// top-level `key = value` lines of TOML, blank lines and `#` comments. A value is a basic string
/// `"…"` with TOML's escapes, a literal string `'…'` taken as written, or a bare word or number
/// (`60`, `true`, `gpt-image-1`) taken as its text; a comment may follow it. Multi-line
/// strings, arrays and inline tables are errors. Keys inside `[tables]` are skipped, and a
/// repeated key keeps its last value. Only `base_url` is read for now. Pure: the command line
/// reads the file.
public struct ConfigFile: Equatable, Sendable {
    public var values: [String: String]

    public init(values: [String: String] = [:]) {
        self.values = values
    }

    /// Reads `text`; a line it cannot read is an error naming `path` and the line.
    public init(text: String, path: String = "config.toml") throws(ConfigFileError) {
        var values: [String: String] = [:]
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.first == "\u{FEFF}" { lines[0] = lines[0].dropFirst() }
        for (index, line) in lines.enumerated() {
            let entry: ConfigLine
            do throws(ConfigFileError.Problem) {
                entry = try ConfigLine(Array(line.last == "\r" ? line.dropLast() : line))
            } catch {
                throw ConfigFileError(path: path, line: index + 1, problem: error)
            }
            // Everything from the first table on belongs to some table.
            if case .table = entry { break }
            if case .pair(let key, let value) = entry { values[key] = value }
        }
        self.values = values
    }

    public var baseURL: String? { values["base_url"] }
}

/// A line of the config file that cannot be read: where, and what is wrong with it.
public struct ConfigFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missingEquals
        case missingKey
        case invalidKey(String)
        /// The closing quote (`"` or `'`) is missing.
        case unterminatedString(quote: Character)
        case multilineString
        /// An array or an inline table.
        case notAString
        case badEscape(String)
        case badUnicodeEscape(String)
        case controlCharacter(UInt32)
        case quoteInBareValue
        case textAfterValue(String)

        public var description: String {
            switch self {
            case .missingEquals: "expected `key = value`, found no '='"
            case .missingKey: "there is no key before '='"
            case .invalidKey(let key):
                "\(Self.shown(key)) is not a key: a key is letters, digits, '_', '-' and '.', or a quoted string"
            case .unterminatedString(let quote): "the string has no closing \(quote) on this line"
            case .multilineString: "multi-line strings (\"\"\" or ''') are not supported"
            case .notAString: "arrays and inline tables are not supported; a value is one string, word or number"
            case .badEscape(let escape):
                "\(Self.shown(escape)) is not an escape; use \\\" \\\\ \\n \\t \\r \\b \\f \\uXXXX or \\UXXXXXXXX, or a '…' string"
            case .badUnicodeEscape(let escape):
                "\(Self.shown(escape)) is not a Unicode character (\\u takes 4 hex digits, \\U 8)"
            case .controlCharacter(let value):
                "control character U+\(Self.hex(value)) in a value; write it as an escape in a \"…\" string"
            case .quoteInBareValue: "a quote inside an unquoted value; quote the whole value"
            case .textAfterValue(let text): "unexpected \(Self.shown(text)) after the value; a comment starts with #"
            }
        }

        /// Text from the file, quoted, shortened and with control characters spelled out, so
        /// that a message stays one line.
        static func shown(_ text: String) -> String {
            let short = text.unicodeScalars.count > 40 ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "…" : text
            let visible = short.unicodeScalars.map { scalar in
                scalar.properties.generalCategory == .control || Character(scalar).isNewline
                    ? "\\u{\(hex(scalar.value))}" : String(scalar)
            }
            return "'" + visible.joined() + "'"
        }

        static func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }

    public var path: String
    /// 1 for the first line.
    public var line: Int
    public var problem: Problem

    public init(path: String, line: Int, problem: Problem) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(path):\(line): \(problem)" }
}
