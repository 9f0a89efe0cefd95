import EditorCore
import Foundation
import Raster
import Testing
@testable import TerminalUI

/// The status line is readable at every colour depth (xterm's palette), and without colour
/// (NO_COLOR) it uses attributes only.
@Suite struct StatusLineColorTests {
    /// WCAG 2 contrast ratio of two sRGB colours: 1 (same) to 21 (black and white).
    static func contrast(_ a: RGBA, _ b: RGBA) -> Double {
        func luminance(_ c: RGBA) -> Double {
            func linear(_ v: UInt8) -> Double {
                let s = Double(v) / 255
                return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
        }
        let (l1, l2) = (luminance(a), luminance(b))
        return (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05)
    }

    @Test func theContrastFormulaMatchesWCAG() {
        #expect(abs(Self.contrast(RGBA(0, 0, 0), RGBA(255, 255, 255)) - 21) < 0.01)
        #expect(abs(Self.contrast(RGBA(118, 118, 118), RGBA(255, 255, 255)) - 4.54) < 0.01)
    }

    /// The status lines of an idle editor, one with a notice and one with session tokens.
    static func statusRows() -> [(name: String, cells: [ScreenCell])] {
        var idle = EditorState(sources: [], backend: .local)
        idle.focus = .prompt
        var notice = idle
        notice.notice = "Reopened the last session (retouch --new starts afresh)"
        var tokens = idle
        tokens.sessionTokens = 1234
        return [("idle", idle), ("notice", notice), ("tokens", tokens)].map { name, state in
            let screen = Editor.view(state, size: Size(columns: 120, rows: 30))
            let row = (0..<screen.size.rows).last { y in screen[0, y].style.background != .standard } ?? 0
            return (name, (0..<screen.size.columns).map { screen[$0, row] })
        }
    }

    @Test(arguments: [TerminalColors.Depth.basic8, .basic16, .indexed256, .direct])
    func everyCharacterOfTheStatusLineHasContrast(depth: TerminalColors.Depth) throws {
        let colors = TerminalColors(depth: depth)
        for (name, cells) in Self.statusRows() {
            let text = cells.map(\.text).joined()
            #expect(text.contains("local engine (offline)"), "\(name): \(text)")
            for (x, cell) in cells.enumerated() where cell.text != " " && !cell.isContinuation {
                let painted = colors.paint(cell.style)
                let foreground = try #require(colors.rgb(painted.foreground), "\(name) column \(x): a colour of its own")
                let background = try #require(colors.rgb(painted.background), "\(name) column \(x): a colour of its own")
                let ratio = Self.contrast(foreground, background)
                #expect(ratio >= 4.5, "\(depth), \(name), column \(x) \"\(cell.text)\": \(foreground) on \(background) is \(ratio)")
            }
        }
    }

    /// Before, 8-colour terminals took the index modulo 8: the right part (81 on 236) was red
    /// on blue.
    @Test func eightColoursTakeTheNearestColourNotTheIndexModuloEight() {
        let colors = TerminalColors(depth: .basic8)
        #expect(colors.paint(.statusRight) == .init(foreground: 6, background: 0, bold: false, reverse: false), "cyan on black")
        #expect(colors.paint(.statusBar) == .init(foreground: 7, background: 0, bold: false, reverse: false), "white on black")
        #expect(colors.number(.indexed(196)) == 1 && colors.number(.indexed(9)) == 1 && colors.number(.indexed(15)) == 7)
        let sixteen = TerminalColors(depth: .basic16)
        #expect(sixteen.number(.indexed(9)) == 9 && sixteen.number(.indexed(244)) == 8)
    }

    @Test func directColourTerminalsGetThePalettesRGB() {
        let colors = TerminalColors(depth: .direct)
        #expect(colors.number(.indexed(236)) == 0x30_30_30)
        #expect(colors.number(.indexed(81)) == 0x5F_D7_FF)
        #expect(colors.number(.indexed(3)) == 3, "the terminal's own colours stay its own")
        #expect(colors.number(.standard) == -1)
    }

    @Test func noColorMeansAttributesOnly() {
        #expect(TerminalColors.depth(colors: 256, noColor: "1") == .none)
        #expect(TerminalColors.depth(colors: 256, noColor: "") == .indexed256, "an empty NO_COLOR is not set")
        #expect(TerminalColors.depth(colors: 256, noColor: nil) == .indexed256)
        #expect(TerminalColors.depth(colors: 8, noColor: nil) == .basic8)
        #expect(TerminalColors.depth(colors: 16, noColor: nil) == .basic16)
        #expect(TerminalColors.depth(colors: 1 << 24, noColor: nil) == .direct)
        #expect(TerminalColors.depth(colors: 0, noColor: nil) == .none)

        let colors = TerminalColors(depth: .none)
        for (name, cells) in Self.statusRows() {
            for (x, cell) in cells.enumerated() {
                let painted = colors.paint(cell.style)
                #expect(painted.foreground == -1 && painted.background == -1, "\(name) column \(x): no colour")
                #expect(painted.reverse, "\(name) column \(x): the bar stands apart in reverse video")
            }
            if name == "notice" { #expect(cells.contains { colors.paint($0.style).bold }, "the notice is bold") }
        }
        // Elsewhere too: colours give way to plain text, selection stays reverse, errors bold.
        #expect(colors.paint(.accent) == .init(foreground: -1, background: -1, bold: false, reverse: false))
        #expect(colors.paint(.selected).reverse && colors.paint(.error).bold)
        // A picture's cells keep their colours where the terminal has some.
        let picture = Style(foreground: .indexed(196), background: .indexed(21))
        #expect(colors.paint(picture, picture: true) == .init(foreground: 196, background: 21, bold: false, reverse: false))
        #expect(colors.paint(picture, picture: true, terminalHasColors: false).foreground == -1)
    }
}
