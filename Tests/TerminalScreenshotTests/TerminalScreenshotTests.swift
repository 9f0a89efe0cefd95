import Foundation
import ImageCodecs
import Raster
import ScriptedServer
import Testing

/// Pictures in real terminals: `retouch show` and the editor in xterm (sixel), mlterm (sixel)
/// and kitty (its graphics protocol), each on its own Xvfb display, driven with xdotool and
/// photographed with xwd. Every step waits until the window shows what it should (the picture
/// in its place, at its size, with its pixels; nothing of its colours anywhere else) or fails
/// with what differs. Screenshots go to .build/terminal-screenshots/ (every one taken with
/// RETOUCH_SCREENSHOTS_EVERY set); RETOUCH_EXECUTABLE runs another build of retouch.
extension Trait where Self == ConditionTrait {
    /// Runs the test where `kind` and the X tools are installed; elsewhere skips it, saying why.
    static func needs(_ kind: TerminalKind) -> Self {
        .enabled(if: Programs.available(kind),
                 Comment(rawValue: "needs Xvfb, xdotool, xwd and \(kind.program) (`make terminals` installs them)"))
    }
}

@Suite(.serialized) struct TerminalScreenshotTests {
    // MARK: retouch show

    @Test(.needs(.xterm))
    func showInXterm() async throws { try await show(.xterm) }

    @Test(.needs(.mlterm))
    func showInMlterm() async throws { try await show(.mlterm) }

    @Test(.needs(.kitty))
    func showInKitty() async throws { try await show(.kitty) }

    // MARK: The editor: first frame, the mask, a run's partial images and result, resizing

    @Test(.needs(.xterm))
    func editorInXterm() async throws { try await editor(.xterm) }

    @Test(.needs(.mlterm))
    func editorInMlterm() async throws { try await editor(.mlterm) }

    @Test(.needs(.kitty))
    func editorInKitty() async throws { try await editor(.kitty) }

    // MARK: The editor on the offline engine

    @Test(.needs(.xterm))
    func offlineEditInXterm() async throws { try await offlineEdit(.xterm) }

    @Test(.needs(.kitty))
    func offlineEditInKitty() async throws { try await offlineEdit(.kitty) }

    // MARK: -

    /// Two files shown one after the other: each at its place and size (the first at its own
    /// size, the second fitted to 20 columns), the second below the first, the first still there.
    func show(_ kind: TerminalKind) async throws {
        let run = try CaseRun(kind, name: "show")
        defer { run.end() }
        let first = try run.write(Blocks.image, "blocks.png"), second = try run.write(Blocks.turned, "turned.png")
        let show = "\(run.retouch) show --graphics \(kind.graphics)"
        let terminal = try run.open(columns: 100, rows: 30,
                                    command: "\(show) \(first); \(show) --width 20 \(second); printf 'after\\n'; exec sleep 600")
        try await run.expect("two-pictures", in: terminal) { shot, window in
            let cell = terminal.cell
            let top = ExpectedPicture(rect: PixelRect(x: 0, y: 0, width: 320, height: 240), pixels: Blocks.image)
            let fit = Blocks.turned.fittingSize(maxWidth: 20 * cell.width, maxHeight: (window.rows - 1) * cell.height)
            // The second starts on a row below the first: the first row wholly below it, or the
            // one after (terminals differ in where a picture leaves the cursor).
            let rows = (240 + cell.height - 1) / cell.height
            let starts = [rows, rows + 1].map { $0 * cell.height }
            let found = PictureCheck.bounds(of: Blocks.turned[0, 0], in: shot, region: PixelRect(x: 0, y: 240, width: 100, height: 2 * cell.height + 40))
            let y = starts.first { found?.y == $0 } ?? starts[0]
            let below = ExpectedPicture(rect: PixelRect(x: 0, y: y, width: fit.width, height: fit.height),
                                        pixels: Blocks.turned.resized(width: fit.width, height: fit.height))
            return Expected(pictures: [top, below], tolerance: kind.tolerance)
        }
    }

