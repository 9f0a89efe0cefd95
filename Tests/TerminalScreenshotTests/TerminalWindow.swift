import Foundation
import Raster

#if canImport(Glibc)
import Glibc
#endif

/// The terminals the pictures are checked in, each with the picture mode it is checked for.
enum TerminalKind: String, CaseIterable, Sendable {
    /// xterm as a VT340: sixel, 256 colour registers, the 10x20 fixed font.
    case xterm
    /// mlterm: sixel.
    case mlterm
    /// kitty (OpenGL in software under Xvfb): the kitty graphics protocol.
    case kitty

    var program: String { rawValue }

    /// `--graphics` for retouch.
    var graphics: String { self == .kitty ? "kitty" : "sixel" }

    /// The command line that opens a `columns` x `rows` window titled `title` at the top left
    /// of the screen, running `command` (a shell command line). Cells are sized by the font;
    /// no border, padding or scroll bar sits between the window's edge and the first cell.
    func commandLine(columns: Int, rows: Int, title: String, command: String) -> [String] {
        switch self {
        case .xterm:
            return ["-ti", "vt340", "-xrm", "XTerm*decTerminalID: vt340", "-xrm", "XTerm*numColorRegisters: 256",
                    "-fn", "-misc-fixed-medium-r-normal--20-200-75-75-c-100-iso10646-1",
                    "-geometry", "\(columns)x\(rows)+0+0", "-bw", "0", "-b", "0", "+sb", "-bg", "black", "-fg", "white",
                    "-title", title, "-e", "/bin/sh", "-c", command]
        case .mlterm:
            return ["--geometry=\(columns)x\(rows)+0+0", "--border=0", "--sbmod=none", "--fontsize=16", "--bg=black", "--fg=white",
                    "--title=\(title)", "-e", "/bin/sh", "-c", command]
        case .kitty:
            return ["--config", "NONE", "-o", "font_family=DejaVu Sans Mono", "-o", "font_size=11", "-o", "window_padding_width=0",
                    "-o", "placement_strategy=top-left", "-o", "remember_window_size=no",
                    "-o", "initial_window_width=\(columns)c", "-o", "initial_window_height=\(rows)c",
                    "-o", "background=#000000", "-o", "foreground=#dddddd", "-o", "cursor_blink_interval=0",
                    "-o", "linux_display_server=x11", "--title", title, "/bin/sh", "-c", command]
        }
    }

    var environment: [String: String] { self == .kitty ? ["LIBGL_ALWAYS_SOFTWARE": "1"] : [:] }
}

/// A terminal's window on a virtual display, running one command: keys typed into it, its size
/// changed, its cells photographed.
final class TerminalWindow {
    let kind: TerminalKind
    let display: VirtualDisplay
    private let process: Process
    let window: String
    /// One cell, in pixels, measured from the window's size in cells when it opened.
    let cell: (width: Int, height: Int)

    init(_ kind: TerminalKind, on display: VirtualDisplay, columns: Int, rows: Int, command: String,
         environment: [String: String], logFolder: URL) throws {
        self.kind = kind
        self.display = display
        let title = "retouch-screenshot-\(UUID().uuidString.prefix(8))"
        process = try Programs.start(kind.program, kind.commandLine(columns: columns, rows: rows, title: title, command: command),
                                     environment: display.environment(kind.environment.merging(environment) { _, new in new }),
                                     log: logFolder.appendingPathComponent("\(kind.program).log"))
        var found: String?
        let deadline = Date().addingTimeInterval(20)
        while found == nil && Date() < deadline && process.isRunning {
            if let data = display.run("xdotool", ["search", "--name", "^\(title)$"]) {
                found = String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
            }
            if found == nil { usleep(100_000) }
        }
        guard let found else {
            Programs.stop(process)
            throw HarnessError("\(kind.program) opened no window (see \(logFolder.path))")
        }
        window = found
        // Keys go to the focused window: there is no window manager to give it the focus.
        display.run("xdotool", ["windowfocus", found])
        let size = Self.geometry(of: found, on: display)
        cell = (size.width / columns, size.height / rows)
    }

    func close() { Programs.stop(process) }

    deinit { close() }

    var isRunning: Bool { process.isRunning }

    /// The window's place and size on the screen.
    func geometry() -> PixelRect { Self.geometry(of: window, on: display) }

    static func geometry(of window: String, on display: VirtualDisplay) -> PixelRect {
        let text = display.run("xdotool", ["getwindowgeometry", "--shell", window]).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Int(parts[1]) { values[String(parts[0])] = value }
        }
        return PixelRect(x: values["X"] ?? 0, y: values["Y"] ?? 0, width: values["WIDTH"] ?? 0, height: values["HEIGHT"] ?? 0)
    }

    /// Presses keys, named as xdotool names them (`Tab`, `shift+Tab`, `ctrl+s`, `l`).
    func keys(_ names: String...) {
        display.run("xdotool", ["windowfocus", window])
        display.run("xdotool", ["key", "--delay", "40"] + names)
    }

    func type(_ text: String) {
        display.run("xdotool", ["windowfocus", window])
        display.run("xdotool", ["type", "--delay", "15", text])
    }

    /// Resizes the window, as dragging its corner would.
    func resize(width: Int, height: Int) {
        display.run("xdotool", ["windowsize", window, "\(width)", "\(height)"])
    }
}
