import Raster

/// What changed between two pictures drawn in the same place with the same palette, as sixel
/// pieces aligned to the terminal's cells: a mask nudged over a photo re-sends the cells its
/// outline crossed, not the photo.
public enum SixelPatch {
    /// One piece: its image, drawn from cell (`column`, `row`) of the picture.
    public struct Piece {
        public var column: Int
        public var row: Int
        public var image: IndexedImage
    }

    /// The pieces of `new` that differ from `old`, a row of cells at a time; changed cells a
    /// cell apart go in one piece. Nil when the two cannot be compared (size or palette differ).
    public static func pieces(from old: IndexedImage, to new: IndexedImage, cellWidth: Int, cellHeight: Int) -> [Piece]? {
        guard old.width == new.width, old.height == new.height, old.palette == new.palette, cellWidth > 0, cellHeight > 0 else { return nil }
        let columns = (new.width + cellWidth - 1) / cellWidth
        var pieces: [Piece] = []
        for row in 0..<((new.height + cellHeight - 1) / cellHeight) {
            let top = row * cellHeight, bottom = min(new.height, top + cellHeight)
            var runs: [Range<Int>] = []
            for column in 0..<columns where cellDiffers(old, new, x: column * cellWidth, top: top, width: cellWidth, bottom: bottom) {
                if let last = runs.last, column - last.upperBound <= 1 {
                    runs[runs.count - 1] = last.lowerBound..<(column + 1)
                } else {
                    runs.append(column..<(column + 1))
                }
            }
            for run in runs {
                let x = run.lowerBound * cellWidth
                let rect = PixelRect(x: x, y: top, width: min(new.width, run.upperBound * cellWidth) - x, height: bottom - top)
                pieces.append(Piece(column: run.lowerBound, row: row, image: new.cropped(to: rect)))
            }
        }
        return pieces
    }

    static func cellDiffers(_ old: IndexedImage, _ new: IndexedImage, x: Int, top: Int, width: Int, bottom: Int) -> Bool {
        let right = min(new.width, x + width)
        for y in top..<bottom {
            let start = y * new.width
            for i in (start + x)..<(start + right) {
                if old.indices[i] != new.indices[i] || old.transparent?[i] != new.transparent?[i] { return true }
            }
        }
        return false
    }
}

extension IndexedImage {
    /// The pixels inside `rect` (within the image), with the same palette.
    public func cropped(to rect: PixelRect) -> IndexedImage {
        var indices: [UInt8] = []
        indices.reserveCapacity(rect.width * rect.height)
        var transparent: [Bool]? = self.transparent == nil ? nil : []
        for y in rect.y..<rect.maxY {
            let start = y * width + rect.x
            indices += self.indices[start..<(start + rect.width)]
            if let mine = self.transparent { transparent! += mine[start..<(start + rect.width)] }
        }
        return IndexedImage(width: rect.width, height: rect.height, indices: indices, transparent: transparent, palette: palette)
    }
}
