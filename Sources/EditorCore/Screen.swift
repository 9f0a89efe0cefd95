import Raster
import TerminalText

/// A size in terminal cells.
public struct Size: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

/// A position: a cell on screen, or a pixel in an image.
public struct Point: Equatable, Sendable {
    public var x: Int, y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in terminal cells.
public struct CellRect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

public enum Color: Equatable, Hashable, Sendable {
    case standard
    /// An xterm 256-colour index.
    case indexed(UInt8)
}

public struct Style: Equatable, Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool

    public init(foreground: Color = .standard, background: Color = .standard, bold: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
    }

    public static let plain = Style()
    public static let emphasis = Style(bold: true)
    public static let selected = Style(reverse: true)
    public static let dim = Style(foreground: .indexed(244))
    public static let warning = Style(foreground: .indexed(214), bold: true)
    public static let error = Style(foreground: .indexed(196), bold: true)
    public static let accent = Style(foreground: .indexed(81))
    /// The status line: hints, or a notice, on the left; backend, model and the run on the
    /// right. Each pair keeps a WCAG contrast of 4.5 or more at every colour depth, and
    /// without colour the bar is reverse video (tested in TerminalUITests).
    public static let statusBar = Style(foreground: .indexed(252), background: .indexed(236))
    public static let statusNotice = Style(foreground: .indexed(214), background: .indexed(236), bold: true)
    public static let statusRight = Style(foreground: .indexed(81), background: .indexed(236))
}

/// One cell: a grapheme (a wide one fills this cell and marks the next as its continuation).
public struct ScreenCell: Equatable, Sendable {
    public var text: String
    public var style: Style
    /// The right half of a wide character: drawn by the cell before it.
    public var isContinuation: Bool

    public static let blank = ScreenCell(text: " ", style: .plain, isContinuation: false)
}

/// An image to draw over a cell rectangle, after the text.
public struct ImagePlacement: Equatable, Sendable {
    public var id: Int
    public var area: CellRect
    public var image: RGBAImage
    /// Masked rectangles to tint, in the image's pixel coordinates.
    public var overlay: [PixelRect]
    /// The selected rectangle, outlined.
    public var highlighted: Int?
    /// The mask cursor, outlined, when the mask panel has focus.
    public var cursor: PixelRect?
    /// A loaded mask, the image's size: its transparent pixels are tinted like rectangles.
    public var maskImage: RGBAImage?
    /// Pictures of one sequence (a source while its mask is painted, the partial images of a
    /// run) can share a sixel palette, so they do not shimmer as they follow each other.
    public var sequence: PlacementKey
    /// A partial image: more are coming, the picture is not final.
    public var isPartial: Bool

    public init(id: Int, area: CellRect, image: RGBAImage, overlay: [PixelRect] = [], highlighted: Int? = nil,
                cursor: PixelRect? = nil, maskImage: RGBAImage? = nil, sequence: PlacementKey, isPartial: Bool = false) {
        self.id = id
        self.area = area
        self.image = image
        self.overlay = overlay
        self.highlighted = highlighted
        self.cursor = cursor
        self.maskImage = maskImage
        self.sequence = sequence
        self.isPartial = isPartial
    }
}

/// Names a sequence of pictures: what is shown, and which one.
public struct PlacementKey: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The first source, with its mask over it.
        case source
        /// The partial images of one run.
        case run
        /// A saved result.
        case result
        /// A file highlighted in the picker.
        case file
    }

    public var kind: Kind
    /// A path, or a run's start.
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue):\(name)" }
}

/// What the editor shows: a grid of cells plus images; the terminal layer paints it.
public struct Screen: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [ScreenCell]
    public var images: [ImagePlacement] = []
    /// Where the text cursor should be, when a text field has focus.
    public var cursor: Point?

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.columns * size.rows))
    }

    public subscript(x: Int, y: Int) -> ScreenCell {
        cells[y * size.columns + x]
    }

    /// Writes `text` from (x, y), clipped to `limit` columns (default: the screen's edge).
    /// Every text on screen passes here: a character `TerminalText` calls a control (C0, DEL,
    /// C1, bidirectional controls) is shown as `?`, so a file name, prompt or server message can
    /// never move the cursor, change modes or reorder what the panel shows.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < size.rows else { return x }
        let end = min(size.columns, x + (limit ?? size.columns))
        var column = x
        var last: Int?
        for character in text {
            let glyph = TerminalText.isPrintable(character) ? String(character) : "?"
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if column + width > end {
                // Text cut to a field's width ends in an ellipsis, so the cut shows.
                if limit != nil, let last { markCut(y: y, at: last, end: column) }
                break
            }
            if column >= 0 {
                last = column
                cells[y * size.columns + column] = ScreenCell(text: glyph, style: style, isContinuation: false)
                if width == 2 {
                    cells[y * size.columns + column + 1] = ScreenCell(text: "", style: style, isContinuation: true)
                }
            }
            column += width
        }
        return column
    }

    /// The character drawn at `start` (up to `end`) becomes "…".
    private mutating func markCut(y: Int, at start: Int, end: Int) {
        let style = cells[y * size.columns + start].style
        cells[y * size.columns + start] = ScreenCell(text: "…", style: style, isContinuation: false)
        for column in (start + 1)..<end { cells[y * size.columns + column] = ScreenCell(text: " ", style: style, isContinuation: false) }
    }

    public mutating func fill(_ rect: CellRect, style: Style) {
        for y in max(0, rect.y)..<min(size.rows, rect.y + rect.height) {
            for x in max(0, rect.x)..<min(size.columns, rect.x + rect.width) {
                cells[y * size.columns + x] = ScreenCell(text: " ", style: style, isContinuation: false)
            }
        }
    }

    /// A box outline with a title in the top border.
    public mutating func box(_ rect: CellRect, title: String, focused: Bool) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let style = focused ? Style(foreground: .indexed(81), bold: true) : Style.dim
        let right = rect.x + rect.width - 1, bottom = rect.y + rect.height - 1
        put("┌" + String(repeating: "─", count: rect.width - 2) + "┐", x: rect.x, y: rect.y, style: style)
        put("└" + String(repeating: "─", count: rect.width - 2) + "┘", x: rect.x, y: bottom, style: style)
        for y in (rect.y + 1)..<bottom {
            put("│", x: rect.x, y: y, style: style)
            put("│", x: right, y: y, style: style)
        }
        put(" \(title) ", x: rect.x + 2, y: rect.y, style: style, limit: rect.width - 4)
    }

    /// The screen as plain text lines (for tests and captures).
    public var text: [String] {
        (0..<size.rows).map { y in
            (0..<size.columns).map { x -> String in
                let cell = self[x, y]
                return cell.isContinuation ? "" : cell.text
            }.joined()
        }
    }

}

/// How many cells a character takes: 2 for East Asian wide and emoji, 0 for lone combining
/// marks and zero-width characters, else 1.
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        // A control is drawn as one `?`.
        if !TerminalText.isPrintable(character) { return 1 }
        let v = first.value
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark
            || v == 0x200B || v == 0x200D || v == 0xFEFF {
            return 0
        }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) && v != 0x303F || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }
}
