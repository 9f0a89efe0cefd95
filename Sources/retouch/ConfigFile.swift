import ArgumentParser
import FileAccess
import Foundation
import ImageEditAPI

extension ConfigFile {
    /// Reads `$XDG_CONFIG_HOME/retouch/config.toml` (default `~/.config/retouch/config.toml`);
    /// a missing or unreadable file is an empty configuration.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigFileError) -> ConfigFile {
        let path = Folders.configFolder(environment: environment) + "/config.toml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ConfigFile() }
        return try ConfigFile(text: text, path: path)
    }

    /// The configuration, or, for a line it cannot read, that problem on one line and exit
    /// status 2 (a usage error: the file is the user's to fix).
    static func loadOrExit() throws -> ConfigFile {
        do {
            return try load()
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

extension ClientConfiguration {
    /// The client's settings, or, for a base URL no request could go to, that problem on one
    /// line (naming where it was set) and exit status 2.
    static func resolveOrExit(baseURLFlag: String?, environment: [String: String], configBaseURL: String?) throws -> ClientConfiguration {
        do {
            return try resolve(baseURLFlag: baseURLFlag, environment: environment, configBaseURL: configBaseURL)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
