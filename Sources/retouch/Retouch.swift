import ArgumentParser
import ImageEditAPI

#if canImport(Glibc)
import Glibc
#endif

@main
struct Retouch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retouch",
        abstract: "Edit images with OpenAI's image-edit endpoint from the terminal.",
        discussion: """
            Exit status: 0 success, 1 unreadable files (info), 2 usage or pre-flight error, 3 API error, \
            4 network error or timeout, 5 unexpected answer from the server, 130 interrupted.
            """,
        version: RetouchVersion.string,
        subcommands: [EditorCommand.self, Edit.self, Serve.self, Show.self, Info.self, History.self, Export.self],
        defaultSubcommand: EditorCommand.self
    )

    /// Usage errors exit with 2 (not ArgumentParser's 64), as the exit-status table says.
    static func main() async {
        do {
            if let show = ShowRequest.plain(CommandLine.arguments.dropFirst()) { return try show.run() }
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            // What `print` left buffered: a write that fails at the end (a full disk) fails the
            // command too, as `retouch show`'s own writes do.
            if fflush(nil) != 0 {
                printError("cannot write to standard output: \(String(cString: strerror(errno)).lowercased())")
                Glibc.exit(1)
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                var lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let first = lines.removeFirst()
                printError(first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first)
                let rest = lines.joined(separator: "\n") + "\n"
                _ = rest.utf8CString.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
