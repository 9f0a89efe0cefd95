/// The text of `$XDG_CONFIG_HOME/retouch/config.toml` (default `~/.config/retouch/config.toml`):
/// `key = value` lines of TOML, blank lines and `#` comments. A value is a basic string
/// `"…"` with TOML's escapes, a literal string `'…'` taken as written, or a bare word or number
/// (`60`, `true`, `gpt-image-1`) taken as its text; a comment may follow it. Multi-line
/// strings, arrays and inline tables are errors. Pairs before the first `[table]` are the top
/// level (`base_url`); those after a header `[a."b.c"]` belong to that table (`[prices.MODEL]`);
/// those of an array of tables `[[name]]` are skipped. A repeated key keeps its last value, and
/// a repeated table adds to the first. Pure: the command line reads the file.
public struct ConfigFile: Equatable, Sendable {
    /// The top level's pairs.
    public var values: [String: String]
    /// Tables by their name's parts: `[prices."gpt-image-1"]` is `["prices", "gpt-image-1"]`.
    public var tables: [[String]: ConfigTable]
    /// The file's path, as errors name it.
    public var path: String

    public init(values: [String: String] = [:], tables: [[String]: ConfigTable] = [:], path: String = "config.toml") {
        self.values = values
        self.tables = tables
        self.path = path
    }

    /// Reads `text`; a line it cannot read is an error naming `path` and the line.
    public init(text: String, path: String = "config.toml") throws(ConfigFileError) {
        self.init(path: path)
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.first == "\u{FEFF}" { lines[0] = lines[0].dropFirst() }
        // Where the pairs being read go: nil before the first table, [] in an array of tables.
        var tableName: [String]?
        for (index, line) in lines.enumerated() {
            let entry: ConfigLine
            do throws(ConfigFileError.Problem) {
                entry = try ConfigLine(Array(line.last == "\r" ? line.dropLast() : line))
            } catch {
                throw ConfigFileError(path: path, line: index + 1, problem: error)
            }
            switch entry {
            case .blank: break
            case .table(let name):
                tableName = name
                if tables[name] == nil { tables[name] = ConfigTable(line: index + 1) }
            case .arrayOfTables: tableName = []
            case .pair(let key, let value):
                guard let tableName else {
                    values[key] = value
                    continue
                }
                tables[tableName]?.set(key, to: value, line: index + 1)
            }
        }
    }

    public var baseURL: String? { values["base_url"] }
}

/// The pairs of one `[table]` of the config file, with the lines they are on.
public struct ConfigTable: Equatable, Sendable {
    /// The line of the table's header.
    public var line: Int
    public var values: [String: String]
    public var lines: [String: Int]

    public init(line: Int, values: [String: String] = [:], lines: [String: Int] = [:]) {
        self.line = line
        self.values = values
        self.lines = lines
    }

    mutating func set(_ key: String, to value: String, line: Int) {
        values[key] = value
        lines[key] = line
    }
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
        case invalidTableName(String)
        /// A price that is not an amount of dollars.
        case badPrice(key: String, value: String)
        case missingPrice(table: String, key: String)
        case unknownPriceKey(String)

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
            case .invalidTableName(let header):
                "\(Self.shown(header)) is not a table header: write [name] or [prices.\"model\"]"
            case .badPrice(let key, let value):
                "\(key) = \(Self.shown(value)) is not a price: give US dollars per million tokens, e.g. 5.00 (at most six decimals)"
            case .missingPrice(let table, let key): "[\(table)] has no \(key); a model's price needs text_input, image_input and image_output"
            case .unknownPriceKey(let key):
                "\(Self.shown(key)) is not a price; give text_input, image_input, image_output and optionally text_output"
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
