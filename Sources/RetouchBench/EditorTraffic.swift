// Bytes the editor writes to the terminal per action, in a pseudo-terminal, as over SSH.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The editor in a pseudo-terminal of its own, driven by keys. Its output is read as a
/// terminal would: at once, or no faster than a link of `drainRate` bytes a second.
final class PtyEditor {
    let master: Int32
    let pid: pid_t
    private var drainRate: Int?

    /// `cell`: one cell's pixels, reported in the window size as terminals do.
    init(arguments: [String], environment: [String: String], columns: Int, rows: Int, cell: (Int, Int) = (10, 20)) throws {
        // Everything the child needs is made before fork: it only calls execve.
        let argv = ([Paths.retouch] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: UInt16(columns * cell.0), ws_ypixel: UInt16(rows * cell.1))
        var master: Int32 = -1
        let pid = forkpty(&master, nil, nil, &size)
        guard pid >= 0 else { throw BenchError(message: "forkpty failed: errno \(errno)") }
        if pid == 0 {
            execve(argv[0]!, argv, envp)
            _exit(127)
        }
        self.master = master
        self.pid = pid
    }

    /// A link as slow as `bytesPerSecond`, or none.
    func link(_ bytesPerSecond: Int?) { drainRate = bytesPerSecond }

    func send(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until nothing has come for `quiet` seconds (0: for all of `limit`), `limit` at most, or until `until`
    /// appears and then it is quiet: the bytes, and the seconds until the last of them.
    func settle(quiet: Double = 0.5, limit: Double = 60, until marker: String? = nil) -> (bytes: Int, seconds: Double, tail: String) {
        let start = Monotonic.now()
        var last = start, count = 0
        var seen = marker == nil
        var window: [UInt8] = []
        let chunk = drainRate.map { max(256, $0 / 100) } ?? 65_536
        var buffer = [UInt8](repeating: 0, count: chunk)
        while Monotonic.now() - start < limit {
            if seen && quiet > 0 && Monotonic.now() - last > quiet { break }
            var request = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 20) > 0 else { continue }
            let read = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, chunk) }
            if read <= 0 { break }
            count += read
            last = Monotonic.now()
            window = Array((window + buffer[0..<read]).suffix(4096))
            if let marker, !seen, String(decoding: window, as: UTF8.self).contains(marker) { seen = true }
            // A slow link: the next chunk may go once this one has crossed it.
            if let drainRate { usleep(useconds_t(1_000_000 * read / drainRate)) }
        }
        return (count, last - start, String(decoding: window, as: UTF8.self))
    }

    /// Ends the editor, reading what it still writes meanwhile (a writer blocked on a full
    /// pty would never exit); after 10 s it is killed.
    func stop() {
        kill(pid, SIGTERM)
        let deadline = Monotonic.now() + 10
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            _ = settle(quiet: 0.1, limit: 0.2)
            if Monotonic.now() > deadline { kill(pid, SIGKILL) }
        }
        close(master)
    }
}

enum Monotonic {
    static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}

/// One action of a person at the editor, and what it cost on the wire.
struct TrafficStep {
    var name: String
    var keys: String
    /// Output to wait for before the quiet counts (a run is over when it says so).
    var until: String?
    /// Measured, or done only to reach the next step.
    var measured = true
}

/// The steps, from the editor's first frame: the prompt is focused on the sample.
let trafficSteps: [TrafficStep] = [
    TrafficStep(name: "focus to the mask", keys: "\t"),
    TrafficStep(name: "mask nudge", keys: "l"),
    TrafficStep(name: "add rectangle", keys: "\r"),
    TrafficStep(name: "focus off the mask", keys: "\t"),
    TrafficStep(name: "focus change, picture alone", keys: "\t"),
    TrafficStep(name: "back to the prompt", keys: "\t", measured: false),
    TrafficStep(name: "typed character", keys: "x"),
    TrafficStep(name: "run, 2 partial images", keys: "\u{13}", until: "Done:"),
    // Another prompt, so that the second result differs from the first.
    TrafficStep(name: "second run", keys: " warmer\u{13}", until: "Done:", measured: false),
    TrafficStep(name: "to the preview", keys: "\t", measured: false),
    TrafficStep(name: "another result", keys: "["),
]

struct PictureMode {
    var name: String
    var arguments: [String]
    var trueColor: Bool
}

let pictureModes = [
    PictureMode(name: "sixel", arguments: ["--graphics", "sixel"], trueColor: false),
    PictureMode(name: "kitty", arguments: ["--graphics", "kitty"], trueColor: true),
    PictureMode(name: "iTerm2", arguments: ["--graphics", "iterm"], trueColor: true),
    PictureMode(name: "half-blocks 24-bit", arguments: ["--graphics", "halfblock"], trueColor: true),
    PictureMode(name: "half-blocks 256", arguments: ["--graphics", "halfblock"], trueColor: false),
]

