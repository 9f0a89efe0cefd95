import EditorCore
import ImageCodecs
import Raster
import TerminalGraphics

/// Which pictures a frame must (re)draw, from what the terminal shows now. Pure.
struct PlacementTracker {
    /// How a picture leaves the screen. Text written over sixel, iTerm2 and half-block pictures
    /// erases them cell by cell; kitty pictures stay above the text until deleted.
    enum Erasure { case byText, byDelete }

    struct Plan: Equatable {
        /// Picture pixels would stay behind in cells ncurses believes blank: repaint every cell
        /// (and so every picture).
        var repaintScreen = false
        /// kitty image ids to delete.
        var delete: [Int] = []
        var draw: [ImagePlacement] = []
    }

    private(set) var shown: [Int: ImagePlacement] = [:]

    /// `screenRepainted`: every cell is being written again (a resize), wiping text-erased pictures.
    mutating func plan(_ wanted: [ImagePlacement], erasure: Erasure, screenRepainted: Bool) -> Plan {
        var plan = Plan()
        let wantedByID = Dictionary(wanted.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let movedOrGone = shown.filter { id, old in wantedByID[id]?.area != old.area }.map(\.key).sorted()
        switch erasure {
        case .byText:
            plan.repaintScreen = !movedOrGone.isEmpty
            let everything = screenRepainted || plan.repaintScreen
            plan.draw = wanted.filter { everything || shown[$0.id] != $0 }
        case .byDelete:
            plan.delete = movedOrGone
            plan.draw = wanted.filter { screenRepainted || shown[$0.id] != $0 }
        }
        shown = wantedByID
        return plan
    }
}

/// Draws the screen model's pictures with what the terminal offers: 256-colour half-blocks as
/// ncurses cells, or — written straight to the terminal after ncurses has painted the text —
/// sixel, kitty, iTerm2 or truecolor half-blocks.
final class GraphicsLayer {
    let choice: GraphicsChoice
    /// One cell in pixels; follows the window when the terminal reports its pixel size.
    var cell: (width: Int, height: Int)
    private var tracker = PlacementTracker()
    /// Sixel palettes by picture sequence, so successive pictures keep their colours; the
    /// least recently used are dropped (a palette is small, but a long session meets many
    /// results).
    private var palettes = RecentlyUsed<PaletteKey, Palette>(capacity: 64)

    /// A sequence's palette, or its palette with the mask's tint.
    private struct PaletteKey: Hashable {
        var sequence: PlacementKey
        var decorated: Bool
    }

    init(choice: GraphicsChoice, cell: (width: Int, height: Int)) {
        self.choice = choice
        self.cell = (max(1, cell.width), max(1, cell.height))
    }

    /// ncurses paints the pictures, as 256-colour half-block cells.
    var paintsCells: Bool { choice.mode == .halfblock && choice.colors == .palette256 }

    private var erasure: PlacementTracker.Erasure { choice.mode == .kitty ? .byDelete : .byText }

    /// Puts into the screen model what ncurses is to paint of the pictures.
    func prepare(_ screen: inout Screen) {
        for placement in screen.images {
            if paintsCells {
                PreviewPicture.drawCells(placement, on: &screen)
            } else if choice.mode == .none {
                let label = "picture not shown (--graphics none)"
                let area = placement.area
                screen.put(label, x: area.x + max(0, (area.width - label.count) / 2), y: area.y + area.height / 2, style: .dim, limit: area.width)
            }
        }
    }

    /// What this frame needs, given what the terminal shows.
    func plan(_ screen: Screen, screenRepainted: Bool) -> PlacementTracker.Plan {
        guard !paintsCells, choice.mode != .none else { return PlacementTracker.Plan() }
        let wanted = choice.mode == .kitty ? screen.images.flatMap(Self.stacked) : screen.images
        let plan = tracker.plan(wanted, erasure: erasure, screenRepainted: screenRepainted)
        // A draft that is drawn again, or gone, needs no refinement.
        let redrawn = Set(plan.draw.map(\.id)), kept = Set(wanted.map(\.id))
        drafts = drafts.filter { kept.contains($0.key) && !redrawn.contains($0.key) }
        // Cells written over by text are no longer what was drawn there.
        if screenRepainted || plan.repaintScreen { drawn.removeAll() }
        let shown = Set(screen.images.map(\.id))
        drawn = drawn.filter { shown.contains($0.key) }
        return plan
    }

    /// Ids of kitty pictures that carry only a picture's mask, above it.
    static let decorationIDs = 1000

