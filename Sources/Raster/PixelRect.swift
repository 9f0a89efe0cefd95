/// A rectangle in image pixel coordinates: `x`, `y` is the top-left pixel, the size is in pixels.
public struct PixelRect: Equatable, Hashable, Sendable, Codable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The part of this rectangle inside `other`; zero-sized when they do not meet.
    public func clipped(to other: PixelRect) -> PixelRect {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return PixelRect(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    /// The smallest rectangle holding every pixel that `isSet` (given a pixel's index) says is
    /// set, in an image `width` pixels wide of `count` pixels (whole rows); nil when none is.
    public static func bounding(width: Int, count: Int, where isSet: (Int) -> Bool) -> PixelRect? {
        precondition(width > 0 ? count % width == 0 : count == 0)
        var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1
        for y in 0..<(width > 0 ? count / width : 0) {
            let row = y * width
            guard let first = (0..<width).first(where: { isSet(row + $0) }) else { continue }
            let last = (first..<width).last { isSet(row + $0) }!
            minX = min(minX, first); maxX = max(maxX, last); minY = min(minY, y); maxY = y
        }
        return maxX < 0 ? nil : PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }
}
