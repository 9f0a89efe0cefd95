import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The editor in a real pseudo-terminal (tmux), driven by keys as a person would.
@Suite(.serialized) struct EditorEndToEndTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Session {
        let name = "retouch-e2e-\(UUID().uuidString.prefix(8))"

        /// Runs tmux and returns what it printed. posix_spawn and waitpid, not Process: the tmux
        /// server that `new-session` starts inherits and keeps the client's descriptors.
        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).out").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            let argv = ([EditorEndToEndTests.tmux!, "-L", name] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var pid: pid_t = 0
            guard posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ) == 0 else { throw CocoaError(.executableNotLoadable) }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }

        func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
        func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

        /// Waits until the screen shows `text`, up to `seconds`.
        func wait(for text: String, seconds: Double) async throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = try screen()
                if last.contains(text) { return last }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("the screen never showed \"\(text)\":\n\(last)")
            return last
        }
    }

    @Test(.enabled(if: tmux != nil, "tmux is installed by make test"))
    func maskPromptSendResizeAndQuit() async throws {
        let data = try CLI.temporaryFolder()
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        let session = Session()
        let command = "env -u OPENAI_API_KEY -u OPENAI_BASE_URL XDG_DATA_HOME=\(data.path) XDG_CONFIG_HOME=/nonexistent "
            + "TERM=xterm-256color \(CLI.executable.path) \(lakeside); echo RETOUCH-EXITED-$?; sleep 60"
        try session.tmux(["new-session", "-d", "-s", session.name, "-x", "80", "-y", "24", command])
        defer { _ = try? session.tmux(["kill-server"]) }

        var screen = try await session.wait(for: "Prompt 0/32000", seconds: 60)
        #expect(screen.contains("local engine (offline)"))
        // Mask: to the mask panel, move the rectangle up and right, add it.
        try session.keys("Tab")
        try session.keys("Up", "Up", "Right", "Right", "Enter")
        screen = try await session.wait(for: "mask: 1 rect", seconds: 30)
        // Prompt: back to it, type, send.
        try session.keys("BTab")
        try session.keys("-l", "remove the sun")
        screen = try await session.wait(for: "Prompt 14/32000", seconds: 30)
        try session.keys("C-s")
        screen = try await session.wait(for: "local engine (offline)", seconds: 30)
        // Resize while the run is in flight.
        try session.tmux(["resize-window", "-t", session.name, "-x", "120", "-y", "40"])
        screen = try await session.wait(for: "Done: 1 image saved", seconds: 300)
        #expect(screen.split(separator: "\n").count >= 39, "the layout follows the new size")
        #expect(screen.contains("Result 1/1"))

        // The result and its sidecar are in the session's results folder.
        let results = data.appendingPathComponent("retouch/results")
        let sessions = try FileManager.default.contentsOfDirectory(atPath: results.path)
        let folder = results.appendingPathComponent(try #require(sessions.first))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.contains { $0.hasSuffix(".png") } && files.contains { $0.hasSuffix(".json") })
        let sidecar = try #require(files.first { $0.hasSuffix(".json") })
        let json = try String(contentsOf: folder.appendingPathComponent(sidecar), encoding: .utf8)
        #expect(json.contains("\"prompt\" : \"remove the sun\""))

        try session.keys("C-q")
        screen = try await session.wait(for: "RETOUCH-EXITED-0", seconds: 30)
        #expect(!screen.contains("Prompt 14/32000"), "the terminal is back to the shell's screen")
    }
}