    /// kitty stacks pictures: a picture with a mask goes as the picture alone and, above it,
    /// the mask alone, so that painting the mask sends only the mask.
    static func stacked(_ placement: ImagePlacement) -> [ImagePlacement] {
        guard PreviewPicture.isDecorated(placement) else { return [placement] }
        var picture = placement
        (picture.overlay, picture.highlighted, picture.cursor, picture.maskImage) = ([], nil, nil, nil)
        var mask = placement
        mask.id += decorationIDs
        return [picture, mask]
    }

    /// Pictures as last drawn, by placement id: one drawn again in the same place sends only
    /// the cells that changed (truecolor half-blocks, sixel).
    private var drawn: [Int: (area: CellRect, picture: DrawnPicture)] = [:]

    enum DrawnPicture {
        case halfBlocks([[HalfBlock.Cell]])
        case sixel(IndexedImage)
    }

    /// iTerm2 and kitty send every pixel of a picture that changed (kitty's mask aside), so a
    /// busy link gets a draft first: a third of the size each way, about a tenth of the bytes.
    var sendsWholePictures: Bool { choice.mode == .iterm || choice.mode == .kitty }

    /// Pictures drawn as drafts, by placement id, to draw in full once the link is idle.
    private var drafts: [Int: ImagePlacement] = [:]
    var hasDrafts: Bool { !drafts.isEmpty }

    /// The bytes that carry out `plan`, to write once ncurses has refreshed; whole pictures as
    /// drafts when `draft`. The cursor is saved and restored around them, so ncurses' idea of
    /// it stays true.
    func bytes(for plan: PlacementTracker.Plan, draft: Bool = false) -> [UInt8] {
        guard !plan.delete.isEmpty || !plan.draw.isEmpty else { return [] }
        var out = Array("\u{1B}7".utf8)
        for id in plan.delete { out += wrapped(KittyGraphics.delete(id: id)) }
        for placement in plan.draw {
            let drafted = draft && sendsWholePictures && placement.id < Self.decorationIDs
            if drafted { drafts[placement.id] = placement }
            out += Array("\u{1B}[\(placement.area.y + 1);\(placement.area.x + 1)H".utf8)
            out += picture(placement, draft: drafted)
        }
        return out + Array("\u{1B}8".utf8)
    }

    /// The pictures last drawn as drafts, in full.
    func refinements() -> [UInt8] {
        let plan = PlacementTracker.Plan(draw: drafts.values.sorted { $0.id < $1.id })
        drafts.removeAll()
        return bytes(for: plan)
    }

    /// A sixel and a NUL after its terminator. mlterm, when a read from the pty ends inside a
    /// sixel's header, loses the ESC of the sequence right after the terminator and prints the
    /// rest as text into the picture (an "8" of ESC 8, a "[16;31H" of a cursor move); a NUL
    /// between them is ignored by every terminal and keeps that sequence whole.
    private func sixel(_ image: IndexedImage) -> [UInt8] {
        wrapped(SixelEncoder.encode(image) + [0])
    }

    private func wrapped(_ bytes: [UInt8]) -> [UInt8] {
        choice.tmuxPassthrough ? TmuxPassthrough.wrap(bytes) : bytes
    }

    /// The placement's picture in the chosen protocol, drawn from the cursor's cell.
    func picture(_ placement: ImagePlacement, draft: Bool = false) -> [UInt8] {
        let area = placement.area
        guard area.width > 0, area.height > 0 else { return [] }
        if choice.mode == .halfblock {
            let pixels = PreviewPicture.checkered(PreviewPicture.pixels(placement, width: area.width, height: area.height * 2))
            let cells = HalfBlock.cells(pixels, columns: area.width, rows: area.height, colors: .trueColor)
            var previous: [[HalfBlock.Cell]]?
            if let last = drawn[placement.id], last.area == area, case .halfBlocks(let cells) = last.picture { previous = cells }
            drawn[placement.id] = (area, .halfBlocks(cells))
            return HalfBlock.text(cells, tolerance: HalfBlock.previewTolerance, origin: (area.x, area.y), previous: previous)
        }
        // The picture at the pixel size of its cells, aspect kept (and no larger than a sixel
        // the terminal takes).
        var fit = placement.image.fittingSize(maxWidth: area.width * cell.width, maxHeight: area.height * cell.height)
        if choice.mode == .sixel { fit = choice.sixel.fitting(width: fit.width, height: fit.height) }
        if draft { return draftPicture(placement, width: fit.width, height: fit.height) }
        let pixels = PreviewPicture.checkered(PreviewPicture.pixels(placement, width: fit.width, height: fit.height))
        switch choice.mode {
        case .sixel:
            let palette = palette(for: placement, pixels: pixels)
            // No dither, partial images included: with one palette for a run, a pixel that did
            // not change keeps its colour (no crawl), and runs stay long (a dithered partial
            // cost twice the final's bytes).
            let indexed = IndexedImage(pixels, palette: palette, dither: .none)
            defer { drawn[placement.id] = (area, .sixel(indexed)) }
            if let last = drawn[placement.id], last.area == area, case .sixel(let old) = last.picture,
               let pieces = SixelPatch.pieces(from: old, to: indexed, cellWidth: cell.width, cellHeight: cell.height) {
                return pieces.flatMap { piece in
                    Array("\u{1B}[\(area.y + piece.row + 1);\(area.x + piece.column + 1)H".utf8) + sixel(piece.image)
                }
            }
            return sixel(indexed)
        case .kitty where placement.id >= Self.decorationIDs:
            return kittyDecorations(placement, width: fit.width, height: fit.height)
        case .kitty:
            guard let png = try? ImageEncoder.png(pixels) else { return [] }
            return wrapped(KittyGraphics.display(png: png, id: placement.id, columns: nil, rows: nil))
        case .iterm:
            guard let png = try? ImageEncoder.png(pixels) else { return [] }
            return wrapped(ITermInlineImage.display(encoded: png, columns: area.width, rows: area.height))
        case .auto, .halfblock, .none:
            return []
        }
    }

