import Raster

/// Where each panel goes for a terminal size: the preview on the left, sources and parameters
/// on the right, the prompt below them, the status line at the bottom.
public struct Layout: Equatable, Sendable {
    public var preview: CellRect
    public var side: CellRect
    /// The side column's two panels, as drawn and as clicked.
    public var sources: CellRect
    public var parameters: CellRect
    public var prompt: CellRect
    public var status: Int

    /// `zoomed`: the preview takes the whole screen but the status line (full-size view).
    public init(size: Size, zoomed: Bool = false) {
        let promptHeight = min(8, max(4, size.rows / 5))
        status = size.rows - 1
        if zoomed {
            preview = CellRect(x: 0, y: 0, width: size.columns, height: status)
            side = CellRect(x: size.columns, y: 0, width: 0, height: status)
            (sources, parameters) = Self.split(side)
            prompt = CellRect(x: 0, y: status, width: size.columns, height: 0)
            return
        }
        let top = max(3, size.rows - 1 - promptHeight)
        let sideWidth = size.columns >= 60 ? min(44, max(28, size.columns / 3)) : 0
        preview = CellRect(x: 0, y: 0, width: size.columns - sideWidth, height: top)
        side = CellRect(x: size.columns - sideWidth, y: 0, width: sideWidth, height: top)
        (sources, parameters) = Self.split(side)
        prompt = CellRect(x: 0, y: top, width: size.columns, height: max(0, status - top))
    }

    /// Sources take the top third of the side column (at least four rows), parameters the rest.
    static func split(_ side: CellRect) -> (sources: CellRect, parameters: CellRect) {
        let sourcesHeight = min(side.height, max(4, side.height / 3))
        return (CellRect(x: side.x, y: side.y, width: side.width, height: sourcesHeight),
                CellRect(x: side.x, y: side.y + sourcesHeight, width: side.width, height: side.height - sourcesHeight))
    }

    func panel(at x: Int, _ y: Int) -> Panel? {
        func inside(_ r: CellRect) -> Bool { x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height }
        if inside(prompt) { return .prompt }
        if inside(preview) { return .mask }
        if inside(sources) { return .sources }
        if inside(parameters) { return .parameters }
        return nil
    }

    /// The cells an image of `width` x `height` pixels takes inside `box`, centred, aspect kept,
    /// with half-block pixels (a cell is one pixel wide and two tall).
    static func imageArea(width: Int, height: Int, in box: CellRect) -> CellRect {
        guard box.width > 0, box.height > 0, width > 0, height > 0 else { return CellRect(x: box.x, y: box.y, width: 0, height: 0) }
        let scale = min(Double(box.width) / Double(width), Double(box.height * 2) / Double(height))
        let columns = max(1, Int((Double(width) * scale).rounded()))
        let rows = max(1, Int((Double(height) * scale / 2).rounded()))
        return CellRect(x: box.x + (box.width - columns) / 2, y: box.y + (box.height - rows) / 2, width: columns, height: rows)
    }

    /// Results as tiles: each a picture with a one-line label under it.
    struct Gallery: Equatable {
        var columns: Int
        /// Rows that fit at once; more scroll.
        var visibleRows: Int
        var tileWidth: Int
        var tileHeight: Int

        /// The first grid row shown, so that `selected` is in view.
        func firstRow(showing selected: Int) -> Int {
            max(0, selected / columns - visibleRows + 1)
        }

        /// The tile at cell (x, y) of `box`, for a gallery of `count` scrolled to show `selected`.
        func tile(at x: Int, _ y: Int, in box: CellRect, count: Int, selected: Int) -> Int? {
            guard x >= box.x, y >= box.y, x < box.x + columns * tileWidth, y < box.y + visibleRows * tileHeight else { return nil }
            let index = (firstRow(showing: selected) + (y - box.y) / tileHeight) * columns + (x - box.x) / tileWidth
            return index < count ? index : nil
        }
    }

    /// The grid with the largest pictures for `count` tiles in `box`, each with `labelRows`
    /// lines under its picture; tiles at least 12 cells wide, scrolling when they do not all
    /// fit. `columns`, when it fits, fixes how many tiles a row holds.
    static func gallery(count: Int, in box: CellRect, labelRows: Int = 1, columns fixed: Int? = nil) -> Gallery {
        var best: Gallery?
        var bestSide = 0
        let choices = fixed.flatMap { box.width / $0 >= 12 ? [$0] : nil } ?? Array(1...max(1, count))
        for columns in choices {
            let rows = (count + columns - 1) / columns
            let width = box.width / columns, height = box.height / max(1, rows)
            guard width >= 12, height >= 3 + labelRows else { continue }
            // Half-block pixels: a cell is one wide and two tall.
            let side = min(width - 1, (height - labelRows) * 2)
            if side > bestSide {
                bestSide = side
                best = Gallery(columns: columns, visibleRows: rows, tileWidth: width, tileHeight: height)
            }
        }
        if let best { return best }
        let columns = max(1, min(fixed ?? Int.max, box.width / 12))
        let height = 3 + labelRows
        return Gallery(columns: columns, visibleRows: max(1, box.height / height), tileWidth: box.width / columns, tileHeight: height)
    }

    static func inner(_ rect: CellRect) -> CellRect {
        CellRect(x: rect.x + 1, y: rect.y + 1, width: max(0, rect.width - 2), height: max(0, rect.height - 2))
    }

    /// The first source's pixel under cell (x, y), when the preview shows it.
    static func imagePoint(_ x: Int, _ y: Int, state: EditorState, size: Size) -> Point? {
        guard state.preview == .source, let first = state.sources.first else { return nil }
        let area = imageArea(width: first.width, height: first.height, in: inner(Layout(size: size, zoomed: state.zoomed).preview))
        guard area.width > 0, x >= area.x, y >= area.y, x < area.x + area.width, y < area.y + area.height else { return nil }
        let px = (x - area.x) * first.width / area.width
        let py = (y - area.y) * first.height / area.height
        return Point(x: min(first.width - 1, px), y: min(first.height - 1, py))
    }
}
