import CNcursesw
import EditorCore
import FileAccess

#if canImport(Glibc)
import Glibc
#endif

/// The only code that talks to ncurses: start and stop, read keys and mouse, paint cells.
/// Every call happens on the UI thread.
final class Curses {
    private(set) var size: Size
    private var pairs: [Int64: Int32] = [:]
    /// The terminal's colours, or none with NO_COLOR.
    private(set) var colors = TerminalColors(depth: .none)
    private var terminalHasColors = false
    /// Ctrl-←/→ have no fixed key codes: ncurses numbers them from the terminal's description.
    private var wordLeftCode: Int32 = -1
    private var wordRightCode: Int32 = -1
    private var started = false

    init() {
        setlocale(LC_ALL, "")
        // Keep Esc snappy: escape sequences arrive together, a lone Esc is a key.
        set_escdelay(25)
        initscr()
        started = true
        raw()
        noecho()
        nonl()
        keypad(retouch_stdscr(), true)
        nodelay(retouch_stdscr(), true)
        // Colour is started even with NO_COLOR: pictures painted as cells keep theirs.
        terminalHasColors = has_colors()
        if terminalHasColors {
            start_color()
            use_default_colors()
        }
        colors = TerminalColors(depth: TerminalColors.depth(colors: terminalHasColors ? Int(retouch_colors()) : 0,
                                                            noColor: getenv("NO_COLOR").map { String(cString: $0) }))
        mousemask(retouch_mouse_mask(), nil)
        mouseinterval(0)
        // Button-event tracking (drags report while the button is held) and bracketed paste.
        Self.write("\u{1B}[?1002h\u{1B}[?2004h")
        size = Size(columns: Int(retouch_cols()), rows: Int(retouch_lines()))
        Self.defineCursorKeys()
        wordLeftCode = key_defined("\u{1B}[1;5D")
        wordRightCode = key_defined("\u{1B}[1;5C")
    }

    /// Ctrl-←/→, where the terminal's description names no code for them.
    private static let wordLeft: Int32 = 0x1F0, wordRight: Int32 = 0x1F1

    /// A terminal sends cursor keys as `ESC [ C` or `ESC O C` depending on a mode it may or may
    /// not have been put in, and terminfo entries name only one form: both are known here, so
    /// the keys work whatever the entry says.
    static func defineCursorKeys() {
        let finals: [(Character, Int32)] = [("A", KEY_UP), ("B", KEY_DOWN), ("C", KEY_RIGHT), ("D", KEY_LEFT), ("H", KEY_HOME), ("F", KEY_END)]
        for (final, code) in finals {
            define_key("\u{1B}[\(final)", code)
            define_key("\u{1B}O\(final)", code)
        }
        for (sequence, code) in [("1~", KEY_HOME), ("7~", KEY_HOME), ("4~", KEY_END), ("8~", KEY_END), ("5~", KEY_PPAGE), ("6~", KEY_NPAGE),
                                 ("3~", KEY_DC), ("1;2A", KEY_SR), ("1;2B", KEY_SF), ("1;2C", KEY_SRIGHT), ("1;2D", KEY_SLEFT)] {
            define_key("\u{1B}[" + sequence, code)
        }
        for (sequence, code) in [("1;5D", wordLeft), ("1;5C", wordRight)] where key_defined("\u{1B}[" + sequence) <= 0 {
            define_key("\u{1B}[" + sequence, code)
        }
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    func stop() {
        guard started else { return }
        started = false
        Self.write("\u{1B}[?2004l\u{1B}[?1002l")
        endwin()
    }

    deinit { stop() }

    static func write(_ text: String) { write(Array(text.utf8)) }

    /// Writes straight to the terminal, past ncurses (which has flushed after its refresh).
    static func write(_ bytes: [UInt8]) {
        FileWriter.writeAll(bytes, to: STDOUT_FILENO)
    }

    /// The next paint clears the terminal and writes every cell: pictures drawn past ncurses
    /// leave nothing behind.
    func repaintAll() {
        clearok(retouch_stdscr(), true)
    }

    /// Takes the window's size from the terminal when it differs from ncurses' idea of it;
    /// the new size, or nil when nothing changed.
    func followWindowSize() -> Size? {
        guard let window = TerminalProbe.windowSize(), window.columns != size.columns || window.rows != size.rows else { return nil }
        resizeterm(Int32(window.rows), Int32(window.columns))
        size = Size(columns: Int(retouch_cols()), rows: Int(retouch_lines()))
        return size
    }

    // MARK: - Input

    typealias Input = TerminalInput

    /// Bracketed pastes, made whole across reads.
    private var pastes = PasteAssembler()

    /// Everything typed so far, without waiting. A bracketed paste becomes one `.paste` once its
    /// end has arrived (see `PasteAssembler`).
    func readInput() -> [Input] {
        let raw = readRaw()
        var inputs = pastes.feed(raw)
        guard pastes.isWaiting else { return inputs }
        // A paste whose end never comes (a byte the terminal or ncurses mangled ate it) must
        // not keep every later key as pasted text: after a pause, it ends where it is.
        let now = Monotonic.seconds()
        if !raw.isEmpty || pasteProgress == nil {
            pasteProgress = now
        } else if let last = pasteProgress, now - last > PasteAssembler.patience {
            inputs += pastes.flush()
            pasteProgress = nil
        }
        return inputs
    }

    /// When a paste still open last received something.
    private var pasteProgress: Double?

    var waitsForPaste: Bool { pastes.isWaiting }

    private func readRaw() -> [Input] {
        var inputs: [Input] = []
        while true {
            var character: wint_t = 0
            let result = wget_wch(retouch_stdscr(), &character)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if let input = special(Int32(character)) { inputs.append(input) }
            } else if let input = plain(UInt32(character)) {
                inputs.append(input)
            }
        }
        return inputs
    }

