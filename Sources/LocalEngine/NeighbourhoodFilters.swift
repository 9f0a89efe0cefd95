import Raster

/// The operations that read a pixel's neighbours: blur, sharpen and pixelate. Each costs a
/// few passes over the image whatever its radius (running sums, block sums), so a 3840x2160
/// image takes a fraction of a second. Alpha is kept.
enum NeighbourhoodFilters {
    static func apply(_ operation: EditOperation, to image: RGBAImage) -> RGBAImage? {
        apply(operation, to: image, shorterSide: min(image.width, image.height), reducedBy: 1)
    }

    /// `operation` on `image`, a copy of a picture whose shorter side is `shorterSide` reduced
    /// `scale` times: the radius and the blocks are the picture's, reduced alike (a radius that
    /// comes to nothing leaves the copy as the reduction made it).
    static func apply(_ operation: EditOperation, to image: RGBAImage, shorterSide: Int, reducedBy scale: Int) -> RGBAImage? {
        func reduced(_ length: Int) -> Int { (length + scale / 2) / scale }
        switch operation {
        case .blur:
            let radius = reduced(blurRadius(shorterSide: shorterSide))
            return radius > 0 ? blurred(image, radius: radius) : image
        case .sharpen:
            let radius = reduced(sharpenRadius(shorterSide: shorterSide))
            return radius > 0 ? sharpened(image, radius: radius) : image
        case .pixelate: return pixelated(image, block: max(1, reduced(blockSize(shorterSide: shorterSide))))
        default: return nil
        }
    }

    /// A blur that shows at any size: 1/150 of the shorter side, at least 2 pixels.
    static func blurRadius(shorterSide: Int) -> Int { max(2, shorterSide / 150) }
    /// Sharpening subtracts a blur of half that radius.
    static func sharpenRadius(shorterSide: Int) -> Int { max(1, blurRadius(shorterSide: shorterSide) / 2) }

    /// Blocks of 1/64 of the shorter side, at least 4 pixels.
    static func blockSize(_ image: RGBAImage) -> Int { blockSize(shorterSide: min(image.width, image.height)) }
    static func blockSize(shorterSide: Int) -> Int { max(4, shorterSide / 64) }

    /// How far from a pixel `operation` reads, in pixels of a picture whose shorter side is
    /// `shorterSide`: three box blurs reach three radii.
    static func reach(of operation: EditOperation, shorterSide: Int) -> Int {
        switch operation {
        case .blur: 3 * blurRadius(shorterSide: shorterSide)
        case .sharpen: 3 * sharpenRadius(shorterSide: shorterSide)
        case .pixelate: blockSize(shorterSide: shorterSide)
        default: 0
        }
    }

    /// The part of a `width` x `height` picture that `operation` made on it alone gives the
    /// pixels of `rect` exactly as on the whole picture: `rect` grown by the blurs' reach (the
    /// picture's own edges are repeated either way), or by whole blocks of the pixelation grid.
    static func region(for operation: EditOperation, around rect: PixelRect, width: Int, height: Int) -> PixelRect {
        let shorterSide = min(width, height)
        let whole = PixelRect(x: 0, y: 0, width: width, height: height)
        if operation == .pixelate {
            let block = blockSize(shorterSide: shorterSide)
            let left = rect.x / block * block, top = rect.y / block * block
            let right = (rect.maxX + block - 1) / block * block, bottom = (rect.maxY + block - 1) / block * block
            return PixelRect(x: left, y: top, width: right - left, height: bottom - top).clipped(to: whole)
        }
        let margin = reach(of: operation, shorterSide: shorterSide)
        guard margin > 0 else { return rect.clipped(to: whole) }
        return PixelRect(x: rect.x - margin - 1, y: rect.y - margin - 1, width: rect.width + 2 * margin + 2,
                         height: rect.height + 2 * margin + 2).clipped(to: whole)
    }

