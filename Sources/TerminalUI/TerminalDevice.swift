import EditorCore
import Foundation
import TerminalGraphics

#if canImport(Glibc)
import Glibc
#endif

/// What the editor's loop needs of a terminal. The real one is ncurses plus the picture
/// protocols; tests drive the loop with a fake one.
protocol TerminalDevice: AnyObject {
    var size: Size { get }
    /// Waits until input arrives, `wake` is readable, or `timeout` milliseconds pass (-1: no
    /// limit). True when the terminal has gone (the pty closed under a dropped connection).
    func wait(wake: Int32, timeout: Int32) -> Bool
    /// Everything typed so far, without waiting.
    func readInput() -> [TerminalInput]
    /// The window's size, when it changed behind ncurses' back.
    func followWindowSize() -> Size?
    /// Shows `screen`: its text and its pictures; `repaint` draws every cell afresh.
    func present(_ screen: Screen, repaint: Bool)
    /// Asks the terminal one cell's size in pixels, for pictures.
    func measureCells()
    /// Pictures were held back (the link still carries earlier output) or drawn as drafts to
    /// refine: `present` again soon.
    var picturesWaiting: Bool { get }
}

extension TerminalDevice {
    var picturesWaiting: Bool { false }
}

enum TerminalInput: Equatable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(Size)
}

/// The terminal the editor runs in: ncurses for text, `GraphicsLayer` for pictures.
final class CursesTerminal: TerminalDevice {
    private let curses = Curses()
    private let graphics: GraphicsLayer
    /// The last screen painted, pictures' cells included.
    private var previous: Screen?

    init(graphics: GraphicsChoice, cell: (width: Int, height: Int)) {
        self.graphics = GraphicsLayer(choice: graphics, cell: cell)
    }

    func stop() { curses.stop() }

    var size: Size { curses.size }

    func wait(wake: Int32, timeout: Int32) -> Bool {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        // A paste whose end has not come is looked at again soon (see `Curses.readInput`).
        _ = poll(&fds, 2, curses.waitsForPaste ? min(timeout < 0 ? Int32.max : timeout, 250) : timeout)
        return fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    func readInput() -> [TerminalInput] { curses.readInput() }

    func followWindowSize() -> Size? { curses.followWindowSize() }

    private var link = LinkPace()
    private var heldBack = false
    var picturesWaiting: Bool { heldBack || graphics.hasDrafts }

    func present(_ screen: Screen, repaint: Bool) {
        var screen = screen
        graphics.prepare(&screen)
        let previous = repaint ? nil : previous
        let unsent = Self.unsentBytes()
        link.observe(unsent: unsent)
        heldBack = previous != nil && !screen.images.isEmpty && link.holdsPictures(unsent: unsent)
        if heldBack {
            if previous == screen { return }
            Curses.write("\u{1B}[?2026h")
            curses.paint(screen, previous: previous)
            Curses.write("\u{1B}[?2026l")
            self.previous = screen
            return
        }
        let plan = graphics.plan(screen, screenRepainted: previous == nil)
        let draft = graphics.sendsWholePictures && link.draftsPictures
        var pictures = graphics.bytes(for: plan, draft: draft)
        let now = Monotonic.seconds()
        if draft && !plan.draw.isEmpty { link.drewDraft(at: now) }
        if graphics.hasDrafts && link.refines(unsent: unsent, now: now) { pictures += graphics.refinements() }
        // Nothing changed (the loop looks again while drafts wait): nothing is written.
        if let previous, previous == screen, pictures.isEmpty, !plan.repaintScreen { return }
        if previous == nil || plan.repaintScreen { curses.repaintAll() }
        // Text and pictures reach the terminal as one update where it supports that (2026).
        Curses.write("\u{1B}[?2026h")
        curses.paint(screen, previous: previous)
        Curses.write(Self.cursorHidden(pictures, shownAfter: screen.cursor != nil))
        Curses.write("\u{1B}[?2026l")
        // Writing blocks while the link is full.
        link.wrote(seconds: Monotonic.seconds() - now)
        self.previous = screen
    }

    /// Pictures written with the text cursor hidden. Each picture starts with the cursor on its
    /// first cell; a terminal that shows the cursor there while it waits for more (xterm, on a
    /// busy machine or a slow link) paints that cell as text once the cursor moves on, leaving
    /// a blank cell in the picture until it is drawn again.
    static func cursorHidden(_ pictures: [UInt8], shownAfter: Bool) -> [UInt8] {
        guard !pictures.isEmpty else { return [] }
        return Array("\u{1B}[?25l".utf8) + pictures + (shownAfter ? Array("\u{1B}[?25h".utf8) : [])
    }

    /// Bytes written to the terminal that it has not read yet (TIOCOUTQ).
    static func unsentBytes() -> Int {
        var count: Int32 = 0
        return ioctl(STDOUT_FILENO, UInt(TIOCOUTQ), &count) == 0 ? Int(count) : 0
    }

    func measureCells() {
        guard let window = TerminalProbe.windowSize(), window.pixelWidth > 0, window.pixelHeight > 0 else { return }
        graphics.cell = (max(1, window.pixelWidth / window.columns), max(1, window.pixelHeight / window.rows))
    }
}
