import Foundation
import TestSupport

/// Runs the built `retouch` executable, which SwiftPM places beside the test bundle.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the test binary is the .xctest file itself; elsewhere it sits inside a bundle.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("retouch").path),
              folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("retouch")
    }

    /// The environment without the user's OpenAI settings or config file.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OPENAI_") && !$0.key.lowercased().hasSuffix("_proxy") }
        environment["XDG_CONFIG_HOME"] = "/nonexistent-retouch-config"
        return environment
    }

    static func run(_ arguments: [String], environment: [String: String] = cleanEnvironment, stdin: String? = nil) throws -> CLIResult {
        try run(executable: executable, arguments, environment: environment, stdin: stdin)
    }

    /// Runs any executable to its end. stdin is written, and stdout and stderr are read, each on
    /// its own thread: a child that fills one pipe while the other is being read never blocks.
    static func run(executable: URL, _ arguments: [String], environment: [String: String] = cleanEnvironment,
                    stdin: String? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        if let stdin {
            let writer = input.fileHandleForWriting
            group.enter()
            Thread {
                // A child that exits without reading all of it must not raise SIGPIPE, which
                // would end the test process: blocked on this thread, the write fails with
                // EPIPE, and the pending signal is taken before the thread ends.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                try? writer.write(contentsOf: Data(stdin.utf8))
                try? writer.close()
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
                group.leave()
            }.start()
        }
        let stderr = Collected(), errReader = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { stderr.data = errReader.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus,
                         stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr.data, as: UTF8.self))
    }

    /// What one reading thread collected, handed to the other once the group is done.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    /// A fresh folder for one test's files.
    static func temporaryFolder() throws -> URL {
        try TestFolders.fresh("cli")
    }
}