    /// Three box blurs each way, close to a Gaussian of about the radius.
    static func blurred(_ image: RGBAImage, radius: Int) -> RGBAImage {
        var out = image
        var source = image.pixels
        var sums = [Int](repeating: 0, count: 3 * max(image.width, image.height))
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            source.withUnsafeMutableBufferPointer { source in
                sums.withUnsafeMutableBufferPointer { sums in
                    for _ in 0..<3 {
                        rowPass(pixels, width: image.width, height: image.height, radius: radius, sums: sums)
                        for i in 0..<pixels.count { source[i] = pixels[i] }
                        columnPass(from: source, to: pixels, width: image.width, height: image.height, radius: radius, sums: sums)
                    }
                }
            }
        }
        return out
    }

    /// A box blur along each row, in place: a running sum over the window, the row's end
    /// pixels repeated beyond it; the row is copied out first.
    private static func rowPass(_ pixels: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int, radius: Int,
                                sums line: UnsafeMutableBufferPointer<Int>) {
        let mean = WindowMean(size: 2 * radius + 1)
        for y in 0..<height {
            let row = y * width * 4
            for x in 0..<width {
                for c in 0..<3 { line[x * 3 + c] = Int(pixels[row + x * 4 + c]) }
            }
            for c in 0..<3 {
                var sum = 0
                for k in -radius...radius { sum += line[min(max(k, 0), width - 1) * 3 + c] }
                for x in 0..<width {
                    pixels[row + x * 4 + c] = mean(sum)
                    sum += line[min(x + radius + 1, width - 1) * 3 + c] - line[max(x - radius, 0) * 3 + c]
                }
            }
        }
    }

    /// A box blur down each column, reading whole rows (memory order): one running sum per
    /// column and channel, moved down a row at a time.
    private static func columnPass(from source: UnsafeMutableBufferPointer<UInt8>, to pixels: UnsafeMutableBufferPointer<UInt8>,
                                   width: Int, height: Int, radius: Int, sums: UnsafeMutableBufferPointer<Int>) {
        let mean = WindowMean(size: 2 * radius + 1)
        func addRow(_ y: Int, _ sign: Int) {
            let row = min(max(y, 0), height - 1) * width * 4
            for x in 0..<width {
                for c in 0..<3 { sums[x * 3 + c] += sign * Int(source[row + x * 4 + c]) }
            }
        }
        for i in 0..<width * 3 { sums[i] = 0 }
        for k in -radius...radius { addRow(k, 1) }
        for y in 0..<height {
            let row = y * width * 4
            for x in 0..<width {
                for c in 0..<3 { pixels[row + x * 4 + c] = mean(sums[x * 3 + c]) }
            }
            addRow(y + radius + 1, 1)
            addRow(y - radius, -1)
        }
    }

    /// A window's sum divided by its size, rounded, by a fixed-point reciprocal: a division
    /// per channel and pixel was most of a blur's time.
    struct WindowMean {
        let reciprocal: Int

        init(size: Int) { reciprocal = ((1 << 24) + size / 2) / size }

        @inline(__always)
        func callAsFunction(_ sum: Int) -> UInt8 { UInt8(min(255, (sum * reciprocal + (1 << 23)) >> 24)) }
    }

    /// Unsharp masking: the difference from a slight blur, added back once more.
    static func sharpened(_ image: RGBAImage, radius: Int) -> RGBAImage {
        let soft = blurred(image, radius: radius)
        var out = image
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            soft.pixels.withUnsafeBufferPointer { soft in
                for index in 0..<pixels.count where index % 4 != 3 {
                    let value = 2 * Int(pixels[index]) - Int(soft[index])
                    pixels[index] = UInt8(max(0, min(255, value)))
                }
            }
        }
        return out
    }

    /// Every `block` x `block` square of the image's grid painted its mean colour.
    static func pixelated(_ image: RGBAImage, block: Int) -> RGBAImage {
        var out = image
        let width = image.width
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            for top in stride(from: 0, to: image.height, by: block) {
                let rows = top..<min(top + block, image.height)
                for left in stride(from: 0, to: width, by: block) {
                    let columns = left..<min(left + block, width)
                    var sums = (0, 0, 0)
                    for y in rows {
                        for x in columns {
                            let i = (y * width + x) * 4
                            sums.0 += Int(pixels[i]); sums.1 += Int(pixels[i + 1]); sums.2 += Int(pixels[i + 2])
                        }
                    }
                    let count = rows.count * columns.count
                    let mean = [sums.0, sums.1, sums.2].map { UInt8(($0 + count / 2) / count) }
                    for y in rows {
                        for x in columns {
                            let i = (y * width + x) * 4
                            pixels[i] = mean[0]; pixels[i + 1] = mean[1]; pixels[i + 2] = mean[2]
                        }
                    }
                }
            }
        }
        return out
    }
}
