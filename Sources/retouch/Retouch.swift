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
            Exit status: 0 success, 1 unreadable files (show, info) or output that could not be \
            written, 2 usage or pre-flight error, 3 API error, \
            4 network error or timeout, 5 unexpected answer from the server, 130 interrupted.
            """,
        version: RetouchVersion.string,
        subcommands: [EditorCommand.self, Edit.self, Serve.self, Show.self, Info.self, History.self, Export.self],
        defaultSubcommand: EditorCommand.self
    )

    /// Usage errors exit with 2 (not ArgumentParser's 64), as the exit-status table says.
    static func main() async {
        // A descriptor of 0, 1 or 2 left closed by the caller would be taken by the next file
        // opened (an epoll instance, a picture, the session store), and what is printed would
        // go there. Each is held by /dev/null, read-only: a write to a closed standard output
        // still fails ("bad file descriptor"), a read of a closed standard input ends at once.
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 {
            _ = open("/dev/null", O_RDONLY)
        }
        do {
            if let show = ShowRequest.plain(CommandLine.arguments.dropFirst()) {
                try show.run()
            } else {
                var command = try parseAsRoot()
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
            // Output that could not be written (a full disk) fails the command, whether written
            // at once or left buffered by `print`.
            _ = StandardOutput.flush()
            if StandardOutput.reportFailure() { Glibc.exit(1) }
        } catch {
            // A command stopped by a failed write (`show`) says why here, as one that finished.
            _ = StandardOutput.reportFailure()
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
