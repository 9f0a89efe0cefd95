/// The area to edit, as rectangles in the source image's pixel coordinates.
///
/// The API reads a mask as a PNG the size of the first image whose fully transparent pixels
/// mark where to edit, so `image()` is opaque white everywhere except inside the rectangles.
public struct Mask: Equatable, Sendable, Codable {
    public var width: Int
    public var height: Int
    public var rects: [PixelRect]
    /// Edit everything except the rectangles.
    public var inverted: Bool

    public init(width: Int, height: Int, rects: [PixelRect] = [], inverted: Bool = false) {
        self.width = width
        self.height = height
        self.rects = rects
        self.inverted = inverted
    }

    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// True when pixel (x, y) is to be edited.
    public func isEditable(x: Int, y: Int) -> Bool {
        rects.contains { $0.contains(x: x, y: y) } != inverted
    }

    /// The mask as RGBA pixels: alpha 0 (and black) where to edit, opaque white elsewhere.
    public func image() -> RGBAImage {
        let keep: RGBA = inverted ? .transparent : .white
        let edit: UInt8 = inverted ? 255 : 0
        var image = RGBAImage(width: width, height: height, fill: keep)
        image.pixels.withUnsafeMutableBufferPointer { px in
            for rect in rects {
                let r = rect.clipped(to: bounds)
                for y in r.y..<r.maxY {
                    let start = (y * width + r.x) * 4
                    for i in start..<start + r.width * 4 { px[i] = edit }
                }
            }
        }
        return image
    }
}
