import Raster
import TestSupport
import Testing

@Suite struct PixelRectTests {
    /// Against every pixel's own coordinates, on sparse and dense random sets of many shapes.
    @Test func boundingHoldsExactlyTheSetPixels() {
        var random = SeededRandom(default: 11)
        for round in 0..<300 {
            let width = 1 + random.next(below: 17), height = 1 + random.next(below: 13)
            let density = [2, 10, 60, 100][round % 4]
            let set = (0..<(width * height)).map { _ in random.next(below: 100) < density && random.next(below: 3) > 0 }
            let indices = set.indices.filter { set[$0] }
            let expected: PixelRect? = indices.isEmpty ? nil : {
                let xs = indices.map { $0 % width }, ys = indices.map { $0 / width }
                return PixelRect(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()! + 1, height: ys.max()! - ys.min()! + 1)
            }()
            #expect(PixelRect.bounding(width: width, count: set.count) { set[$0] } == expected, "\(random) \(width)x\(height)")
            // The same set as the pixels that are not fully transparent.
            let image = RGBAImage(width: width, height: height) { x, y in RGBA(9, 9, 9, set[y * width + x] ? [1, 2, 128, 255][random.next(below: 4)] : 0) }
            #expect(image.opaqueBounds == expected, "\(random) \(width)x\(height)")
        }
        #expect(PixelRect.bounding(width: 0, count: 0) { _ in true } == nil)
        #expect(RGBAImage(width: 0, height: 0).opaqueBounds == nil)
        #expect(PixelRect.bounding(width: 4, count: 8) { $0 == 7 } == PixelRect(x: 3, y: 1, width: 1, height: 1))
    }
}
