#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A folder that could not be made, with the path and the reason.
public struct FolderError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

public enum Folders {
    /// Makes `path` and each missing folder above it with `mode` (the umask applies, as to
    /// any mkdir): 0o700 for Retouch's own data, 0o777 for a folder the user named. Folders
    /// that exist are left as they are.
    public static func create(_ path: String, mode: mode_t = 0o777) throws(FolderError) {
        guard !path.isEmpty else { throw FolderError(path: path, reason: "the path is empty") }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw FolderError(path: prefix, reason: "it is not a folder") }
                continue
            }
            if mkdir(prefix, mode) != 0 {
                let failure = errno
                // Another process may have made it meanwhile.
                if failure == EEXIST, stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
                throw FolderError(path: prefix, reason: "cannot create the folder (" + String(cString: strerror(failure)).lowercased() + ")")
            }
        }
    }
}

/// Where Retouch keeps its files, from the environment as the XDG base directories say: a
/// variable that is unset or empty is as if not there.
extension Folders {
    /// The home folder `~` stands for: `$HOME` as a shell takes it, the account's own home
    /// only when it is unset or empty (`NSHomeDirectory` reads the account database, and
    /// would send a `HOME=…` run's data to the real home).
    public static func home(environment: [String: String]) -> String {
        set("HOME", in: environment) ?? NSHomeDirectory()
    }

    /// Retouch's own data folder: `$XDG_DATA_HOME/retouch`, by default `~/.local/share/retouch`.
    public static func dataFolder(environment: [String: String]) -> String {
        (set("XDG_DATA_HOME", in: environment) ?? home(environment: environment) + "/.local/share") + "/retouch"
    }

    /// Retouch's configuration folder: `$XDG_CONFIG_HOME/retouch`, by default `~/.config/retouch`.
    public static func configFolder(environment: [String: String]) -> String {
        (set("XDG_CONFIG_HOME", in: environment) ?? home(environment: environment) + "/.config") + "/retouch"
    }

    private static func set(_ name: String, in environment: [String: String]) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
