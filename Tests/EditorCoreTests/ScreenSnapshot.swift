import Foundation
import Raster
import SnapshotTesting
@testable import EditorCore

extension Snapshotting where Value == Screen, Format == String {
    /// A whole screen as text, diffed line by line: the characters of every row, the style of
    /// every cell, the image placements and the cursor.
    static var screen: Snapshotting<Screen, String> {
        Snapshotting<String, String>.lines.pullback(ScreenSnapshot.text)
    }
}

/// The text of a screen snapshot. Each grid row starts with its number and ends with `|`, the
/// right edge, so trailing spaces show; a wide character takes two columns, as on screen.
enum ScreenSnapshot {
    /// The styles with a name in `Style`, each with its letter; plain cells are dots.
    static let named: [(letter: Character, name: String, style: Style)] = [
        (".", "plain", .plain),
        ("e", "emphasis", .emphasis),
        ("s", "selected", .selected),
        ("d", "dim", .dim),
        ("w", "warning", .warning),
        ("x", "error", .error),
        ("a", "accent", .accent),
        ("b", "statusBar", .statusBar),
        ("n", "statusNotice", .statusNotice),
        ("r", "statusRight", .statusRight),
    ]
    /// Letters for styles without a name, in the order they first appear (row by row).
    static let unnamedLetters = Array("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    static func text(_ screen: Screen) -> String {
        let size = screen.size
        var out: [String] = ["Screen \(size.columns)x\(size.rows)", ""]

        // Letters: the named styles first, then the others as they come.
        var letters: [Style: Character] = [:]
        for entry in named where letters[entry.style] == nil { letters[entry.style] = entry.letter }
        var unnamed: [Style] = []
        for cell in screen.cells where letters[cell.style] == nil {
            letters[cell.style] = unnamedLetters[min(unnamed.count, unnamedLetters.count - 1)]
            unnamed.append(cell.style)
        }
        let used = Set(screen.cells.map(\.style))

        out.append("Text")
        out.append(ruler(size.columns))
        for y in 0..<size.rows {
            let row = (0..<size.columns).map { x -> String in
                let cell = screen[x, y]
                return cell.isContinuation ? "" : cell.text
            }.joined()
            out.append(label(y) + row + "|")
        }
        out.append("")

        out.append("Styles")
        for entry in named where used.contains(entry.style) {
            out.append("  \(entry.letter)  \(entry.name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(describe(entry.style))")
        }
        for style in unnamed {
            out.append("  \(letters[style]!)  \("(unnamed)".padding(toLength: 13, withPad: " ", startingAt: 0)) \(describe(style))")
        }
        out.append(ruler(size.columns))
        for y in 0..<size.rows {
            let row = String((0..<size.columns).map { x in letters[screen[x, y].style]! })
            out.append(label(y) + row + "|")
        }
        out.append("")

        out.append("Images")
        if screen.images.isEmpty { out.append("  none") }
        for placement in screen.images {
            out.append("  " + describe(placement))
        }
        out.append("")
        out.append("Cursor " + (screen.cursor.map { "x \($0.x), y \($0.y)" } ?? "none"))
        return out.joined(separator: "\n") + "\n"
    }

    static func label(_ row: Int) -> String {
        (row < 10 ? "0\(row)" : "\(row)") + " "
    }

    /// Tens above the grid: "0" at column 0, "1" at column 10, and so on.
    static func ruler(_ columns: Int) -> String {
        var line = ""
        var column = 0
        while column < columns {
            let mark = "\(column / 10)"
            line += mark + String(repeating: " ", count: max(0, min(10, columns - column) - mark.count))
            column += 10
        }
        // No trailing spaces: an editor that strips them must not change a golden.
        return "   " + String(line.reversed().drop(while: { $0 == " " }).reversed())
    }

    static func describe(_ style: Style) -> String {
        var parts: [String] = []
        if style.foreground != .standard { parts.append("fg \(describe(style.foreground))") }
        if style.background != .standard { parts.append("bg \(describe(style.background))") }
        if style.bold { parts.append("bold") }
        if style.reverse { parts.append("reverse") }
        return parts.isEmpty ? "default colours" : parts.joined(separator: ", ")
    }

    static func describe(_ color: EditorCore.Color) -> String {
        switch color {
        case .standard: "default"
        case .indexed(let index): "\(index)"
        }
    }

    static func describe(_ placement: ImagePlacement) -> String {
        let area = placement.area
        var parts = [
            "id \(placement.id)",
            "cells x \(area.x) y \(area.y) \(area.width)x\(area.height)",
            "image \(placement.image.width)x\(placement.image.height) #\(fingerprint(placement.image))",
            "sequence \"\(placement.sequence)\"",
            "overlay \(placement.overlay.count)" + (placement.overlay.isEmpty ? "" : " " + placement.overlay.map(describe).joined(separator: " ")),
        ]
        if let highlighted = placement.highlighted { parts.append("highlighted \(highlighted)") }
        if let cursor = placement.cursor { parts.append("mask cursor \(describe(cursor))") }
        if let mask = placement.maskImage { parts.append("mask image \(mask.width)x\(mask.height)") }
        parts.append(placement.isPartial ? "partial" : "final")
        return parts.joined(separator: " · ")
    }

    /// FNV-1a of the pixels, in hex: tells pictures of the same size apart.
    static func fingerprint(_ image: RGBAImage) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in image.pixels {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    static func describe(_ rect: PixelRect) -> String {
        "[\(rect.x),\(rect.y) \(rect.width)x\(rect.height)]"
    }
}
