import Raster

#if canImport(Glibc)
import Glibc  // pow
#endif

/// The operations that change each pixel's colour from that pixel alone. Alpha is kept,
/// except by a fill, which makes the area the colour given, opaque.
enum ColourAdjustments {
    @inline(__always)
    static func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }

    /// Sepia toning of one colour (the usual matrix), before clamping.
    static func sepia(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
        (0.393 * r + 0.769 * g + 0.189 * b, 0.349 * r + 0.686 * g + 0.168 * b, 0.272 * r + 0.534 * g + 0.131 * b)
    }

    /// `operation` applied to every pixel of `image`; nil for operations that need neighbours.
    static func apply(_ operation: EditOperation, to image: RGBAImage) -> RGBAImage? {
        switch operation {
        case .warmer: curves(image, red: { $0 * 1.10 + 12 }, green: { $0 * 1.02 + 2 }, blue: { $0 * 0.86 })
        case .cooler: curves(image, red: { $0 * 0.86 }, green: { $0 * 1.0 + 2 }, blue: { $0 * 1.10 + 12 })
        case .brighter: curves(image, all: { 255 * pow($0 / 255, 0.7) })
        case .darker: curves(image, all: { 255 * pow($0 / 255, 1.5) })
        case .contrast(let more): curves(image, all: { 128 + ($0 - 128) * (more ? 1.35 : 0.65) })
        case .invert: curves(image, all: { 255 - $0 })
        case .grey: recoloured(image) { r, g, b in let y = RGBA.luma(r, g, b); return (y, y, y) }
        case .saturation(let more): saturated(image, by: more ? 1.5 : 0.4)
        case .sepia:
            recoloured(image) { r, g, b in
                let (sr, sg, sb) = sepia(Double(r), Double(g), Double(b))
                return (Int(clamp(sr)), Int(clamp(sg)), Int(clamp(sb)))
            }
        case .night: night(image)
        case .fill(let colour): filled(image, with: colour)
        case .remove, .blur, .sharpen, .pixelate: nil
        }
    }

    /// Per-channel tone curves, through lookup tables.
    static func curves(_ image: RGBAImage, all curve: (Double) -> Double) -> RGBAImage {
        curves(image, red: curve, green: curve, blue: curve)
    }

    static func curves(_ image: RGBAImage, red: (Double) -> Double, green: (Double) -> Double,
                       blue: (Double) -> Double) -> RGBAImage {
        func table(_ curve: (Double) -> Double) -> [UInt8] { (0..<256).map { clamp(curve(Double($0))) } }
        let tables = [table(red), table(green), table(blue)]
        var out = image
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            for index in stride(from: 0, to: pixels.count, by: 4) {
                pixels[index] = tables[0][Int(pixels[index])]
                pixels[index + 1] = tables[1][Int(pixels[index + 1])]
                pixels[index + 2] = tables[2][Int(pixels[index + 2])]
            }
        }
        return out
    }

    /// Each pixel's colour replaced by `colour(r, g, b)`, whose results are already 0...255.
    static func recoloured(_ image: RGBAImage, _ colour: (Int, Int, Int) -> (Int, Int, Int)) -> RGBAImage {
        var out = image
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            for index in stride(from: 0, to: pixels.count, by: 4) {
                let (r, g, b) = colour(Int(pixels[index]), Int(pixels[index + 1]), Int(pixels[index + 2]))
                pixels[index] = UInt8(r); pixels[index + 1] = UInt8(g); pixels[index + 2] = UInt8(b)
            }
        }
        return out
    }

    /// Colours moved away from (factor over 1) or towards (under 1) their grey.
    static func saturated(_ image: RGBAImage, by factor: Double) -> RGBAImage {
        let scaled = Int(factor * 256)
        return recoloured(image) { r, g, b in
            let y = RGBA.luma(r, g, b)
            func away(_ c: Int) -> Int { max(0, min(255, y + ((c - y) * scaled) >> 8)) }
            return (away(r), away(g), away(b))
        }
    }

    /// Day for night: most of the colour gone, darker, and a blue cast.
    static func night(_ image: RGBAImage) -> RGBAImage {
        recoloured(image) { r, g, b in
            let y = Double(RGBA.luma(r, g, b))
            func muted(_ c: Int) -> Double { y + (Double(c) - y) * 0.35 }
            return (Int(clamp(muted(r) * 0.40)), Int(clamp(muted(g) * 0.55)), Int(clamp(muted(b) * 0.85 + 12)))
        }
    }

    static func filled(_ image: RGBAImage, with colour: RGBA) -> RGBAImage {
        RGBAImage(width: image.width, height: image.height, fill: RGBA(colour.r, colour.g, colour.b, 255))
    }
}
