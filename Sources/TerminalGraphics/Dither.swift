import Raster

/// An image as palette indices; pixels with alpha below 128 are transparent.
public struct IndexedImage: Sendable {
    public var width: Int
    public var height: Int
    public var indices: [UInt8]
    public var transparent: [Bool]?
    public var palette: Palette
}

/// How colours between palette entries are approximated.
public enum Dither: Sendable, Equatable {
    /// Nearest colour only: with a k-means palette the best plain error and the fewest sixel
    /// bytes (dither noise breaks up runs), so the default for previews.
    case none
    /// Floyd–Steinberg, serpentine, passing on `strength` of the error (1 = all): for stills.
    case errorDiffusion(strength: Float)
    /// An 8x8 Bayer pattern fixed to image positions: pictures drawn with the same palette keep
    /// the same pattern where they agree (`retouch show --dither ordered`).
    case ordered
}

extension IndexedImage {
    public init(_ image: RGBAImage, palette: Palette, dither: Dither) {
        width = image.width
        height = image.height
        self.palette = palette
        var nearest = NearestColor(palette)
        var mapped = [UInt8](repeating: 0, count: image.width * image.height)
        var transparent: [Bool]?
        if image.hasTransparency {
            transparent = stride(from: 3, to: image.pixels.count, by: 4).map { image.pixels[$0] < 128 }
        }
        switch dither {
        case .none:
            image.pixels.withUnsafeBufferPointer { px in
                for i in 0..<(image.width * image.height) {
                    mapped[i] = UInt8(nearest.index(Int32(px[i * 4]), Int32(px[i * 4 + 1]), Int32(px[i * 4 + 2])))
                }
            }
        case .ordered:
            Self.ordered(image, palette: palette, nearest: &nearest, into: &mapped)
        case .errorDiffusion(let strength):
            Self.floydSteinberg(image, palette: palette, strength: strength, nearest: &nearest, into: &mapped)
        }
        indices = mapped
        self.transparent = transparent
    }

    static let bayer8: [Int32] = {
        var m = [Int32](repeating: 0, count: 64)
        for y in 0..<8 {
            for x in 0..<8 {
                var v = 0, xc = x ^ y, yc = y
                // Bit-reversed interleave: the lowest coordinate bits decide the highest threshold
                // bits, so neighbouring pixels get the most different thresholds.
                for bit in 0..<3 {
                    v |= ((xc >> bit) & 1) << (5 - 2 * bit)
                    v |= ((yc >> bit) & 1) << (4 - 2 * bit)
                }
                m[y * 8 + x] = Int32(v)
            }
        }
        return m
    }()

    static func ordered(_ image: RGBAImage, palette: Palette, nearest: inout NearestColor, into indices: inout [UInt8]) {
        // The pattern spans about one palette step, estimated from the colour count.
        let step = 255.0 / Double(max(2, palette.colors.count)).squareRoot().squareRoot() / 2
        let scale = Int32(step * 256 / 64)
        let w = image.width
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                for x in 0..<w {
                    let i = y * w + x
                    let offset = ((bayer8[(y & 7) * 8 + (x & 7)] * 2 - 63) * scale) >> 9
                    let r = min(255, max(0, Int32(px[i * 4]) + offset))
                    let g = min(255, max(0, Int32(px[i * 4 + 1]) + offset))
                    let b = min(255, max(0, Int32(px[i * 4 + 2]) + offset))
                    indices[i] = UInt8(nearest.index(r, g, b))
                }
            }
        }
    }

    static func floydSteinberg(_ image: RGBAImage, palette: Palette, strength: Float, nearest: inout NearestColor,
                               into indices: inout [UInt8]) {
        let w = image.width, h = image.height
        let colors = palette.colors.flatMap { [Int32($0.r), Int32($0.g), Int32($0.b)] }
        // Errors in 1/16ths, scaled by strength (out of 256), two rows with a column of margin each side.
        let gain = Int32(max(0, min(1, strength)) * 256)
        var current = [Int32](repeating: 0, count: (w + 2) * 3)
        var next = [Int32](repeating: 0, count: (w + 2) * 3)
        image.pixels.withUnsafeBufferPointer { px in
            colors.withUnsafeBufferPointer { pal in
                for y in 0..<h {
                    let leftToRight = y % 2 == 0
                    for k in 0..<next.count { next[k] = 0 }
                    for step in 0..<w {
                        let x = leftToRight ? step : w - 1 - step
                        let i = y * w + x
                        let e = (x + 1) * 3
                        var rgb: (Int32, Int32, Int32) = (0, 0, 0)
                        // Rounded, so that errors of a level or two are passed on rather than dropped.
                        rgb.0 = min(255, max(0, Int32(px[i * 4]) + ((current[e] * gain + 2048) >> 12)))
                        rgb.1 = min(255, max(0, Int32(px[i * 4 + 1]) + ((current[e + 1] * gain + 2048) >> 12)))
                        rgb.2 = min(255, max(0, Int32(px[i * 4 + 2]) + ((current[e + 2] * gain + 2048) >> 12)))
                        let k = nearest.index(rgb.0, rgb.1, rgb.2)
                        indices[i] = UInt8(k)
                        let errors = [rgb.0 - pal[k * 3], rgb.1 - pal[k * 3 + 1], rgb.2 - pal[k * 3 + 2]]
                        let ahead = leftToRight ? 3 : -3
                        for c in 0..<3 {
                            let error = errors[c]
                            current[e + ahead + c] += error * 7
                            next[e - ahead + c] += error * 3
                            next[e + c] += error * 5
                            next[e + ahead + c] += error
                        }
                    }
                    swap(&current, &next)
                }
            }
        }
    }
}
