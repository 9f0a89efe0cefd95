/// Resampling. Each axis is resampled on its own: shrinking averages the exact source area an
/// output pixel covers (fractional coverage at the edges included); enlarging uses a
/// Catmull-Rom cubic. Colours are weighted by alpha, so transparent pixels do not bleed their
/// hidden colour into visible ones.
extension RGBAImage {
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBAImage {
        precondition(newWidth > 0 && newHeight > 0, "resize to an empty image")
        if newWidth == width && newHeight == height { return self }
        let columns = ResampleAxis(source: width, destination: newWidth)
        let rows = ResampleAxis(source: height, destination: newHeight)

        // Premultiplied working values: r·a, g·a, b·a, a.
        var horizontal = [Double](repeating: 0, count: newWidth * height * 4)
        pixels.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { dst in
                columns.resample(width: newWidth, height: height, along: .row(length: width)) { s, weight in
                    let alpha = Double(src[s + 3]) * weight
                    return Premultiplied(r: Double(src[s]) * alpha, g: Double(src[s + 1]) * alpha,
                                         b: Double(src[s + 2]) * alpha, a: alpha)
                } store: { d, sum in
                    dst[d] = sum.r; dst[d + 1] = sum.g; dst[d + 2] = sum.b; dst[d + 3] = sum.a
                }
            }
        }

        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 4)
        horizontal.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                rows.resample(width: newWidth, height: newHeight, along: .column(stride: newWidth)) { s, weight in
                    Premultiplied(r: src[s] * weight, g: src[s + 1] * weight, b: src[s + 2] * weight, a: src[s + 3] * weight)
                } store: { d, sum in
                    if sum.a > 0 {
                        dst[d] = Self.channel(sum.r / sum.a)
                        dst[d + 1] = Self.channel(sum.g / sum.a)
                        dst[d + 2] = Self.channel(sum.b / sum.a)
                    }
                    dst[d + 3] = Self.channel(sum.a)
                }
            }
        }
        return RGBAImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// The largest size with this image's aspect ratio that fits in `maxWidth` x `maxHeight`.
    public func fittingSize(maxWidth: Int, maxHeight: Int) -> (width: Int, height: Int) {
        Self.fittingSize(width: width, height: height, maxWidth: maxWidth, maxHeight: maxHeight)
    }

    /// The largest size with the aspect ratio of `width` x `height` that fits in `maxWidth` x
    /// `maxHeight`, in whole pixels (at least one each way).
    public static func fittingSize(width: Int, height: Int, maxWidth: Int, maxHeight: Int) -> (width: Int, height: Int) {
        guard width > 0, height > 0 else { return (0, 0) }
        let scale = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// The size a `width` x `height` picture is shown at in `maxWidth` x `maxHeight`: fitted
    /// when either side is too large for it, never enlarged.
    public static func shownSize(width: Int, height: Int, maxWidth: Int, maxHeight: Int) -> (width: Int, height: Int) {
        let fit = fittingSize(width: width, height: height, maxWidth: maxWidth, maxHeight: maxHeight)
        return fit.width < width || fit.height < height ? fit : (width, height)
    }

    private static func channel(_ value: Double) -> UInt8 {
        UInt8(max(0, min(255, (value + 0.5).rounded(.down))))
    }
}

/// A colour with its channels multiplied by alpha, as resampling adds them up.
struct Premultiplied {
    var r = 0.0, g = 0.0, b = 0.0, a = 0.0
}

/// For each output position along one axis, the source positions it reads and their weights.
struct ResampleAxis {
    struct Tap { var index: Int; var weight: Double }
    let taps: [[Tap]]

    /// Which axis a pass resamples: along rows (each of `length` pixels), or down columns of
    /// an image `stride` pixels wide.
    enum Direction {
        case row(length: Int)
        case column(stride: Int)
    }

    init(source: Int, destination: Int) {
        taps = destination <= source
            ? Self.areaTaps(source: source, destination: destination)
            : Self.cubicTaps(source: source, destination: destination)
    }

    /// One pass over a `width` x `height` output, row by row: each pixel is the weighted sum of
    /// the source pixels its taps name. `sample(offset, weight)` reads the pixel at `offset`
    /// (a channel index, 4 per pixel) weighted; `store(offset, sum)` writes the output pixel.
    @inline(__always)
    func resample(width: Int, height: Int, along direction: Direction,
                  sample: (Int, Double) -> Premultiplied, store: (Int, Premultiplied) -> Void) {
        for y in 0..<height {
            for x in 0..<width {
                let (taps, first, step) = switch direction {
                case .row(let length): (self.taps[x], y * length, 1)
                case .column(let stride): (self.taps[y], x, stride)
                }
                var sum = Premultiplied()
                for tap in taps {
                    let value = sample((first + tap.index * step) * 4, tap.weight)
                    sum.r += value.r; sum.g += value.g; sum.b += value.b; sum.a += value.a
                }
                store((y * width + x) * 4, sum)
            }
        }
    }

    /// Output pixel i covers source span [i·s/d, (i+1)·s/d). Measured in units of 1/d source
    /// pixels the spans are integers, so the weights are exact overlaps divided by s.
    private static func areaTaps(source s: Int, destination d: Int) -> [[Tap]] {
        (0..<d).map { i in
            let start = i * s, end = (i + 1) * s
            return (start / d...(end - 1) / d).map { j in
                let overlap = min(end, (j + 1) * d) - max(start, j * d)
                return Tap(index: j, weight: Double(overlap) / Double(s))
            }
        }
    }

    private static func cubicTaps(source s: Int, destination d: Int) -> [[Tap]] {
        (0..<d).map { i in
            let center = (Double(i) + 0.5) * Double(s) / Double(d) - 0.5
            let base = Int(center.rounded(.down))
            var merged: [Int: Double] = [:]
            for j in base - 1...base + 2 {
                merged[min(max(j, 0), s - 1), default: 0] += catmullRom(center - Double(j))
            }
            return merged.sorted { $0.key < $1.key }.map { Tap(index: $0.key, weight: $0.value) }
        }
    }

    private static func catmullRom(_ t: Double) -> Double {
        let x = abs(t)
        if x < 1 { return 1.5 * x * x * x - 2.5 * x * x + 1 }
        if x < 2 { return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 }
        return 0
    }
}