    /// The editor against a scripted server whose partial images come four seconds apart: time
    /// for each to be drawn and seen before the next replaces it, on a busy machine too (a
    /// terminal slow to take a sixel holds the editor's next picture back).
    func editor(_ kind: TerminalKind) async throws {
        let run = try CaseRun(kind, name: "editor")
        defer { run.end() }
        let source = try run.write(Blocks.image, "blocks.png")
        let partials = [Blocks.greyed(Blocks.nudged, weight: 1.0 / 3), Blocks.greyed(Blocks.nudged, weight: 2.0 / 3)]
        let result = Blocks.greyed(Blocks.nudged, weight: 1)
        let server = try await ScriptedServer(replies: [try EditStream.reply(partials: partials, result: result, pauseMilliseconds: 4000)])
        let terminal = try run.open(columns: 120, rows: 36,
                                    command: "exec \(run.retouch) --new --graphics \(kind.graphics) --base-url \(server.baseURL) \(source) 2>\(run.logs.path)/retouch.err",
                                    environment: ["OPENAI_API_KEY": "sk-screenshots", "XDG_DATA_HOME": run.data.path])
        func preview(_ image: RGBAImage, tinted: [PixelRect] = [], cursor: PixelRect? = nil, notCursor: PixelRect? = nil)
            -> (RGBAImage, (columns: Int, rows: Int)) -> Expected {
            { _, window in
                Expected(pictures: [.editorPreview(image, columns: window.columns, rows: window.rows, cell: terminal.cell,
                                                   tinted: tinted, cursor: cursor, notCursor: notCursor)],
                         tolerance: kind.tolerance)
            }
        }
        try await run.expect("first-frame", in: terminal, within: 15, preview(Blocks.image))
        terminal.keys("Tab")
        try await run.expect("mask-cursor", in: terminal, preview(Blocks.image, cursor: Blocks.cursor))
        terminal.keys("l")
        try await run.expect("mask-nudged", in: terminal, preview(Blocks.image, cursor: Blocks.nudged, notCursor: Blocks.cursor))
        terminal.keys("Return")
        try await run.expect("mask-added", in: terminal, preview(Blocks.image, tinted: [Blocks.nudged], cursor: Blocks.nudged))
        terminal.keys("shift+Tab")
        terminal.type("make it black and white")
        terminal.keys("ctrl+s")
        try await run.expect("partial-1", in: terminal, preview(partials[0]))
        try await run.expect("partial-2", in: terminal, preview(partials[1]))
        try await run.expect("result", in: terminal, preview(result))
        terminal.resize(width: 1000, height: 620)
        try await run.expect("resized-smaller", in: terminal, preview(result))
        terminal.resize(width: 1270, height: 790)
        try await run.expect("resized-larger", in: terminal, preview(result))
        await server.stop()
    }

    /// The editor on the offline engine: "make it black and white" on a masked rectangle, the
    /// result drawn as saved.
    func offlineEdit(_ kind: TerminalKind) async throws {
        let run = try CaseRun(kind, name: "offline")
        defer { run.end() }
        let source = try run.write(Blocks.image, "blocks.png")
        let terminal = try run.open(columns: 120, rows: 36,
                                    command: "exec env -u OPENAI_API_KEY -u OPENAI_BASE_URL \(run.retouch) --new --graphics \(kind.graphics) \(source) 2>\(run.logs.path)/retouch.err",
                                    environment: ["XDG_DATA_HOME": run.data.path])
        func preview(_ image: RGBAImage, tinted: [PixelRect] = [], cursor: PixelRect? = nil) -> (RGBAImage, (columns: Int, rows: Int)) -> Expected {
            { _, window in
                Expected(pictures: [.editorPreview(image, columns: window.columns, rows: window.rows, cell: terminal.cell, tinted: tinted, cursor: cursor)],
                         tolerance: kind.tolerance)
            }
        }
        try await run.expect("first-frame", in: terminal, within: 15, preview(Blocks.image))
        terminal.keys("Tab", "l", "Return")
        try await run.expect("mask-added", in: terminal, preview(Blocks.image, tinted: [Blocks.nudged], cursor: Blocks.nudged))
        terminal.keys("shift+Tab")
        terminal.type("make it black and white")
        terminal.keys("ctrl+s")
        let saved = try await run.savedResult(within: 30)
        // The engine greyed the rectangle and nothing else.
        let inside = PictureCheck.mean(saved, PixelRect(x: 170, y: 100, width: 50, height: 40))
        #expect(abs(inside[0] - inside[1]) <= 2 && abs(inside[1] - inside[2]) <= 2, "the rectangle is grey in the result: \(inside)")
        #expect(saved[10, 10] == Blocks.colors[0], "outside the rectangle the result is the source")
        try await run.expect("result", in: terminal, preview(saved))
    }
}

extension TerminalKind {
    /// How far a tile's mean colour may be from the expected: sixel quantises to its palette
    /// (and dithers partial images); kitty shows the PNG as sent.
    var tolerance: Int { self == .kitty ? 12 : 20 }
}

extension Programs {
    /// Whether a terminal's cases can run here; when not, says why on standard output.
    static func available(_ kind: TerminalKind) -> Bool { skipReason(for: kind) == nil }
}

/// An image-edit event stream: partial images, then the result.
enum EditStream {
    static func reply(partials: [RGBAImage], result: RGBAImage, pauseMilliseconds: Int64) throws -> ScriptedServer.Reply {
        var steps: [ScriptedServer.Reply.Step] = []
        for (index, partial) in partials.enumerated() {
            let data = Data(try ImageEncoder.png(partial)).base64EncodedString()
            steps.append(.bytes(Array(EditEvents.partialImage(data, index: index).utf8)))
            steps.append(.pause(milliseconds: pauseMilliseconds))
        }
        let data = Data(try ImageEncoder.png(result)).base64EncodedString()
        steps.append(.bytes(Array(EditEvents.completed(data).utf8)))
        return ScriptedServer.Reply(status: 200, headers: [("Content-Type", "text/event-stream")], steps: steps)
    }
}

