import Foundation
import Testing
import TestSupport

/// The runner the CLI tests use: a child's output is read whole, whichever pipe it fills first.
@Suite struct CLIRunnerTests {
    /// 200 KB to stderr before 200 KB to stdout: a runner that read stdout to its end first
    /// would wait for ever on a child blocked writing stderr. `timeout` ends the child after
    /// 60 s (exit 124), so a regression fails instead of hanging the suite.
    @Test func aChildFillingStderrThenStdoutDoesNotHang() async throws {
        let script = "head -c 204800 /dev/zero | tr '\\000' e >&2; head -c 204800 /dev/zero | tr '\\000' o; echo done >&2"
        let result = try await OwnThread.run {
            try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/timeout"), ["60", "/bin/sh", "-c", script])
        }
        #expect(result.status == 0)
        #expect(result.stdout.utf8.count == 204_800 && result.stdout.allSatisfy { $0 == "o" })
        #expect(result.stderr == String(repeating: "e", count: 204_800) + "done\n")
    }

    @Test func stdinReachesTheChildWhileItWrites() async throws {
        // More than a pipe holds, echoed back while it is still being written.
        let text = String(repeating: "0123456789abcdef", count: 16_384)
        let result = try await OwnThread.run {
            try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/timeout"), ["60", "/bin/cat"], stdin: text)
        }
        #expect(result.status == 0 && result.stdout == text && result.stderr.isEmpty)
    }

    /// A child that leaves without reading its input: the write fails quietly, no SIGPIPE.
    @Test func aChildThatIgnoresItsInputEndsCleanly() async throws {
        let text = String(repeating: "x", count: 1 << 20)
        let result = try await OwnThread.run {
            try CLI.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "exec 0<&-; echo gone"], stdin: text)
        }
        #expect(result.status == 0 && result.stdout == "gone\n")
    }
}
