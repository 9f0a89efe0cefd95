#if canImport(Glibc)
import Glibc
#endif
import TerminalGraphics

/// Asks the controlling terminal what it can draw. Never hangs: answers are read with a
/// deadline, and a terminal that says nothing just yields no answers.
public enum TerminalProbe {
    public static func ask(insideTmux: Bool, timeoutMilliseconds: Int = 400) -> TerminalReplies? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(fd, TCSANOW, &saved) }

        let queries = TerminalReplies.queries(insideTmux: insideTmux)
        _ = queries.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        let deadline = Monotonic.seconds() + Double(timeoutMilliseconds) / 1000
        while Monotonic.seconds() < deadline {
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, Int32(max(1, ((deadline - Monotonic.seconds()) * 1000).rounded(.up))))
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += buffer[0..<count]
            if TerminalReplies.parse(received).isComplete { break }
        }
        return TerminalReplies.parse(received)
    }

    /// One cell in pixels: from the terminal's answer, else from the window's pixel size, else
    /// the common 10x20.
    public static func cellSize(replies: TerminalReplies?) -> (width: Int, height: Int) {
        if let size = replies?.cellSize { return size }
        if let window = windowSize(), window.pixelWidth > 0, window.pixelHeight > 0 {
            return (window.pixelWidth / window.columns, window.pixelHeight / window.rows)
        }
        return (10, 20)
    }

    /// The terminal's size in cells and, when it says, in pixels.
    public static func windowSize(_ fd: Int32 = STDOUT_FILENO) -> (columns: Int, rows: Int, pixelWidth: Int, pixelHeight: Int)? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row), Int(size.ws_xpixel), Int(size.ws_ypixel))
    }
}
