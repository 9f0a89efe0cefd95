import EditorCore
import Raster
import TerminalGraphics

/// Draws image placements as 256-colour half-block cells, with the mask shown over the picture:
/// masked rectangles tinted red, the selected one outlined in cyan, the cursor in yellow.
enum PreviewCells {
    static func draw(_ placement: ImagePlacement, on screen: inout Screen) {
        let area = placement.area
        guard area.width > 0, area.height > 0 else { return }
        var small = placement.image.resized(width: area.width, height: area.height * 2)
        let sx = Double(small.width) / Double(placement.image.width), sy = Double(small.height) / Double(placement.image.height)
        func scaled(_ r: PixelRect) -> PixelRect {
            let x0 = Int((Double(r.x) * sx).rounded(.down)), y0 = Int((Double(r.y) * sy).rounded(.down))
            let x1 = Int((Double(r.maxX) * sx).rounded(.up)), y1 = Int((Double(r.maxY) * sy).rounded(.up))
            return PixelRect(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0)).clipped(to: small.bounds)
        }
        if let maskImage = placement.maskImage {
            let mask = maskImage.resized(width: small.width, height: small.height)
            for y in 0..<small.height {
                for x in 0..<small.width where mask[x, y].a < 128 { small[x, y] = tinted(small[x, y]) }
            }
        }
        for rect in placement.overlay.map(scaled) {
            for y in rect.y..<rect.maxY {
                for x in rect.x..<rect.maxX { small[x, y] = tinted(small[x, y]) }
            }
        }
        if let index = placement.highlighted, placement.overlay.indices.contains(index) {
            outline(scaled(placement.overlay[index]), RGBA(0, 215, 255), on: &small)
        }
        if let cursor = placement.cursor { outline(scaled(cursor), RGBA(255, 215, 0), on: &small) }
        let cells = HalfBlock.cells(small, columns: area.width, rows: area.height, colors: .palette256)
        for (row, line) in cells.enumerated() {
            for (column, cell) in line.enumerated() {
                guard case .indexed(let top) = cell.top, case .indexed(let bottom) = cell.bottom else { continue }
                screen.put("▀", x: area.x + column, y: area.y + row, style: Style(foreground: .indexed(top), background: .indexed(bottom)))
            }
        }
    }

    /// A masked pixel: 45 % red over the picture.
    private static func tinted(_ p: RGBA) -> RGBA {
        RGBA(UInt8((Int(p.r) * 55 + 255 * 45) / 100), UInt8(Int(p.g) * 55 / 100), UInt8(Int(p.b) * 55 / 100))
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