/// One case in one terminal: its display, files, logs and screenshots.
final class CaseRun {
    let kind: TerminalKind
    let name: String
    /// Inputs and the editor's data, removed at the end.
    let work: URL
    let data: URL
    /// Screenshots and logs, kept: .build/terminal-screenshots/<case>-<terminal>/.
    let logs: URL
    let display: VirtualDisplay
    private var terminals: [TerminalWindow] = []
    private var step = 0

    init(_ kind: TerminalKind, name: String) throws {
        self.kind = kind
        self.name = name
        work = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-screenshots-\(UUID().uuidString)")
        data = work.appendingPathComponent("data")
        logs = Self.packageRoot.appendingPathComponent(".build/terminal-screenshots/\(name)-\(kind.rawValue)")
        try? FileManager.default.removeItem(at: logs)
        for folder in [work, data, logs] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        display = try VirtualDisplay(width: 1280, height: 800, logFolder: logs)
    }

    func end() {
        terminals.forEach { $0.close() }
        display.stop()
        try? FileManager.default.removeItem(at: work)
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `retouch`, beside the test bundle, or RETOUCH_EXECUTABLE (a release build, say).
    var retouch: String {
        if let chosen = ProcessInfo.processInfo.environment["RETOUCH_EXECUTABLE"], !chosen.isEmpty {
            return URL(fileURLWithPath: chosen).standardizedFileURL.path
        }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("retouch").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("retouch").path
    }

    func write(_ image: RGBAImage, _ file: String) throws -> String {
        let url = work.appendingPathComponent(file)
        try Data(ImageEncoder.png(image)).write(to: url)
        return url.path
    }

    func open(columns: Int, rows: Int, command: String, environment: [String: String] = [:]) throws -> TerminalWindow {
        let terminal = try TerminalWindow(kind, on: display, columns: columns, rows: rows, command: command,
                                          environment: environment, logFolder: logs)
        terminals.append(terminal)
        return terminal
    }

    /// Waits until the window shows what `expected` says (made from each screenshot and the
    /// window's size in cells at that moment); saves the last screenshot as NN-step.png; fails
    /// with every difference when `seconds` pass first.
    func expect(_ name: String, in terminal: TerminalWindow, within seconds: Double = 8,
                _ expected: (RGBAImage, (columns: Int, rows: Int)) -> Expected) async throws {
        step += 1
        let file = logs.appendingPathComponent(String(format: "%02d-%@", step, name))
        let deadline = Date().addingTimeInterval(seconds)
        var problems: [String] = []
        var shot: Screenshot?
        var wanted: Expected?
        var attempt = 0
        repeat {
            if shot != nil { try await Task.sleep(for: .milliseconds(100)) }
            let window = terminal.geometry()
            let taken = try display.screenshot().cropped(to: window)
            let cells = (columns: window.width / terminal.cell.width, rows: window.height / terminal.cell.height)
            let made = expected(taken.image, cells)
            problems = made.problems(in: taken.image)
            if ProcessInfo.processInfo.environment["RETOUCH_SCREENSHOTS_EVERY"] != nil {
                attempt += 1
                taken.save(logs.appendingPathComponent(String(format: "%02d-%@-%03d.png", step, name, attempt)))
                print("\(kind.rawValue), \(name), screenshot \(attempt): \(problems.isEmpty ? "as expected" : problems.joined(separator: "; "))")
            }
            (shot, wanted) = (taken, made)
        } while !problems.isEmpty && Date() < deadline && terminal.isRunning
        shot?.save(file.appendingPathExtension("png"))
        guard problems.isEmpty else {
            for (index, picture) in (wanted?.pictures ?? []).enumerated() {
                Screenshot(image: picture.pixels).save(logs.appendingPathComponent(String(format: "%02d-%@-expected-%d.png", step, name, index + 1)))
            }
            let running = terminal.isRunning ? "" : " (the terminal has closed)"
            Issue.record("\(kind.rawValue), \(name)\(running): \(problems.joined(separator: "; ")); see \(file.path).png")
            throw HarnessError("\(kind.rawValue): \(name) not shown")
        }
    }

    /// The first result the editor saved, once it is there.
    func savedResult(within seconds: Double) async throws -> RGBAImage {
        let results = data.appendingPathComponent("retouch/results")
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let files = (FileManager.default.enumerator(atPath: results.path)?.allObjects as? [String]) ?? []
            if let file = files.first(where: { $0.hasSuffix(".png") && $0.contains("edit-") }),
               let loaded = try? ImageFile.load(path: results.appendingPathComponent(file).path) {
                return loaded.decoded.image
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("\(kind.rawValue): no result saved in \(seconds) s")
    }
}
