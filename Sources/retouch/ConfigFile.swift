import Foundation

/// `$XDG_CONFIG_HOME/retouch/config.toml` (default `~/.config/retouch/config.toml`): top-level
/// `key = "value"` lines; `#` starts a comment. Only `base_url` is read for now.
struct ConfigFile {
    var values: [String: String]

    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigFile {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let text = (try? String(contentsOfFile: base + "/retouch/config.toml", encoding: .utf8)) ?? ""
        return ConfigFile(text: text)
    }

    init(text: String) {
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

    var baseURL: String? { values["base_url"] }
}
