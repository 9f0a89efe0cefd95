import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outside programs these tests drive, found on PATH (or in /usr/bin).
enum Programs {
    static func path(_ name: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What a terminal's cases need and this machine lacks.
    static func missing(for terminal: TerminalKind) -> [String] {
        (["Xvfb", "xdotool", "xwd", terminal.program]).filter { path($0) == nil }
    }

    /// Why a terminal's cases are skipped, or nil when they can run. Printed too, so that a
    /// skipped case is seen in the log whatever the test runner shows of its comments.
    static func skipReason(for terminal: TerminalKind) -> String? {
        let missing = missing(for: terminal)
        guard !missing.isEmpty else { return nil }
        let reason = "\(terminal.rawValue) cases skipped: \(missing.joined(separator: ", ")) not installed (`make terminals` installs them)"
        print("TerminalScreenshotTests: \(reason)")
        return reason
    }

    /// Runs a program to its end, `seconds` at most; its standard output, or nil when it failed
    /// or was stopped.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], environment: [String: String], seconds: Double = 10) -> Data? {
        guard let executable = path(name) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        // Its output is read on a thread of its own, so a program that hangs is stopped.
        let reader = output.fileHandleForReading
        let collected = Collected()
        let done = DispatchSemaphore(value: 0)
        Thread {
            collected.data = reader.readDataToEndOfFile()
            done.signal()
        }.start()
        if done.wait(timeout: .now() + seconds) == .timedOut {
            stop(process)
            done.wait()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? collected.data : nil
    }

    /// Starts a program that runs on; its output goes to `log`.
    static func start(_ name: String, _ arguments: [String], environment: [String: String], log: URL) throws -> Process {
        guard let executable = path(name) else { throw HarnessError("\(name) is not installed") }
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Ends a started program: SIGTERM, then SIGKILL if it lingers.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// What a reading thread collected, handed over once it signals.
private final class Collected: @unchecked Sendable {
    var data = Data()
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Xvfb on a display number it chooses itself (`-displayfd`), so that cases, and other
/// programs using X, never collide.
final class VirtualDisplay {
    let name: String
    let width: Int, height: Int
    private let process: Process

    init(width: Int, height: Int, logFolder: URL) throws {
        self.width = width
        self.height = height
        guard let xvfb = Programs.path("Xvfb") else { throw HarnessError("Xvfb is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xvfb)
        process.arguments = ["-displayfd", "1", "-screen", "0", "\(width)x\(height)x24", "-nolisten", "tcp", "-noreset"]
        let number = Pipe()
        process.standardOutput = number
        let log = logFolder.appendingPathComponent("Xvfb.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Xvfb writes the display's number once it accepts clients.
        var text = ""
        let reader = number.fileHandleForReading
        while !text.contains("\n") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Programs.stop(process)
            throw HarnessError("Xvfb did not start (see \(log.path))")
        }
        name = ":\(value)"
    }

    func stop() { Programs.stop(process) }

    deinit { stop() }

    /// The environment of programs shown on this display: the test's, without what would change
    /// how retouch draws (tmux, screen, another terminal's marks) or where it sends edits.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("OPENAI_") && !key.lowercased().hasSuffix("_proxy")
                && !["TMUX", "TMUX_PANE", "STY", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "KITTY_WINDOW_ID", "KITTY_PID",
                     "COLORTERM", "WINDOWID", "NO_COLOR", "WAYLAND_DISPLAY"].contains(key)
        }
        environment["DISPLAY"] = name
        environment["XDG_CONFIG_HOME"] = "/nonexistent-retouch-config"
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs an X client (xdotool, xwd) on this display.
    @discardableResult
    func run(_ name: String, _ arguments: [String]) -> Data? {
        Programs.run(name, arguments, environment: environment())
    }

    /// The whole screen, as xwd gives it.
    func screenshot() throws -> Screenshot {
        guard let data = run("xwd", ["-root", "-silent"]) else { throw HarnessError("xwd failed on \(name)") }
        return try Screenshot(xwd: data)
    }
}
