import Raster
@testable import EditorCore

/// The picture the cases show: twelve flat blocks, 4 x 3 of 80 pixels, in colours that none of
/// the terminals' text colours comes near, so that a picture's pixels are told from text.
enum Blocks {
    static let colors: [RGBA] = [
        RGBA(230, 60, 40), RGBA(60, 170, 70), RGBA(50, 80, 200), RGBA(240, 200, 60),
        RGBA(70, 200, 190), RGBA(190, 70, 170), RGBA(240, 140, 50), RGBA(120, 70, 20),
        RGBA(245, 200, 185), RGBA(150, 120, 160), RGBA(130, 40, 150), RGBA(20, 100, 110),
    ]
    static let image = RGBAImage(width: 320, height: 240) { x, y in colors[(y / 80) * 4 + x / 80] }
    /// The same blocks turned half a turn: its corners' colours are the other way round.
    static let turned = RGBAImage(width: 320, height: 240) { x, y in image[319 - x, 239 - y] }

    /// The mask cursor where the editor first puts it (the middle quarter), and one step right.
    static let cursor = PixelRect(x: 120, y: 90, width: 80, height: 60)
    static let nudged = PixelRect(x: 152, y: 90, width: 80, height: 60)

    /// The blocks with `rect` turned grey by `weight` (0 to 1): a black-and-white edit fading in.
    static func greyed(_ rect: PixelRect, weight: Double) -> RGBAImage {
        RGBAImage(width: image.width, height: image.height) { x, y in
            let p = image[x, y]
            guard rect.contains(x: x, y: y) else { return p }
            let luma = 0.299 * Double(p.r) + 0.587 * Double(p.g) + 0.114 * Double(p.b)
            func mix(_ c: UInt8) -> UInt8 { UInt8((Double(c) * (1 - weight) + luma * weight).rounded()) }
            return RGBA(mix(p.r), mix(p.g), mix(p.b))
        }
    }
}

/// One picture as it should look on the screen.
struct ExpectedPicture {
    /// Where, in the window's pixels.
    var rect: PixelRect
    /// Its pixels, `rect`'s size.
    var pixels: RGBAImage
    /// Outlines that must show, and ones that must not, in the picture's pixels.
    var outlines: [(rect: PixelRect, color: RGBA)] = []
    var noOutlines: [(rect: PixelRect, color: RGBA)] = []

    static let cursorOutline = RGBA(255, 215, 0)

