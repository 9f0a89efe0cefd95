import Foundation
import ImageCodecs
import Raster
import ScriptedServer
import TestSupport
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
            // The test's threads block signals; tmux (and the editor under it) must not inherit
            // that, or hanging up a pane would not reach it.
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), defaults = sigset_t()
            sigemptyset(&none)
            sigemptyset(&defaults)
            for sig in [SIGHUP, SIGTERM, SIGINT, SIGPIPE] { sigaddset(&defaults, sig) }
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            guard posix_spawn(&pid, argv[0]!, &actions, &attributes, argv, environ) == 0 else { throw CocoaError(.executableNotLoadable) }
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }

        /// The editor, offline and with its data under `dataHome`, in a new tmux session of
        /// `columns` x `rows`; `after` runs once it exits, and the pane stays open. With
        /// `beforeLaunch` the pane's shell waits on a tmux channel until that has run (to attach
        /// pipe-pane, say) and is signalled: nothing the editor writes can come earlier.
        static func editor(_ arguments: String, dataHome: URL, columns: Int, rows: Int, after: String = "",
                           beforeLaunch: ((Session) throws -> Void)? = nil) throws -> Session {
            let session = Session()
            let channel = "\(session.name)-launch"
            let gate = beforeLaunch == nil ? "" : "\(EditorEndToEndTests.tmux!) -L \(session.name) wait-for \(channel); "
            let command = gate + "env -u OPENAI_API_KEY -u OPENAI_BASE_URL XDG_DATA_HOME=\(dataHome.path) XDG_CONFIG_HOME=/nonexistent "
                + "TERM=xterm-256color \(CLI.executable.path) \(arguments); \(after)sleep 60"
            try session.tmux(["new-session", "-d", "-s", session.name, "-x", "\(columns)", "-y", "\(rows)", command])
            if let beforeLaunch {
                try beforeLaunch(session)
                // A signal sent before the shell waits is kept by tmux, so the order is free.
                try session.tmux(["wait-for", "-S", channel])
            }
            return session
        }

        func keys(_ keys: String...) throws { try self.keys(keys) }
        func keys(_ keys: [String]) throws { try tmux(["send-keys", "-t", name] + keys) }
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

    /// Terminals send cursor keys as `ESC [ D` or `ESC O D` depending on a mode; both move.
    @Test(.enabled(if: tmux != nil, "tmux is installed by make test"))
    func cursorKeysInBothForms() async throws {
        let data = try CLI.temporaryFolder()
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        let session = try Session.editor(lakeside, dataHome: data, columns: 80, rows: 24)
        defer { _ = try? session.tmux(["kill-server"]) }
        _ = try await session.wait(for: "Prompt 0/32000", seconds: 60)
        try session.keys("-l", "abc")
        _ = try await session.wait(for: "Prompt 3/32000", seconds: 30)
        for (sequence, typed) in [("\u{1B}OD", "X"), ("\u{1B}[D", ""), ("\u{1B}[D", "Y"), ("\u{1B}OH", "<"), ("\u{1B}[F", ">")] {
            try session.keys("-l", sequence)
            if !typed.isEmpty { try session.keys("-l", typed) }
        }
        let screen = try await session.wait(for: "<aYbXc>", seconds: 30)
        #expect(screen.contains("│<aYbXc>"), "\(screen)")
        try session.keys("C-q")
    }

    @Test(.enabled(if: tmux != nil, "tmux is installed by make test"))
    func maskPromptSendResizeAndQuit() async throws {
        let data = try CLI.temporaryFolder()
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        let session = try Session.editor(lakeside, dataHome: data, columns: 80, rows: 24, after: "echo RETOUCH-EXITED-$?; ")
        defer { _ = try? session.tmux(["kill-server"]) }

        // The status line is drawn last: once it shows, the whole first screen is there.
        var screen = try await session.wait(for: "local engine (offline)", seconds: 60)
        #expect(screen.contains("Prompt 0/32000"))
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

    /// Ctrl-Q and Ctrl-C quit with a panel open: an error panel (a send refused for its empty
    /// prompt), the help, the file picker. Before, the panel kept both keys for itself.
    @Test(.enabled(if: tmux != nil, "tmux is installed by make test"))
    func quitKeysWorkWithAPanelOpen() async throws {
        let data = try CLI.temporaryFolder()
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        for (open, shows, quit) in [(["C-s"], "Not sent: the request breaks", "C-q"), (["C-s"], "Not sent: the request breaks", "C-c"),
                                    (["F1"], "Esc, Enter or q closes", "C-c"), (["C-o"], "Add a source", "C-q")] {
            let session = try Session.editor("--new \(lakeside)", dataHome: data, columns: 100, rows: 30, after: "echo RETOUCH-EXITED-$?; ")
            defer { _ = try? session.tmux(["kill-server"]) }
            _ = try await session.wait(for: "Prompt 0/32000", seconds: 60)
            try session.keys(open)
            _ = try await session.wait(for: shows, seconds: 30)
            try session.keys(quit)
            let screen = try await session.wait(for: "RETOUCH-EXITED-0", seconds: 30)
            #expect(screen.contains("RETOUCH-EXITED-0"), "\(quit) quits from the panel that shows \"\(shows)\"")
        }
    }

    /// A dropped SSH connection, twice: the pty goes away (tmux kill-session hangs it up) while a
    /// prompt is being typed, and again while a run streams. Reopening brings everything back.
    /// The server sends a run's first image and holds the second back for two minutes, so the
    /// hang-up falls between them however fast the machine is; run again, it sends both.
    @Test(.enabled(if: tmux != nil, "tmux is installed by make test"))
    func aDroppedConnectionLosesNothing() async throws {
        let data = try CLI.temporaryFolder()
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        let completed = Array(FaultMatrixTests.events(completed: 1).utf8)
        let stream = [("Content-Type", "text/event-stream")]
        let server = try await ScriptedServer(replies: [
            ScriptedServer.Reply(status: 200, headers: stream, steps: [.bytes(completed), .pause(milliseconds: 120_000), .bytes(completed)]),
            .events(FaultMatrixTests.events(completed: 2)),
        ])
        func launch(_ arguments: String) throws -> Session {
            try Session.editor(arguments + " --base-url " + server.baseURL, dataHome: data, columns: 100, rows: 30)
        }
        /// Hangs up the pty, then waits for this test's editor to have exited.
        func hangUp(_ session: Session) async throws {
            try session.tmux(["kill-server"])
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                let running = try FileManager.default.contentsOfDirectory(atPath: "/proc").contains { pid in
                    guard Int(pid) != nil, let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                          command.hasPrefix(CLI.executable.path + "\u{0}") || command == CLI.executable.path + "\u{0}" else { return false }
                    return (try? String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8))?.contains(data.path) == true
                }
                if !running { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("the editor did not exit after the hang-up")
        }

        // 1. Typing, with a mask and a parameter changed, when the connection drops.
        var session = try launch(lakeside)
        _ = try await session.wait(for: "Prompt 0/32000", seconds: 60)
        try session.keys("Tab")
        try session.keys("Up", "Enter")
        _ = try await session.wait(for: "mask: 1 rect", seconds: 30)
        try session.keys("Tab")
        for _ in 0..<7 { try session.keys("Down") }
        // n: from "default" to 1, then 2.
        try session.keys("Right", "Right")
        try session.keys("Tab", "Tab")
        try session.keys("-l", "a wooden pier, half typ")
        _ = try await session.wait(for: "Prompt 23/32000", seconds: 30)
        try await hangUp(session)

        session = try launch("")
        var screen = try await session.wait(for: "a wooden pier, half typ", seconds: 60)
        #expect(screen.contains("mask: 1 rect"), "the mask is back:\n\(screen)")
        #expect(screen.contains("lakeside.png 1024x1024"), "the source is back")
        #expect(screen.range(of: "│ n +2 ", options: .regularExpression) != nil, "n = 2 is back:\n\(screen)")

        // 2. A run with two images: the connection drops once the first has arrived.
        try session.keys("-l", "ed")
        try session.keys("C-s")
        screen = try await session.wait(for: "1 saved", seconds: 300)
        try await hangUp(session)

        session = try launch("")
        screen = try await session.wait(for: "interrupted; 1 image had arrived", seconds: 60)
        #expect(screen.contains("a wooden pier, half typed"))
        try session.keys("Tab")
        try session.keys("C-b")
        screen = try await session.wait(for: "Result 1/1", seconds: 30)
        try session.keys("F2")
        screen = try await session.wait(for: "History · this session · 1 run", seconds: 30)
        #expect(screen.contains("interrupted"))
        // Run it again from the history, exactly as it was: both images this time.
        try session.keys("r")
        screen = try await session.wait(for: "Done: 2 images saved", seconds: 300)
        try session.keys("F2")
        screen = try await session.wait(for: "History · this session · 2 runs", seconds: 30)
        #expect(screen.contains("a wooden pier") && screen.contains("2 img"), "the run again, done:\n\(screen)")
        try session.keys("Escape", "C-q")
        _ = try? session.tmux(["kill-server"])
        #expect(server.requests.count == 2, "the run, and the run again")
        await server.stop()
    }

    @Test(.enabled(if: tmux != nil && Libsixel.isInstalled, "make test installs tmux and libsixel-bin"))
    func sixelPicturesPassThroughWithoutDisturbingTheText() async throws {
        let data = try CLI.temporaryFolder()
        let raw = data.appendingPathComponent("pane.raw").path
        let lakeside = SampleAssetTests.assets.appendingPathComponent("lakeside.png").path
        // pipe-pane is attached before the editor starts, so it sees every byte the editor writes.
        let session = try Session.editor("--graphics sixel \(lakeside)", dataHome: data, columns: 100, rows: 30) { session in
            try session.tmux(["pipe-pane", "-O", "-t", session.name, "cat >> \(raw)"])
        }
        defer { _ = try? session.tmux(["kill-server"]) }

        var screen = try await session.wait(for: "Prompt 0/32000", seconds: 60)
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].contains("lakeside.png 1024x1024") && lines[0].contains("Sources 1/16"), "the text layout is intact:\n\(screen)")
        #expect(!screen.contains("q\"1;1;"), "no sixel data leaks into the text")
        let first = try await picture(in: raw) { _ in true }
        #expect(abs(first.width - first.height) <= first.width / 50, "the square sample stays square: \(first.width)x\(first.height)")
        let source = try ImageFile.load(path: lakeside).decoded.image.resized(width: first.width, height: first.height)
        #expect(first.psnr(against: source) > 22, "the picture is the sample")

        // A mask rectangle in the middle: the picture is sent again, tinted red there and
        // unchanged elsewhere.
        try session.keys("Tab")
        try session.keys("Enter")
        screen = try await session.wait(for: "mask: 1 rect", seconds: 30)
        let (cx, cy) = (first.width / 2, first.height / 2)
        func redness(_ p: RGBA) -> Int { Int(p.r) - Int(p.g) }
        let masked = try await picture(in: raw) { redness($0[cx, cy]) > redness(source[cx, cy]) + 40 }
        #expect(redness(masked[cx, cy]) > redness(source[cx, cy]) + 40, "tinted: \(masked[cx, cy]) over \(source[cx, cy])")
        let (ox, oy) = (first.width / 10, first.height / 2)
        #expect(abs(Int(masked[ox, oy].r) - Int(source[ox, oy].r)) < 40, "untouched outside the mask")
        try session.keys("C-q")
    }

    /// The picture as the terminal shows it, once it satisfies `accept` (or as last seen after
    /// 30 s): the last whole sixel picture, with the pieces sent after it (a change re-sends
    /// only the cells it touched) painted over it where their cursor moves put them.
    func picture(in path: String, where accept: (RGBAImage) -> Bool) async throws -> RGBAImage {
        let deadline = Date().addingTimeInterval(30)
        var latest: RGBAImage?
        while Date() < deadline {
            let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
            // Sixel pictures are DCS strings; the kitty query the probe sends is an APC.
            let sent = try Self.unwrapPassthrough(bytes).filter { $0.payload.starts(with: Array("\u{1B}P".utf8)) }
                .map { (image: try Libsixel.decode($0.payload), at: $0.at) }
            if let canvas = Self.composite(sent) {
                if accept(canvas) { return canvas }
                latest = canvas
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("no sixel image in the output was as expected")
        return try #require(latest)
    }

    /// Pictures in the order sent: the last whole one, with the pieces after it painted over.
    /// Pieces are a cell tall (the last row may be less), which gives the cell's height; its
    /// width is half that here (tmux reports cells of 16x32 pixels).
    static func composite(_ sent: [(image: RGBAImage, at: (row: Int, column: Int))]) -> RGBAImage? {
        guard let wholeIndex = sent.lastIndex(where: { $0.image.width == sent.map(\.image.width).max() }) else { return nil }
        var canvas = sent[wholeIndex].image
        let origin = sent[wholeIndex].at
        let pieces = sent[(wholeIndex + 1)...]
        let cellHeight = pieces.map(\.image.height).max() ?? 2, cellWidth = cellHeight / 2
        for piece in pieces {
            let (dx, dy) = ((piece.at.column - origin.column) * cellWidth, (piece.at.row - origin.row) * cellHeight)
            for y in 0..<piece.image.height where dy + y < canvas.height {
                for x in 0..<piece.image.width where dx + x < canvas.width { canvas[dx + x, dy + y] = piece.image[x, y] }
            }
        }
        return canvas
    }

    /// `ESC P tmux; payload-with-doubled-ESCs ESC \\` → payloads, complete ones only, each with
    /// the cell (1-based row and column) of the cursor move just before it.
    static func unwrapPassthrough(_ bytes: [UInt8]) -> [(payload: [UInt8], at: (row: Int, column: Int))] {
        let start = Array("\u{1B}Ptmux;".utf8)
        var payloads: [(payload: [UInt8], at: (row: Int, column: Int))] = []
        var i = 0
        while i + start.count <= bytes.count {
            guard Array(bytes[i..<(i + start.count)]) == start else { i += 1; continue }
            let at = cursorMove(endingAt: i, in: bytes)
            var j = i + start.count
            var payload: [UInt8] = []
            var complete = false
            while j + 1 < bytes.count {
                if bytes[j] == 0x1B && bytes[j + 1] == 0x1B {
                    payload.append(0x1B)
                    j += 2
                } else if bytes[j] == 0x1B && bytes[j + 1] == 0x5C {
                    complete = true
                    j += 2
                    break
                } else {
                    payload.append(bytes[j])
                    j += 1
                }
            }
            guard complete else { break }
            payloads.append((payload, at))
            i = j
        }
        return payloads
    }

    /// The `ESC [ row ; column H` that ends at `end`, or (0, 0).
    static func cursorMove(endingAt end: Int, in bytes: [UInt8]) -> (row: Int, column: Int) {
        guard end > 0, bytes[end - 1] == UInt8(ascii: "H") else { return (0, 0) }
        var i = end - 2
        while i > 0 && bytes[i] != 0x1B { i -= 1 }
        let text = String(decoding: bytes[(i + 2)..<(end - 1)], as: UTF8.self).split(separator: ";").compactMap { Int($0) }
        return text.count == 2 ? (text[0], text[1]) : (0, 0)
    }
}
