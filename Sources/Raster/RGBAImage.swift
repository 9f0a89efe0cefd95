#if canImport(Glibc)
import Glibc  // log10
#endif

/// One pixel: 8-bit red, green, blue and straight (not premultiplied) alpha.
public struct RGBA: Equatable, Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    public static let transparent = RGBA(0, 0, 0, 0)
    public static let white = RGBA(255, 255, 255)
    public static let black = RGBA(0, 0, 0)

    /// Rec. 601 luma in 8-bit fixed point (the weights add up to 256): how light a colour looks.
    @inlinable
    public static func luma(_ r: Int, _ g: Int, _ b: Int) -> Int { (77 * r + 150 * g + 29 * b + 128) >> 8 }

    public var luma: Int { Self.luma(Int(r), Int(g), Int(b)) }
}

/// An 8-bit RGBA image, rows top to bottom, pixels left to right, 4 bytes each.
public struct RGBAImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image dimensions")
        precondition(pixels.count == width * height * 4, "pixel buffer does not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int, fill: RGBA = .transparent) {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        if fill != .transparent {
            for i in stride(from: 0, to: pixels.count, by: 4) {
                pixels[i] = fill.r; pixels[i + 1] = fill.g; pixels[i + 2] = fill.b; pixels[i + 3] = fill.a
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Builds an image by asking `color` for every pixel.
    public init(width: Int, height: Int, color: (_ x: Int, _ y: Int) -> RGBA) {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        var i = 0
        for y in 0..<height {
            for x in 0..<width {
                let c = color(x, y)
                pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b; pixels[i + 3] = c.a
                i += 4
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> RGBA {
        get {
            let i = (y * width + x) * 4
            return RGBA(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
        }
        set {
            let i = (y * width + x) * 4
            pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b; pixels[i + 3] = newValue.a
        }
    }

    /// True when some pixel is not fully opaque.
    public var hasTransparency: Bool {
        pixels.withUnsafeBufferPointer { pixels in
            var index = 3
            while index < pixels.count {
                if pixels[index] != 255 { return true }
                index += 4
            }
            return false
        }
    }

    /// The smallest rectangle holding every pixel that is not fully transparent; nil when none is.
    public var opaqueBounds: PixelRect? {
        pixels.withUnsafeBufferPointer { pixels in
            PixelRect.bounding(width: width, count: width * height) { pixels[$0 * 4 + 3] != 0 }
        }
    }

    /// The pixels inside `rect` (clipped to the image).
    public func cropped(to rect: PixelRect) -> RGBAImage {
        let r = rect.clipped(to: bounds)
        var out = [UInt8](repeating: 0, count: r.width * r.height * 4)
        let rowBytes = r.width * 4
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<r.height {
                    let from = ((r.y + row) * width + r.x) * 4
                    for i in 0..<rowBytes { dst[row * rowBytes + i] = src[from + i] }
                }
            }
        }
        return RGBAImage(width: r.width, height: r.height, pixels: out)
    }
}

extension RGBAImage {
    /// Peak signal-to-noise ratio of the colour channels against `original`, the same size, in
    /// dB: how faithful a preview is (higher is closer; identical images give about 90).
    public func psnr(against original: RGBAImage) -> Double {
        precondition(width == original.width && height == original.height, "PSNR needs images of one size")
        var total = 0.0
        for i in 0..<(width * height) {
            for c in 0..<3 {
                let d = Double(pixels[i * 4 + c]) - Double(original.pixels[i * 4 + c])
                total += d * d
            }
        }
        return 10 * log10(255 * 255 / max(total / Double(width * height * 3), 1e-9))
    }
}