/// Bytes and time to quiet per action, in each picture mode at 80x24 and 160x48; then at
/// 160x48 over a 2 Mbit/s link, how soon after a held key stops the picture is current.
func editorTraffic() throws {
    print("Editor output per action, in a pty (cells of 10x20 pixels); bytes, and ms until the terminal is quiet")
    for (columns, rows) in [(80, 24), (160, 48)] {
        for mode in pictureModes {
            let figures = try measureTraffic(mode, columns: columns, rows: rows)
            print(String(format: "  %-18@ %3dx%-3d ", mode.name as NSString, columns, rows)
                  + figures.map { "\($0.name): \(kilobytes($0.bytes)) \(Int($0.seconds * 1000)) ms" }.joined(separator: " · "))
            if columns == 160 { printGoals(figures, mode: mode.name) }
        }
    }
    print("At 160x48 over a 2 Mbit/s link: the first frame, then a nudge key held for 2 s (30 a second): ms from the last key until "
          + "the picture is current (then a pause), and until drafts are refined")
    for mode in pictureModes {
        let figures = try heldNudge(mode)
        print(String(format: "  %-18@ first frame %@ in %.0f ms · held nudge: %@ written, current %.0f ms after the last key (goal ≤ 500 ms)",
                     mode.name as NSString, kilobytes(figures.first.bytes) as NSString, figures.first.seconds * 1000,
                     kilobytes(figures.held.bytes) as NSString, figures.held.seconds * 1000)
              + (figures.refined.bytes > 0 ? String(format: ", refined (%@) %.0f ms after it", kilobytes(figures.refined.bytes) as NSString,
                                                        figures.refined.seconds * 1000) : ""))
    }
}

/// The editor behind a 2 Mbit/s link, the mask focused, `l` held for two seconds (fine steps,
/// from the left edge, so every key moves the rectangle). After the
/// last key: the output up to the first pause of 0.3 s (the picture is current), then any
/// refinement that follows.
func heldNudge(_ mode: PictureMode) throws -> (first: (bytes: Int, seconds: Double), held: (bytes: Int, seconds: Double),
                                                refined: (bytes: Int, seconds: Double)) {
    let (editor, folder) = try launchEditor(mode, columns: 160, rows: 48)
    defer {
        editor.stop()
        try? FileManager.default.removeItem(at: folder)
    }
    editor.link(250_000)
    let first = editor.settle(quiet: 1.5, limit: 60)
    // The rectangle to the left edge, then fine steps: each of the 60 nudges moves it.
    editor.send("\thhhhf")
    _ = editor.settle(quiet: 0.5, limit: 60)
    var bytes = 0
    let start = Monotonic.now()
    while Monotonic.now() - start < 2 {
        editor.send("l")
        // Reading goes on while the key is held, at the link's pace.
        bytes += editor.settle(quiet: 0, limit: 1.0 / 30).bytes
    }
    let current = editor.settle(quiet: 0.3, limit: 60)
    let refined = editor.settle(quiet: 3, limit: 60)
    return ((first.bytes, first.seconds), (bytes + current.bytes, current.seconds), (refined.bytes, refined.seconds))
}

func kilobytes(_ bytes: Int) -> String { bytes < 1024 ? "\(bytes) B" : String(format: "%.1f KB", Double(bytes) / 1024) }

/// The editor on the sample in a pty of its own, with a data folder of its own (the caller
/// removes it), offline.
func launchEditor(_ mode: PictureMode, columns: Int, rows: Int) throws -> (PtyEditor, URL) {
    let folder = try benchFolder("traffic-\(UUID().uuidString.prefix(6))-")
    var environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "xterm-256color", "LANG": "C.UTF-8",
                       "XDG_DATA_HOME": folder.path, "XDG_CONFIG_HOME": folder.path + "/none"]
    if mode.trueColor { environment["COLORTERM"] = "truecolor" }
    let editor = try PtyEditor(arguments: mode.arguments + ["--new", Paths.sample], environment: environment, columns: columns, rows: rows)
    return (editor, folder)
}

func measureTraffic(_ mode: PictureMode, columns: Int, rows: Int) throws -> [(name: String, bytes: Int, seconds: Double)] {
    let (editor, folder) = try launchEditor(mode, columns: columns, rows: rows)
    defer {
        editor.stop()
        try? FileManager.default.removeItem(at: folder)
    }
    let first = editor.settle(quiet: 1.5, limit: 60)
    var figures = [(name: "first frame", bytes: first.bytes, seconds: first.seconds)]
    for step in trafficSteps {
        editor.send(step.keys)
        // Quiet long enough that a slow frame (a kitty PNG of 1600x960 pixels) is not split in two.
        let settled = editor.settle(quiet: 1.2, limit: 120, until: step.until)
        if step.measured { figures.append((step.name, settled.bytes, settled.seconds)) }
    }
    return figures
}

/// The acceptance goals at 160x48, as ratios of the first frame or in bytes.
func printGoals(_ figures: [(name: String, bytes: Int, seconds: Double)], mode: String) {
    func bytes(_ name: String) -> Int { figures.first { $0.name == name }?.bytes ?? 0 }
    let first = Double(max(1, bytes("first frame")))
    var goals = [String(format: "focus change %@ (goal ≤ 4 KB)", kilobytes(bytes("focus change, picture alone")))]
    let nudge = Double(bytes("mask nudge"))
    switch mode {
    case "sixel": goals.append(String(format: "nudge %.0f%% of the first frame (goal ≤ 10%%)", 100 * nudge / first))
    case "kitty": goals.append("nudge \(kilobytes(Int(nudge))) (goal ≤ 8 KB)")
    case "half-blocks 24-bit": goals.append(String(format: "nudge %.0f%% of the first frame (goal ≤ 25%%)", 100 * nudge / first))
    default: break
    }
    goals.append(String(format: "run %.1fx the first frame (goal ≤ 4x)", Double(bytes("run, 2 partial images")) / first))
    print("      goals: " + goals.joined(separator: " · "))
}
