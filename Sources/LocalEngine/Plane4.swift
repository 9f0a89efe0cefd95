import Raster

/// Four float planes (r, g, b, a) of one image.
struct Plane4: Sendable {
    let width: Int
    let height: Int
    var values: [Float]  // interleaved rgba

    init(width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    init(_ image: RGBAImage) {
        width = image.width
        height = image.height
        values = image.pixels.map(Float.init)
    }

    func image() -> RGBAImage {
        RGBAImage(width: width, height: height, pixels: values.map { UInt8(max(0, min(255, $0.rounded()))) })
    }

    /// Box-halved copy; a coarse pixel is a hole when any of its pixels is, and otherwise the
    /// mean of its known pixels.
    func halved(hole: [Bool]) -> (Plane4, [Bool]) {
        let w = (width + 1) / 2, h = (height + 1) / 2
        var out = [Float](repeating: 0, count: w * h * 4)
        var outHole = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                var count: Float = 0
                var anyHole = false
                for dy in 0..<2 {
                    for dx in 0..<2 {
                        let sx = min(width - 1, 2 * x + dx), sy = min(height - 1, 2 * y + dy)
                        let i = sy * width + sx
                        if hole[i] { anyHole = true; continue }
                        sum.0 += values[i * 4]; sum.1 += values[i * 4 + 1]; sum.2 += values[i * 4 + 2]; sum.3 += values[i * 4 + 3]
                        count += 1
                    }
                }
                let o = (y * w + x) * 4
                if count > 0 {
                    out[o] = sum.0 / count; out[o + 1] = sum.1 / count; out[o + 2] = sum.2 / count; out[o + 3] = sum.3 / count
                }
                outHole[y * w + x] = anyHole
            }
        }
        return (Plane4(width: w, height: h, values: out), outHole)
    }

    /// Bilinear resampling to `w` x `h` (pixel centres aligned).
    func upsampled(to w: Int, _ h: Int) -> Plane4 {
        var out = [Float](repeating: 0, count: w * h * 4)
        let sx = Float(width) / Float(w), sy = Float(height) / Float(h)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let fy = max(0, (Float(y) + 0.5) * sy - 0.5)
                    let y0 = min(height - 1, Int(fy)), y1 = min(height - 1, y0 + 1), ty = fy - Float(y0)
                    for x in 0..<w {
                        let fx = max(0, (Float(x) + 0.5) * sx - 0.5)
                        let x0 = min(width - 1, Int(fx)), x1 = min(width - 1, x0 + 1), tx = fx - Float(x0)
                        for c in 0..<4 {
                            let a = src[(y0 * width + x0) * 4 + c], b = src[(y0 * width + x1) * 4 + c]
                            let d = src[(y1 * width + x0) * 4 + c], e = src[(y1 * width + x1) * 4 + c]
                            dst[(y * w + x) * 4 + c] = (a + (b - a) * tx) * (1 - ty) + (d + (e - d) * tx) * ty
                        }
                    }
                }
            }
        }
        return Plane4(width: w, height: h, values: out)
    }

    /// The mean of each pixel's patch (the in-bounds part), per channel, from a summed-area table.
    func patchMeans() -> [Float] {
        let r = Inpainter.patchRadius, w = width, h = height
        var table = [Double](repeating: 0, count: (w + 1) * (h + 1) * 4)
        for y in 0..<h {
            var row: (Double, Double, Double, Double) = (0, 0, 0, 0)
            for x in 0..<w {
                let i = (y * w + x) * 4
                row.0 += Double(values[i]); row.1 += Double(values[i + 1]); row.2 += Double(values[i + 2]); row.3 += Double(values[i + 3])
                let t = ((y + 1) * (w + 1) + x + 1) * 4, above = (y * (w + 1) + x + 1) * 4
                table[t] = table[above] + row.0; table[t + 1] = table[above + 1] + row.1
                table[t + 2] = table[above + 2] + row.2; table[t + 3] = table[above + 3] + row.3
            }
        }
        var means = [Float](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            let y0 = max(0, y - r), y1 = min(h, y + r + 1)
            for x in 0..<w {
                let x0 = max(0, x - r), x1 = min(w, x + r + 1)
                let area = Double((x1 - x0) * (y1 - y0))
                for c in 0..<4 {
                    let sum = table[(y1 * (w + 1) + x1) * 4 + c] - table[(y0 * (w + 1) + x1) * 4 + c]
                        - table[(y1 * (w + 1) + x0) * 4 + c] + table[(y0 * (w + 1) + x0) * 4 + c]
                    means[(y * w + x) * 4 + c] = Float(sum / area)
                }
            }
        }
        return means
    }

    mutating func fillHole(_ hole: [Bool], from other: Plane4) {
        for i in 0..<hole.count where hole[i] {
            for c in 0..<4 { values[i * 4 + c] = other.values[i * 4 + c] }
        }
    }

    /// Gauss-Seidel on Laplace's equation inside the hole: a harmonic, seam-free fill.
    mutating func diffuse(into hole: [Bool], iterations: Int) {
        let indices = (0..<hole.count).filter { hole[$0] }
        let w = width, h = height
        values.withUnsafeMutableBufferPointer { v in
            for _ in 0..<iterations {
                for i in indices {
                    let x = i % w, y = i / w
                    var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                    var n: Float = 0
                    for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where nx >= 0 && ny >= 0 && nx < w && ny < h {
                        let j = (ny * w + nx) * 4
                        sum.0 += v[j]; sum.1 += v[j + 1]; sum.2 += v[j + 2]; sum.3 += v[j + 3]
                        n += 1
                    }
                    v[i * 4] = sum.0 / n; v[i * 4 + 1] = sum.1 / n; v[i * 4 + 2] = sum.2 / n; v[i * 4 + 3] = sum.3 / n
                }
            }
        }
    }

    /// SOR on ΔF = div(guidance) inside the hole, with the known pixels fixed. Between two hole
    /// pixels the guidance is the voted image's difference; towards a known neighbour p+d it is
    /// guide(q) - guide(q+d), with q the source of p, so the copy's own seam is never imposed.
    mutating func solvePoisson(hole: [Bool], guide: Plane4, voted: Plane4, field: OffsetField, iterations: Int) {
        let indices = (0..<hole.count).filter { hole[$0] }
        let w = width, h = height
        let omega: Float = 1.8
        // Precompute each hole pixel's divergence term and neighbour count.
        var rhs = [Float](repeating: 0, count: indices.count * 4)
        var counts = [Float](repeating: 0, count: indices.count)
        for (k, i) in indices.enumerated() {
            let x = i % w, y = i / w
            let q = field.source[i]
            let qx = q % w, qy = q / w
            for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                let nx = x + dx, ny = y + dy
                guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                counts[k] += 1
                let n = ny * w + nx
                if hole[n] {
                    for c in 0..<4 { rhs[k * 4 + c] += voted.values[i * 4 + c] - voted.values[n * 4 + c] }
                } else {
                    let sx = min(w - 1, max(0, qx + dx)), sy = min(h - 1, max(0, qy + dy))
                    for c in 0..<4 {
                        rhs[k * 4 + c] += guide.values[q * 4 + c] - guide.values[(sy * w + sx) * 4 + c]
                    }
                }
            }
        }
        values.withUnsafeMutableBufferPointer { v in
            for _ in 0..<iterations {
                for (k, i) in indices.enumerated() {
                    let x = i % w, y = i / w
                    var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                    if x > 0 { let j = (i - 1) * 4; sum.0 += v[j]; sum.1 += v[j + 1]; sum.2 += v[j + 2]; sum.3 += v[j + 3] }
                    if x < w - 1 { let j = (i + 1) * 4; sum.0 += v[j]; sum.1 += v[j + 1]; sum.2 += v[j + 2]; sum.3 += v[j + 3] }
                    if y > 0 { let j = (i - w) * 4; sum.0 += v[j]; sum.1 += v[j + 1]; sum.2 += v[j + 2]; sum.3 += v[j + 3] }
                    if y < h - 1 { let j = (i + w) * 4; sum.0 += v[j]; sum.1 += v[j + 1]; sum.2 += v[j + 2]; sum.3 += v[j + 3] }
                    let n = counts[k], o = i * 4
                    v[o] += omega * ((sum.0 + rhs[k * 4]) / n - v[o])
                    v[o + 1] += omega * ((sum.1 + rhs[k * 4 + 1]) / n - v[o + 1])
                    v[o + 2] += omega * ((sum.2 + rhs[k * 4 + 2]) / n - v[o + 2])
                    v[o + 3] += omega * ((sum.3 + rhs[k * 4 + 3]) / n - v[o + 3])
                }
            }
        }
    }
}
