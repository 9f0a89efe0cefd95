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
                for y in 0..<height {
                    for x in 0..<newWidth {
                        var r = 0.0, g = 0.0, b = 0.0, a = 0.0
                        for tap in columns.taps[x] {
                            let s = (y * width + tap.index) * 4
                            let alpha = Double(src[s + 3]) * tap.weight
                            r += Double(src[s]) * alpha
                            g += Double(src[s + 1]) * alpha
                            b += Double(src[s + 2]) * alpha
                            a += alpha
                        }
                        let d = (y * newWidth + x) * 4
                        dst[d] = r; dst[d + 1] = g; dst[d + 2] = b; dst[d + 3] = a
                    }
                }
            }
        }

        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 4)
        horizontal.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<newHeight {
                    for x in 0..<newWidth {
                        var r = 0.0, g = 0.0, b = 0.0, a = 0.0
                        for tap in rows.taps[y] {
                            let s = (tap.index * newWidth + x) * 4
                            r += src[s] * tap.weight
                            g += src[s + 1] * tap.weight
                            b += src[s + 2] * tap.weight
                            a += src[s + 3] * tap.weight
                        }
                        let d = (y * newWidth + x) * 4
                        if a > 0 {
                            dst[d] = Self.channel(r / a)
                            dst[d + 1] = Self.channel(g / a)
                            dst[d + 2] = Self.channel(b / a)
                        }
                        dst[d + 3] = Self.channel(a)
                    }
                }
            }
        }
        return RGBAImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// The largest size with this image's aspect ratio that fits in `maxWidth` x `maxHeight`.
    public func fittingSize(maxWidth: Int, maxHeight: Int) -> (width: Int, height: Int) {
        guard width > 0, height > 0 else { return (0, 0) }
        let scale = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    private static func channel(_ value: Double) -> UInt8 {
        UInt8(max(0, min(255, (value + 0.5).rounded(.down))))
    }
}

/// For each output position along one axis, the source positions it reads and their weights.
struct ResampleAxis {
    struct Tap { var index: Int; var weight: Double }
    let taps: [[Tap]]

    init(source: Int, destination: Int) {
        taps = destination <= source
            ? Self.areaTaps(source: source, destination: destination)
            : Self.cubicTaps(source: source, destination: destination)
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
