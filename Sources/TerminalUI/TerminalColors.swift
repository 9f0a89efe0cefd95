import EditorCore
import Raster
import TerminalGraphics

/// How the screen model's colours (xterm 256-colour indices) reach a terminal: the ncurses
/// colour number for its depth, the nearest of its 8 or 16 colours, the index itself, or the
/// palette's RGB for a direct-colour terminal (`xterm-direct`). Without colour (`NO_COLOR`, or
/// a terminal that has none) text keeps bold and reverse only, and a coloured background (the
/// status line) becomes reverse video so it still stands apart. Pure: `Curses` asks it.
struct TerminalColors: Equatable {
    enum Depth: Equatable, CaseIterable {
        case none, basic8, basic16, indexed256, direct
    }

    var depth: Depth

    /// `colors`: ncurses' `COLORS` (0 without colour); `noColor`: the `NO_COLOR` variable,
    /// which turns colour off when set and not empty (no-color.org).
    static func depth(colors: Int, noColor: String?) -> Depth {
        if let noColor, !noColor.isEmpty { return .none }
        switch colors {
        case ..<8: return .none
        case ..<16: return .basic8
        case ..<256: return .basic16
        case ..<(1 << 24): return .indexed256
        default: return .direct
        }
    }

    /// What ncurses is to paint for a cell: colour numbers (-1 is the terminal's own) and the
    /// attributes. `picture`: a cell of a picture drawn by ncurses, which keeps its colours
    /// whenever the terminal has any (NO_COLOR is about text, not about images).
    struct Painted: Equatable {
        var foreground: Int32
        var background: Int32
        var bold: Bool
        var reverse: Bool
    }

    func paint(_ style: Style, picture: Bool = false, terminalHasColors: Bool = true) -> Painted {
        if depth == .none {
            if picture && terminalHasColors {
                let colors = TerminalColors(depth: .indexed256)
                return Painted(foreground: colors.number(style.foreground), background: colors.number(style.background),
                               bold: style.bold, reverse: style.reverse)
            }
            return Painted(foreground: -1, background: -1, bold: style.bold, reverse: style.reverse != (style.background != .standard))
        }
        return Painted(foreground: number(style.foreground), background: number(style.background), bold: style.bold, reverse: style.reverse)
    }

    /// The ncurses colour number for `color`; -1 is the terminal's default.
    func number(_ color: Color) -> Int32 {
        guard case .indexed(let index) = color else { return -1 }
        switch depth {
        case .none: return -1
        case .basic8: return Self.nearest(index, among: 8)
        case .basic16: return index < 16 ? Int32(index) : Self.nearest(index, among: 16)
        case .indexed256: return Int32(index)
        case .direct:
            // xterm-direct keeps 0–7 for the terminal's own colours; above that a number is RGB.
            if index < 8 { return Int32(index) }
            let c = XTerm256.color(index)
            return Int32(c.r) << 16 | Int32(c.g) << 8 | Int32(c.b)
        }
    }

    /// The colour of ncurses number `number` at this depth, as xterm shows it (its default
    /// palette); nil for the terminal's default colour.
    func rgb(_ number: Int32) -> RGBA? {
        guard number >= 0, depth != .none else { return nil }
        if depth == .direct && number >= 8 { return RGBA(UInt8(number >> 16 & 0xFF), UInt8(number >> 8 & 0xFF), UInt8(number & 0xFF)) }
        return XTerm256.color(UInt8(number))
    }

    /// The nearest of xterm's first `count` colours, by distance weighted for the eye.
    static func nearest(_ index: UInt8, among count: Int) -> Int32 {
        let target = XTerm256.color(index)
        func distance(_ c: RGBA) -> Int {
            let dr = Int(c.r) - Int(target.r), dg = Int(c.g) - Int(target.g), db = Int(c.b) - Int(target.b)
            return 3 * dr * dr + 4 * dg * dg + 2 * db * db
        }
        return Int32((0..<count).min { distance(XTerm256.color(UInt8($0))) < distance(XTerm256.color(UInt8($1))) } ?? 0)
    }
}