    /// A third of the picture's size each way, stretched over the same cells: JPEG for
    /// iTerm2, PNG for kitty (whose protocol takes PNG or raw pixels).
    private func draftPicture(_ placement: ImagePlacement, width: Int, height: Int) -> [UInt8] {
        let pixels = PreviewPicture.checkered(PreviewPicture.pixels(placement, width: max(1, width / 3), height: max(1, height / 3)))
        let columns = (width + cell.width - 1) / cell.width, rows = (height + cell.height - 1) / cell.height
        if choice.mode == .iterm {
            guard let jpeg = try? ImageEncoder.jpeg(pixels, quality: 80) else { return [] }
            return wrapped(ITermInlineImage.display(encoded: jpeg, columns: placement.area.width, rows: placement.area.height))
        }
        guard let png = try? ImageEncoder.png(pixels) else { return [] }
        return wrapped(KittyGraphics.display(png: png, id: placement.id, columns: columns, rows: rows))
    }

    /// The mask alone, cropped to where it is, placed from its first cell above the picture.
    private func kittyDecorations(_ placement: ImagePlacement, width: Int, height: Int) -> [UInt8] {
        guard let (image, box) = PreviewPicture.decorations(placement, width: width, height: height),
              let png = try? ImageEncoder.png(image, alpha: .always) else { return [] }
        let column = placement.area.x + box.x / cell.width, row = placement.area.y + box.y / cell.height
        return Array("\u{1B}[\(row + 1);\(column + 1)H".utf8)
            + wrapped(KittyGraphics.display(png: png, id: placement.id, columns: nil, rows: nil, layer: 1,
                                            cellOffset: (box.x % cell.width, box.y % cell.height)))
    }

    /// One palette per sequence. A picture with the mask over it gets a palette made from the
    /// picture and its tinted copy, plus the outline colours, so painting the mask never needs
    /// a new palette.
    private func palette(for placement: ImagePlacement, pixels: RGBAImage) -> Palette {
        // The source is where the mask is painted: its palette has the tint from the start, so
        // focusing the mask panel sends the cells the outline crosses, not the picture again.
        let decorated = placement.sequence.kind == .source || PreviewPicture.isDecorated(placement)
        let key = PaletteKey(sequence: placement.sequence, decorated: decorated)
        // A sequence keeps its palette while it serves the new picture well: a picture (a
        // partial image, a result) where more than 0.5 % of the pixels would be off by over 16
        // levels (an edit that brings new colours, even to a small region) gets a palette of
        // its own, sent whole.
        if let known = palettes.value(for: key), decorated || known.shareServedWorseThan(16, in: pixels) <= 0.005 {
            return known
        }
        let made: Palette
        if decorated {
            let plain = PreviewPicture.checkered(placement.image.resized(width: min(256, pixels.width), height: min(256, pixels.height)))
            let both = RGBAImage(width: plain.width, height: plain.height * 2) { x, y in
                y < plain.height ? plain[x, y] : PreviewPicture.tinted(plain[x, y - plain.height])
            }
            let colors = SixelEncoder.palette(for: both, maxColors: max(1, choice.sixel.colors - 2)).colors
            made = Palette(colors: colors + [PreviewPicture.selectedOutline, PreviewPicture.cursorOutline])
        } else {
            made = SixelEncoder.palette(for: pixels, maxColors: min(SixelEncoder.Options().maxColors, choice.sixel.colors))
        }
        palettes.set(made, for: key)
        return made
    }
}
