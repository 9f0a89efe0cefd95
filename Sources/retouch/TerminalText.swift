#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text that came from outside (file names, server messages) on its way to a terminal:
/// control characters are shown escaped so they can never move the cursor or change modes.
enum TerminalText {
    static func safe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// One line on stderr, prefixed with the program's name, made safe for the terminal.
func printError(_ message: String) {
    let line = Array(("retouch: " + TerminalText.safe(message) + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
