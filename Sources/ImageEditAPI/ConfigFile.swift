import Foundation

/// The text of `$XDG_CONFIG_HOME/retouch/config.toml` (default `~/.config/retouch/config.toml`):
/// top-level `key = "value"` lines; `#` starts a comment; keys inside `[tables]` are skipped.
/// Only `base_url` is read for now. Pure: the command line reads the file.
public struct ConfigFile: Equatable, Sendable {
    public var values: [String: String]

    public init(text: String) {
        var values: [String: String] = [:]
        var inTable = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") { inTable = true; continue }
            guard !inTable, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), let close = value.dropFirst().firstIndex(of: "\"") {
                value = String(value[value.index(after: value.startIndex)..<close])
            } else if let hash = value.firstIndex(of: "#") {
                value = value[..<hash].trimmingCharacters(in: .whitespaces)
            }
            values[key] = value
        }
        self.values = values
    }

    public var baseURL: String? { values["base_url"] }
}
