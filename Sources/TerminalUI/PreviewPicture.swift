import EditorCore
import Raster
import TerminalGraphics

/// A placement made into pixels: the picture scaled to the size it is drawn at, with the mask
/// over it (masked areas tinted red, the selected rectangle outlined in cyan, the cursor in
/// yellow) and transparency shown as a checkerboard.
enum PreviewPicture {
    static let selectedOutline = RGBA(0, 215, 255)
    static let cursorOutline = RGBA(255, 215, 0)

    static func pixels(_ placement: ImagePlacement, width: Int, height: Int) -> RGBAImage {
        var small = placement.image.resized(width: max(1, width), height: max(1, height))
        decorate(placement, on: &small, tint: tinted)
        return small
    }

    /// The mask alone, over transparency, at the size the picture is drawn, cropped to where it
    /// is (`box`, in those pixels): for terminals that stack pictures (kitty), so a nudge of the
    /// rectangle sends this and not the picture. Nil when there is nothing to draw.
    static func decorations(_ placement: ImagePlacement, width: Int, height: Int) -> (image: RGBAImage, box: PixelRect)? {
        var canvas = RGBAImage(width: max(1, width), height: max(1, height), fill: .transparent)
        // 45 % red over the picture, as `tinted` mixes it.
        decorate(placement, on: &canvas) { _ in RGBA(255, 0, 0, 115) }
        guard let box = canvas.opaqueBounds else { return nil }
        return (canvas.cropped(to: box), box)
    }

    /// Whether the placement has a mask to show.
    static func isDecorated(_ placement: ImagePlacement) -> Bool {
        !placement.overlay.isEmpty || placement.cursor != nil || placement.maskImage != nil
    }

    /// Tints what the mask covers and outlines the selected rectangle and the cursor, on a
    /// picture already scaled to the size it is drawn at.
    private static func decorate(_ placement: ImagePlacement, on small: inout RGBAImage, tint: (RGBA) -> RGBA) {
        let sx = Double(small.width) / Double(placement.image.width), sy = Double(small.height) / Double(placement.image.height)
        let bounds = small.bounds
        func scaled(_ r: PixelRect) -> PixelRect {
            let x0 = Int((Double(r.x) * sx).rounded(.down)), y0 = Int((Double(r.y) * sy).rounded(.down))
            let x1 = Int((Double(r.maxX) * sx).rounded(.up)), y1 = Int((Double(r.maxY) * sy).rounded(.up))
            return PixelRect(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0)).clipped(to: bounds)
        }
        if let maskImage = placement.maskImage {
            let mask = maskImage.resized(width: small.width, height: small.height)
            for y in 0..<small.height {
                for x in 0..<small.width where mask[x, y].a < 128 { small[x, y] = tint(small[x, y]) }
            }
        }
        for rect in placement.overlay.map(scaled) {
            for y in rect.y..<rect.maxY {
                for x in rect.x..<rect.maxX { small[x, y] = tint(small[x, y]) }
            }
        }
        if let index = placement.highlighted, placement.overlay.indices.contains(index) {
            outline(scaled(placement.overlay[index]), selectedOutline, on: &small)
        }
        if let cursor = placement.cursor { outline(scaled(cursor), cursorOutline, on: &small) }
    }

    /// The picture as 256-colour half-block cells of the screen model, painted by ncurses.
    static func drawCells(_ placement: ImagePlacement, on screen: inout Screen) {
        let area = placement.area
        guard area.width > 0, area.height > 0 else { return }
        let small = pixels(placement, width: area.width, height: area.height * 2)
        let cells = HalfBlock.cells(small, columns: area.width, rows: area.height, colors: .palette256)
        for (row, line) in cells.enumerated() {
            for (column, cell) in line.enumerated() {
                guard case .indexed(let top) = cell.top, case .indexed(let bottom) = cell.bottom else { continue }
                screen.put("▀", x: area.x + column, y: area.y + row, style: Style(foreground: .indexed(top), background: .indexed(bottom)))
            }
        }
    }

    /// Opaque pixels for protocols that draw over the terminal's own cells: transparent areas
    /// show a grey checkerboard of about 24 squares across, 2 to 8 pixels each.
    static func checkered(_ image: RGBAImage) -> RGBAImage {
        let square = max(2, min(8, max(image.width, image.height) / 24))
        return image.flattened { x, y in (x / square + y / square) % 2 == 0 ? RGBA(72, 72, 72) : RGBA(104, 104, 104) }
    }

    /// A masked pixel: 45 % red over the picture.
    static func tinted(_ p: RGBA) -> RGBA {
        RGBA(UInt8((Int(p.r) * 55 + 255 * 45) / 100), UInt8(Int(p.g) * 55 / 100), UInt8(Int(p.b) * 55 / 100), p.a)
    }

    private static func outline(_ rect: PixelRect, _ color: RGBA, on image: inout RGBAImage) {
        guard !rect.isEmpty else { return }
        for x in rect.x..<rect.maxX {
            image[x, rect.y] = color
            image[x, rect.maxY - 1] = color
        }
        for y in rect.y..<rect.maxY {
            image[rect.x, y] = color
            image[rect.maxX - 1, y] = color
        }
    }
}