    /// `image` as the editor's preview panel draws it in a window of `columns` x `rows` cells of
    /// `cell` pixels: in the cells the layout gives it, at the largest size that fits them.
    /// `tinted` rectangles (image pixels) are masked: 45 % red; `cursor` is outlined.
    static func editorPreview(_ image: RGBAImage, columns: Int, rows: Int, cell: (width: Int, height: Int),
                              tinted: [PixelRect] = [], cursor: PixelRect? = nil, notCursor: PixelRect? = nil) -> ExpectedPicture {
        let box = Layout.inner(Layout(size: Size(columns: columns, rows: rows)).preview)
        let area = Layout.imageArea(width: image.width, height: image.height, in: box)
        let fit = image.fittingSize(maxWidth: area.width * cell.width, maxHeight: area.height * cell.height)
        var pixels = image.resized(width: fit.width, height: fit.height)
        let sx = Double(fit.width) / Double(image.width), sy = Double(fit.height) / Double(image.height)
        func scaled(_ r: PixelRect) -> PixelRect {
            let x0 = Int((Double(r.x) * sx).rounded(.down)), y0 = Int((Double(r.y) * sy).rounded(.down))
            let x1 = Int((Double(r.maxX) * sx).rounded(.up)), y1 = Int((Double(r.maxY) * sy).rounded(.up))
            return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0).clipped(to: pixels.bounds)
        }
        for rect in tinted.map(scaled) {
            for y in rect.y..<rect.maxY {
                for x in rect.x..<rect.maxX {
                    let p = pixels[x, y]
                    pixels[x, y] = RGBA(UInt8((Int(p.r) * 55 + 255 * 45) / 100), UInt8(Int(p.g) * 55 / 100), UInt8(Int(p.b) * 55 / 100))
                }
            }
        }
        var picture = ExpectedPicture(rect: PixelRect(x: area.x * cell.width, y: area.y * cell.height, width: fit.width, height: fit.height),
                                      pixels: pixels)
        if let cursor {
            let rect = scaled(cursor)
            for x in rect.x..<rect.maxX { picture.pixels[x, rect.y] = cursorOutline; picture.pixels[x, rect.maxY - 1] = cursorOutline }
            for y in rect.y..<rect.maxY { picture.pixels[rect.x, y] = cursorOutline; picture.pixels[rect.maxX - 1, y] = cursorOutline }
            picture.outlines.append((rect, cursorOutline))
        }
        // Where the cursor was: its left and right sides (its top and bottom may lie on the
        // new outline).
        if let notCursor {
            let old = scaled(notCursor)
            for x in [old.x, old.maxX - 1] where !(picture.outlines.contains { $0.rect.x == x || $0.rect.maxX - 1 == x }) {
                picture.noOutlines.append((PixelRect(x: x, y: old.y, width: 1, height: old.height), cursorOutline))
            }
        }
        return picture
    }

    /// What is wrong with how `shot` (the window) shows this picture; empty when nothing is.
    /// `tolerance`: the largest difference of a tile's mean colour (sixel quantises and dithers).
    func problems(in shot: RGBAImage, tolerance: Int) -> [String] {
        guard shot.bounds.clipped(to: rect) == rect else {
            return ["the window (\(shot.width)x\(shot.height)) does not hold the picture's place \(describe(rect))"]
        }
        var problems: [String] = []
        // Where the picture is: its corner blocks, found by their colours around its corners.
        let first = pixels[0, 0], last = pixels[pixels.width - 1, pixels.height - 1]
        let nearFirst = PixelRect(x: rect.x - 40, y: rect.y - 40, width: 80, height: 80)
        let nearLast = PixelRect(x: rect.maxX - 40, y: rect.maxY - 40, width: 80, height: 80)
        if let found = PictureCheck.bounds(of: first, in: shot, region: nearFirst) {
            if abs(found.x - rect.x) > 1 || abs(found.y - rect.y) > 1 {
                problems.append("its top-left corner is at (\(found.x),\(found.y)), not (\(rect.x),\(rect.y))")
            }
        } else {
            problems.append("its top-left block is not shown near \(describe(rect))")
        }
        if let found = PictureCheck.bounds(of: last, in: shot, region: nearLast) {
            if abs(found.maxX - rect.maxX) > 1 || abs(found.maxY - rect.maxY) > 1 {
                problems.append("its bottom-right corner is at (\(found.maxX),\(found.maxY)), not (\(rect.maxX),\(rect.maxY))")
            }
        } else {
            problems.append("its bottom-right block is not shown near \(describe(rect))")
        }
        let shown = shot.cropped(to: rect)
        let worst = PictureCheck.worstTile(shown, pixels)
        if worst.difference > tolerance {
            let at = worst.at
            problems.append("its pixels differ: a tile's mean colour by \(worst.difference) (over \(tolerance)) at \(describe(at)) "
                            + "(shown \(PictureCheck.mean(shown, at)), expected \(PictureCheck.mean(pixels, at)))")
        }
        for (outline, color) in outlines {
            let share = PictureCheck.outlineShare(outline, color: color, in: shown)
            if share < 0.85 { problems.append("the outline \(describe(outline)) shows on \(Int(share * 100)) % of its length") }
        }
        for (outline, color) in noOutlines {
            let share = PictureCheck.outlineShare(outline, color: color, in: shown)
            if share > 0.15 { problems.append("the outline \(describe(outline)) still shows on \(Int(share * 100)) % of its length") }
        }
        return problems
    }
}

/// A screen's pictures as they should be, and how closely.
struct Expected {
    var pictures: [ExpectedPicture]
    var tolerance: Int

    /// Every problem: each picture's, and the pictures' colours where no picture is.
    func problems(in shot: RGBAImage) -> [String] {
        var problems = pictures.flatMap { $0.problems(in: shot, tolerance: tolerance) }
        // A pixel's width around each picture is its own edge, blended by resizing.
        let places = pictures.map { PixelRect(x: $0.rect.x - 1, y: $0.rect.y - 1, width: $0.rect.width + 2, height: $0.rect.height + 2) }
        let stray = PictureCheck.strayPixels(of: Blocks.colors, in: shot, except: places)
        if stray.count > 4, let first = stray.first {
            problems.append("\(stray.count) pixels of the picture's colours lie outside it (the first at (\(first.x),\(first.y)))")
        }
        return problems
    }
}

func describe(_ r: PixelRect) -> String { "\(r.width)x\(r.height) at (\(r.x),\(r.y))" }
