import Foundation
import ImageCodecs
import Raster

/// A screen as `xwd` dumps it (true colour, ZPixmap), read into RGBA.
struct Screenshot {
    let image: RGBAImage

    init(image: RGBAImage) { self.image = image }

    /// Reads an XWD file: a header of big-endian 32-bit fields, the window's name, the colour
    /// map, then rows of pixels in the byte order the header names.
    init(xwd data: Data) throws {
        let bytes = [UInt8](data)
        func field(_ index: Int) -> Int {
            let at = index * 4
            guard at + 4 <= bytes.count else { return 0 }
            return Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        let headerSize = field(0), format = field(2), width = field(4), height = field(5)
        let lsbFirst = field(7) == 0, bitsPerPixel = field(11), bytesPerLine = field(12)
        let masks = [field(14), field(15), field(16)]
        let colors = field(19)
        guard field(1) == 7, format == 2, width > 0, height > 0, masks.allSatisfy({ $0 != 0 }) else {
            throw HarnessError("not a true-colour XWD dump")
        }
        // 32-bit pixels, or 24-bit ones packed in three bytes (xwd gives those once a program
        // has made a DirectColor visual's colormap, as kitty does); rows are `bytesPerLine` apart.
        let bytesPerPixel = bitsPerPixel / 8
        let start = headerSize + colors * 12
        guard bytesPerPixel == 3 || bytesPerPixel == 4, bytesPerLine >= width * bytesPerPixel, start + bytesPerLine * height <= bytes.count else { throw HarnessError("XWD dump cut short") }
        let shifts = masks.map { $0.trailingZeroBitCount }
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        bytes.withUnsafeBufferPointer { source in
            for y in 0..<height {
                var at = start + y * bytesPerLine
                for x in 0..<width {
                    var value = 0
                    for i in 0..<bytesPerPixel {
                        let byte = Int(source[at + i])
                        value |= lsbFirst ? byte << (8 * i) : byte << (8 * (bytesPerPixel - 1 - i))
                    }
                    let out = (y * width + x) * 4
                    for c in 0..<3 { pixels[out + c] = UInt8(truncatingIfNeeded: (value & masks[c]) >> shifts[c]) }
                    at += bytesPerPixel
                }
            }
        }
        image = RGBAImage(width: width, height: height, pixels: pixels)
    }

    func cropped(to rect: PixelRect) -> Screenshot {
        Screenshot(image: image.cropped(to: rect.clipped(to: image.bounds)))
    }

    func save(_ url: URL) {
        if let png = try? ImageEncoder.png(image) { _ = FileManager.default.createFile(atPath: url.path, contents: Data(png)) }
    }
}

/// What the picture area of a screenshot is to show, and the measures that say whether it does.
enum PictureCheck {
    /// The largest difference, over the channels, between the mean colours of two pictures'
    /// tiles (`tile` pixels square), and where it is. Means are compared, not pixels: sixel's
    /// palette and dithering move single pixels, not the colour of an area.
    static func worstTile(_ shown: RGBAImage, _ expected: RGBAImage, tile: Int = 12) -> (difference: Int, at: PixelRect) {
        precondition(shown.width == expected.width && shown.height == expected.height)
        var worst = (difference: 0, at: PixelRect(x: 0, y: 0, width: 0, height: 0))
        for ty in stride(from: 0, to: shown.height, by: tile) {
            for tx in stride(from: 0, to: shown.width, by: tile) {
                let rect = PixelRect(x: tx, y: ty, width: min(tile, shown.width - tx), height: min(tile, shown.height - ty))
                let a = mean(shown, rect), b = mean(expected, rect)
                let difference = (0..<3).map { abs(a[$0] - b[$0]) }.max()!
                if difference > worst.difference { worst = (difference, rect) }
            }
        }
        return worst
    }

    static func mean(_ image: RGBAImage, _ rect: PixelRect) -> [Int] {
        var sum = [0, 0, 0]
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX {
                let p = image[x, y]
                sum[0] += Int(p.r); sum[1] += Int(p.g); sum[2] += Int(p.b)
            }
        }
        let count = max(1, rect.width * rect.height)
        return sum.map { $0 / count }
    }

    static func close(_ a: RGBA, _ b: RGBA, _ tolerance: Int) -> Bool {
        abs(Int(a.r) - Int(b.r)) <= tolerance && abs(Int(a.g) - Int(b.g)) <= tolerance && abs(Int(a.b) - Int(b.b)) <= tolerance
    }

    /// The smallest rectangle holding every pixel within `tolerance` of `color` in `region`.
    static func bounds(of color: RGBA, in image: RGBAImage, region: PixelRect, tolerance: Int = 14) -> PixelRect? {
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        let region = region.clipped(to: image.bounds)
        for y in region.y..<region.maxY {
            for x in region.x..<region.maxX where close(image[x, y], color, tolerance) {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        return maxX < 0 ? nil : PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    /// Pixels of `image` outside `except` within `tolerance` of one of `colors`: a picture's
    /// colours where no picture should be (a leftover, or a picture drawn in the wrong place).
    static func strayPixels(of colors: [RGBA], in image: RGBAImage, except: [PixelRect], tolerance: Int = 10) -> (count: Int, first: (x: Int, y: Int)?) {
        var count = 0
        var first: (x: Int, y: Int)?
        for y in 0..<image.height {
            for x in 0..<image.width where !except.contains(where: { $0.contains(x: x, y: y) }) {
                let p = image[x, y]
                if colors.contains(where: { close(p, $0, tolerance) }) {
                    count += 1
                    if first == nil { first = (x, y) }
                }
            }
        }
        return (count, first)
    }

    /// The share of a rectangle's outline, in `image`, of `color` (within a pixel of where
    /// it should be).
    static func outlineShare(_ rect: PixelRect, color: RGBA, in image: RGBAImage, tolerance: Int = 48) -> Double {
        var points: [(Int, Int)] = []
        for x in rect.x..<rect.maxX { points += [(x, rect.y), (x, rect.maxY - 1)] }
        for y in rect.y..<rect.maxY { points += [(rect.x, y), (rect.maxX - 1, y)] }
        guard !points.isEmpty else { return 0 }
        let found = points.filter { x, y in
            [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)].contains { dx, dy in
                image.bounds.contains(x: x + dx, y: y + dy) && close(image[x + dx, y + dy], color, tolerance)
            }
        }
        return Double(found.count) / Double(points.count)
    }
}