    private func plain(_ value: UInt32) -> Input? {
        switch value {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.control(Character(UnicodeScalar(value + 96)!)))
        default:
            guard let scalar = UnicodeScalar(value) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    private func special(_ code: Int32) -> Input? {
        switch code {
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_SLEFT: return .key(.shiftLeft)
        case KEY_SRIGHT: return .key(.shiftRight)
        case KEY_SR: return .key(.shiftUp)
        case KEY_SF: return .key(.shiftDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_DC: return .key(.delete)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case KEY_RESIZE:
            size = Size(columns: Int(retouch_cols()), rows: Int(retouch_lines()))
            return .resize(size)
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return nil }
            let x = Int(event.x), y = Int(event.y)
            if event.bstate & retouch_button1_pressed() != 0 { return .mouse(.press(x: x, y: y)) }
            if event.bstate & retouch_button1_released() != 0 { return .mouse(.release(x: x, y: y)) }
            if event.bstate & retouch_mouse_position() != 0 { return .mouse(.drag(x: x, y: y)) }
            return nil
        default:
            if code > 0 && code == wordLeftCode { return .key(.wordLeft) }
            if code > 0 && code == wordRightCode { return .key(.wordRight) }
            for n in 1...12 where code == retouch_key_f(Int32(n)) { return .key(.function(n)) }
            return nil
        }
    }

    // MARK: - Output

    /// Paints the cells that differ from `previous`, then places the cursor.
    func paint(_ screen: Screen, previous: Screen?) {
        let window = retouch_stdscr()
        let sameSize = previous?.size == screen.size
        for y in 0..<screen.size.rows {
            for x in 0..<screen.size.columns {
                let cell = screen[x, y]
                if cell.isContinuation { continue }
                if sameSize, let previous, previous[x, y] == cell { continue }
                let picture = colors.depth == .none && screen.images.contains { placement in
                    let a = placement.area
                    return x >= a.x && x < a.x + a.width && y >= a.y && y < a.y + a.height
                }
                let painted = colors.paint(cell.style, picture: picture, terminalHasColors: terminalHasColors)
                var attributes = retouch_a_normal()
                if painted.bold { attributes |= retouch_a_bold() }
                if painted.reverse { attributes |= retouch_a_reverse() }
                var wide = Array(cell.text.unicodeScalars.map { wchar_t($0.value) }.prefix(4)) + [0]
                var glyph = cchar_t()
                setcchar(&glyph, &wide, attributes, 0, nil)
                glyph.ext_color = terminalHasColors ? pair(painted.foreground, painted.background) : 0
                // The bottom-right cell cannot be written without scrolling: insert instead.
                if y == screen.size.rows - 1 && x == screen.size.columns - 1 {
                    wmove(window, Int32(y), Int32(x))
                    wins_wch(window, &glyph)
                } else {
                    mvwadd_wch(window, Int32(y), Int32(x), &glyph)
                }
            }
        }
        if let cursor = screen.cursor {
            curs_set(1)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        wrefresh(window)
    }

    /// A colour pair for two ncurses colour numbers, made once and remembered.
    private func pair(_ fg: Int32, _ bg: Int32) -> Int32 {
        if fg < 0 && bg < 0 { return 0 }
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        if let known = pairs[key] { return known }
        let made = alloc_pair(fg, bg)
        let result = made < 0 ? 0 : made
        pairs[key] = result
        return result
    }
}
