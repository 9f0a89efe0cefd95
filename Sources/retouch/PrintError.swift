import TerminalText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line on stderr, prefixed with the program's name, made safe for the terminal.
func printError(_ message: String) {
    let line = Array(("retouch: " + TerminalText.safe(message) + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
