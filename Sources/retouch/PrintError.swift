import FileAccess
import Synchronization
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

/// Standard output, written at once, with the first failure kept: a command that could not
/// write what it printed (a full disk, a closed descriptor) ends with a message and exit 1.
enum StandardOutput {
    /// errno of the first write that failed; 0 while none has.
    private static let firstFailure = Atomic<Int32>(0)

    /// All of `bytes`; false when they could not be written.
    @discardableResult
    static func write(_ bytes: [UInt8]) -> Bool {
        guard let error = FileWriter.writeAll(bytes, to: STDOUT_FILENO) else { return true }
        _ = firstFailure.compareExchange(expected: 0, desired: error, ordering: .relaxed)
        return false
    }

    /// What `print` left buffered; false when it could not be written.
    static func flush() -> Bool {
        guard fflush(nil) != 0 else { return true }
        _ = firstFailure.compareExchange(expected: 0, desired: errno, ordering: .relaxed)
        return false
    }

    /// Whether a write failed; said on stderr unless the reader went away (`| head`), which
    /// needs no message.
    static func reportFailure() -> Bool {
        let error = firstFailure.load(ordering: .relaxed)
        guard error != 0 else { return false }
        if error != EPIPE { printError("cannot write to standard output: \(String(cString: strerror(error)).lowercased())") }
        return true
    }
}

/// A line on stdout, written at once (logs are often piped, where print would buffer).
func printLine(_ text: String) {
    StandardOutput.write(Array((text + "\n").utf8))
}
