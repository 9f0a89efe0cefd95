import Raster

/// Painting the mask on the first source: a cursor rectangle moved and resized with keys (or
/// dragged with the mouse), added as a masked rectangle; rectangles can be selected and removed.
public struct MaskEditor: Equatable, Sendable {
    public var imageWidth: Int
    public var imageHeight: Int
    public var rects: [PixelRect] = []
    public var cursor: PixelRect
    /// Index in `rects` of the selected rectangle, for deletion.
    public var selected: Int?
    public var inverted = false
    /// Coarse steps move a tenth of the image; fine steps a hundredth.
    public var coarse = true
    /// A mask loaded from a PNG (alpha 0 = edit), the source's size, combined with the
    /// rectangles; and a copy the size of the source's preview, for the overlay.
    public var loaded: RGBAImage?
    public var loadedPreview: RGBAImage?

    public init(imageWidth: Int, imageHeight: Int) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        let w = max(1, imageWidth / 4), h = max(1, imageHeight / 4)
        cursor = PixelRect(x: (imageWidth - w) / 2, y: (imageHeight - h) / 2, width: w, height: h)
    }

    var step: (x: Int, y: Int) {
        let divisor = coarse ? 10 : 100
        return (max(1, imageWidth / divisor), max(1, imageHeight / divisor))
    }

    public mutating func move(dx: Int, dy: Int) {
        cursor.x = min(max(0, cursor.x + dx * step.x), imageWidth - cursor.width)
        cursor.y = min(max(0, cursor.y + dy * step.y), imageHeight - cursor.height)
    }

    public mutating func resize(dw: Int, dh: Int) {
        cursor.width = min(max(1, cursor.width + dw * step.x), imageWidth - cursor.x)
        cursor.height = min(max(1, cursor.height + dh * step.y), imageHeight - cursor.y)
    }

    /// The cursor becomes a masked rectangle.
    public mutating func addCursor() {
        rects.append(cursor)
        selected = rects.count - 1
    }

    /// A rectangle dragged with the mouse, corner to corner, in image pixels.
    public mutating func addDragged(from a: Point, to b: Point) {
        let x0 = max(0, min(a.x, b.x)), y0 = max(0, min(a.y, b.y))
        let x1 = min(imageWidth, max(a.x, b.x) + 1), y1 = min(imageHeight, max(a.y, b.y) + 1)
        guard x1 > x0, y1 > y0 else { return }
        cursor = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        addCursor()
    }

    public mutating func selectNext(_ delta: Int) {
        guard !rects.isEmpty else { return }
        selected = ((selected ?? (delta > 0 ? -1 : 0)) + delta + rects.count) % rects.count
    }

    public mutating func deleteSelected() {
        guard let index = selected, rects.indices.contains(index) else { return }
        rects.remove(at: index)
        selected = rects.isEmpty ? nil : min(index, rects.count - 1)
    }

    /// Takes a mask PNG (checked to be the source's size); `previewWidth` x `previewHeight` is
    /// the size of the source's preview, for the overlay.
    public mutating func load(_ image: RGBAImage, previewWidth: Int, previewHeight: Int) {
        loaded = image
        loadedPreview = image.resized(width: previewWidth, height: previewHeight)
    }

    public mutating func clear() {
        rects = []
        selected = nil
        inverted = false
        loaded = nil
        loadedPreview = nil
    }

    public var isEmpty: Bool { rects.isEmpty && loaded == nil }

    /// The mask PNG's pixels the API gets: exact, the source's size, transparent where to edit
    /// (inside the rectangles or the loaded mask's transparent area; the other way round when
    /// inverted). Nil when nothing is masked.
    public func image() -> RGBAImage? {
        guard !isEmpty else { return nil }
        var image = Mask(width: imageWidth, height: imageHeight, rects: rects).image()
        image.pixels.withUnsafeMutableBufferPointer { px in
            for i in 0..<(imageWidth * imageHeight) {
                var alpha = px[i * 4 + 3]
                if let loaded, loaded.pixels[i * 4 + 3] < alpha { alpha = loaded.pixels[i * 4 + 3] }
                if inverted { alpha = 255 - alpha }
                let shade: UInt8 = alpha == 0 ? 0 : 255
                px[i * 4] = shade; px[i * 4 + 1] = shade; px[i * 4 + 2] = shade; px[i * 4 + 3] = alpha
            }
        }
        return image
    }
}
