import Foundation
import ImageEditAPI

extension ConfigFile {
    /// Reads `$XDG_CONFIG_HOME/retouch/config.toml` (default `~/.config/retouch/config.toml`);
    /// a missing or unreadable file is an empty configuration.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigFile {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let text = (try? String(contentsOfFile: base + "/retouch/config.toml", encoding: .utf8)) ?? ""
        return ConfigFile(text: text)
    }
}
