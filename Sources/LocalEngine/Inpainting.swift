import Raster

/// Fills the editable pixels of an image from the rest of it, coarse to fine.
///
/// Each pyramid level refines the fill in three steps: a PatchMatch search (Barnes et al. 2009)
/// finds, for every hole pixel, a fully known 7x7 patch elsewhere that looks like its
/// surroundings; the overlapping patches vote for each pixel's colour (Wexler et al. 2007);
/// then the hole is re-solved as a Poisson problem whose guidance field is the *gradient* of
/// that voted image, with the known pixels as boundary.
///
/// Patches are compared and copied *without their mean*: a patch contributes its detail, and
/// the local mean comes from the current estimate (the coarser level's fill). So texture
/// (stripes, bricks, grass) continues with the right phase, while smooth shading (a sky, a
/// gradient) is continued exactly, since all its patches look alike once their mean is gone.
///
/// Known pixels are never changed. Pure and deterministic for a given seed.
public struct Inpainter: Sendable {
    public var seed: UInt64
    /// PatchMatch passes on each level (more on coarse levels, where they are cheap).
    public var passes: Int
    public static let patchRadius = 3

    public init(seed: UInt64 = 1, passes: Int = 2) {
        self.seed = seed
        self.passes = passes
    }

    /// Fills `hole` (true = to be filled) in `image`. `onLevel` receives each level's
    /// complete state at full size, coarsest first: genuine intermediate results.
    public func fill(_ image: RGBAImage, hole: [Bool], onLevel: ((RGBAImage) -> Void)? = nil) -> RGBAImage {
        precondition(hole.count == image.width * image.height)
        guard hole.contains(true), hole.contains(false) else { return image }  // nothing to fill, or nothing to learn from
        // Work on the hole and its surroundings only: a small hole in a large photo costs little.
        let region = Self.workRegion(hole: hole, width: image.width, height: image.height)
        if region != image.bounds {
            let crop = image.cropped(to: region)
            let cropHole = (0..<(region.width * region.height)).map {
                hole[(region.y + $0 / region.width) * image.width + region.x + $0 % region.width]
            }
            let paste = { (filled: RGBAImage) -> RGBAImage in
                var out = image
                for y in 0..<region.height {
                    let from = y * region.width * 4, to = ((region.y + y) * image.width + region.x) * 4
                    out.pixels.replaceSubrange(to..<to + region.width * 4, with: filled.pixels[from..<from + region.width * 4])
                }
                return out
            }
            return paste(fillRegion(crop, hole: cropHole, onLevel: onLevel.map { report in { report(paste($0)) } }))
        }
        return fillRegion(image, hole: hole, onLevel: onLevel)
    }

    /// The hole's bounding box grown by its own size (at least 48 pixels) on every side.
    static func workRegion(hole: [Bool], width: Int, height: Int) -> PixelRect {
        var minX = width, maxX = -1, minY = height, maxY = -1
        for i in 0..<hole.count where hole[i] {
            let x = i % width, y = i / width
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        }
        let margin = max(48, max(maxX - minX + 1, maxY - minY + 1))
        return PixelRect(x: minX - margin, y: minY - margin, width: maxX - minX + 1 + 2 * margin,
                         height: maxY - minY + 1 + 2 * margin).clipped(to: PixelRect(x: 0, y: 0, width: width, height: height))
    }

    private func fillRegion(_ image: RGBAImage, hole: [Bool], onLevel: ((RGBAImage) -> Void)?) -> RGBAImage {
        let pyramid = Pyramid(image: Plane4(image), hole: hole)
        var random = SplitMix(seed: seed)
        var current: Plane4?
        var field: OffsetField?
        for level in stride(from: pyramid.levels.count - 1, through: 0, by: -1) {
            let known = pyramid.levels[level]
            var estimate = known.image
            if let previous = current {
                estimate.fillHole(known.hole, from: previous.upsampled(to: known.image.width, known.image.height))
            } else {
                estimate.diffuse(into: known.hole, iterations: 400)
            }
            var nnf = field.map { $0.upsampled(to: known, random: &random) } ?? OffsetField(random: known, random: &random)
            let levelPasses = level == 0 ? passes : passes + 2
            let sourceMeans = known.image.patchMeans()
            for _ in 0..<levelPasses {
                let estimateMeans = estimate.patchMeans()
                nnf.search(estimate: estimate, estimateMeans: estimateMeans, source: known, sourceMeans: sourceMeans,
                           random: &random)
                let voted = nnf.vote(source: known, sourceMeans: sourceMeans, estimateMeans: estimateMeans)
                estimate.solvePoisson(hole: known.hole, guide: known.image, voted: voted, field: nnf,
                                      iterations: level == 0 ? 80 : 150)
            }
            current = estimate
            field = nnf
            if let onLevel, level > 0 {
                var full = Plane4(image)
                full.fillHole(hole, from: estimate.upsampled(to: image.width, image.height))
                onLevel(full.image())
            }
        }
        var result = Plane4(image)
        result.fillHole(hole, from: current!)
        return result.image()
    }

    /// The plain multi-scale diffusion fill (harmonic interpolation of the boundary): the
    /// smoothest possible fill, used to start the coarsest level and as a yardstick.
    public static func diffusionFill(_ image: RGBAImage, hole: [Bool]) -> RGBAImage {
        let pyramid = Pyramid(image: Plane4(image), hole: hole)
        var current: Plane4?
        for level in stride(from: pyramid.levels.count - 1, through: 0, by: -1) {
            let known = pyramid.levels[level]
            var estimate = known.image
            if let previous = current {
                estimate.fillHole(known.hole, from: previous.upsampled(to: known.image.width, known.image.height))
            }
            estimate.diffuse(into: known.hole, iterations: level == pyramid.levels.count - 1 ? 400 : 80)
            current = estimate
        }
        return current!.image()
    }
}

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

/// One level: the known image and which pixels are to be filled.
struct Level {
    var image: Plane4
    var hole: [Bool]
    /// Pixels whose whole patch is known: the only places patches are copied from.
    var sources: [Int]
    var isSource: [Bool]
}

struct Pyramid {
    var levels: [Level]

    init(image: Plane4, hole: [Bool]) {
        var levels: [Level] = []
        var current = (image, hole)
        while true {
            levels.append(Self.level(current.0, current.1))
            let (w, h) = (current.0.width, current.0.height)
            let holeExtent = Self.holeExtent(current.1, width: w)
            if min(w, h) < 48 || holeExtent <= 12 || levels.count >= 8 { break }
            let next = current.0.halved(hole: current.1)
            // Keep some known pixels to learn from on the coarser level.
            guard next.1.contains(false), Self.level(next.0, next.1).sources.count > 0 else { break }
            current = next
        }
        // A level with no source patches cannot be refined: drop it and fill by diffusion alone.
        self.levels = levels
    }

    static func level(_ image: Plane4, _ hole: [Bool]) -> Level {
        let r = Inpainter.patchRadius
        let w = image.width, h = image.height
        // Erode the known region by the patch radius with a summed-area table of holes.
        var table = [Int](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h {
            var row = 0
            for x in 0..<w {
                row += hole[y * w + x] ? 1 : 0
                table[(y + 1) * (w + 1) + x + 1] = table[y * (w + 1) + x + 1] + row
            }
        }
        var isSource = [Bool](repeating: false, count: w * h)
        var sources: [Int] = []
        if w > 2 * r && h > 2 * r {
            for y in r..<(h - r) {
                for x in r..<(w - r) {
                    let x0 = x - r, y0 = y - r, x1 = x + r + 1, y1 = y + r + 1
                    let holes = table[y1 * (w + 1) + x1] - table[y0 * (w + 1) + x1] - table[y1 * (w + 1) + x0] + table[y0 * (w + 1) + x0]
                    if holes == 0 {
                        isSource[y * w + x] = true
                        sources.append(y * w + x)
                    }
                }
            }
        }
        return Level(image: image, hole: hole, sources: sources, isSource: isSource)
    }

    static func holeExtent(_ hole: [Bool], width: Int) -> Int {
        var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1
        for i in 0..<hole.count where hole[i] {
            let x = i % width, y = i / width
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        }
        return maxX < 0 ? 0 : max(maxX - minX + 1, maxY - minY + 1)
    }
}

/// For every hole pixel, the index of the source pixel whose patch it copies.
struct OffsetField {
    var source: [Int]
    let width: Int
    let height: Int

    init(random level: Level, random: inout SplitMix) {
        width = level.image.width
        height = level.image.height
        source = [Int](repeating: 0, count: width * height)
        for i in 0..<source.count where level.hole[i] {
            source[i] = level.sources.isEmpty ? i : level.sources[Int(random.next() % UInt64(level.sources.count))]
        }
    }

    /// The coarser field scaled up: each pixel keeps its coarse source's offset, doubled.
    func upsampled(to level: Level, random: inout SplitMix) -> OffsetField {
        var field = OffsetField(random: level, random: &random)
        let w = level.image.width, h = level.image.height
        for i in 0..<(w * h) where level.hole[i] {
            let x = i % w, y = i / w
            let cx = min(width - 1, x / 2), cy = min(height - 1, y / 2)
            let q = source[cx + cy * width]
            let candidateX = (q % width) * 2 + (x & 1), candidateY = (q / width) * 2 + (y & 1)
            if candidateX < w, candidateY < h, level.isSource[candidateY * w + candidateX] {
                field.source[i] = candidateY * w + candidateX
            }
        }
        return field
    }

    /// Each hole pixel's colour as the mean of what the patches covering it copy there: each
    /// patch's detail, on the estimate's local mean.
    func vote(source level: Level, sourceMeans: [Float], estimateMeans: [Float]) -> Plane4 {
        let w = width, h = height, r = Inpainter.patchRadius
        var out = [Float](repeating: 0, count: w * h * 4)
        level.image.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<(w * h) where level.hole[p] {
                    let px = p % w, py = p / w
                    var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                    var count: Float = 0
                    for dy in -r...r {
                        let cy = py + dy
                        guard cy >= 0, cy < h else { continue }
                        for dx in -r...r {
                            let cx = px + dx
                            guard cx >= 0, cx < w else { continue }
                            let c = cy * w + cx
                            guard level.hole[c] else { continue }
                            let q = source[c]
                            let sx = q % w - dx, sy = q / w - dy
                            let j = (sy * w + sx) * 4, qm = q * 4, cm = c * 4
                            sum.0 += src[j] - sourceMeans[qm] + estimateMeans[cm]
                            sum.1 += src[j + 1] - sourceMeans[qm + 1] + estimateMeans[cm + 1]
                            sum.2 += src[j + 2] - sourceMeans[qm + 2] + estimateMeans[cm + 2]
                            sum.3 += src[j + 3] - sourceMeans[qm + 3] + estimateMeans[cm + 3]
                            count += 1
                        }
                    }
                    let o = p * 4
                    dst[o] = sum.0 / count; dst[o + 1] = sum.1 / count; dst[o + 2] = sum.2 / count; dst[o + 3] = sum.3 / count
                }
            }
        }
        return Plane4(width: w, height: h, values: out)
    }

    /// PatchMatch: propagation from already improved neighbours, then random search in
    /// shrinking windows; alternate scan direction on every call.
    mutating func search(estimate: Plane4, estimateMeans: [Float], source level: Level, sourceMeans: [Float],
                         random: inout SplitMix) {
        guard !level.sources.isEmpty else { return }
        let w = width, h = height, r = Inpainter.patchRadius
        let holeIndices = (0..<(w * h)).filter { level.hole[$0] }
        let forward = random.next() & 1 == 0
        let order = forward ? holeIndices : holeIndices.reversed()
        let step = forward ? -1 : 1
        estimate.values.withUnsafeBufferPointer { est in
            level.image.values.withUnsafeBufferPointer { src in
                func distance(_ p: Int, _ q: Int, _ limit: Float) -> Float {
                    let px = p % w, py = p / w, qx = q % w, qy = q / w
                    let pm = p * 4, qm = q * 4
                    let m0 = estimateMeans[pm] - sourceMeans[qm], m1 = estimateMeans[pm + 1] - sourceMeans[qm + 1]
                    let m2 = estimateMeans[pm + 2] - sourceMeans[qm + 2], m3 = estimateMeans[pm + 3] - sourceMeans[qm + 3]
                    var total: Float = 0
                    for dy in -r...r {
                        let sy = py + dy
                        guard sy >= 0, sy < h else { continue }
                        for dx in -r...r {
                            let sx = px + dx
                            guard sx >= 0, sx < w else { continue }
                            let a = (sy * w + sx) * 4, b = ((qy + dy) * w + qx + dx) * 4
                            let d0 = est[a] - src[b] - m0, d1 = est[a + 1] - src[b + 1] - m1
                            let d2 = est[a + 2] - src[b + 2] - m2, d3 = est[a + 3] - src[b + 3] - m3
                            total += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3
                        }
                        if total >= limit { return total }
                    }
                    return total
                }
                for p in order {
                    var best = source[p]
                    var bestDistance = distance(p, best, .infinity)
                    let px = p % w, py = p / w
                    // Propagation: the neighbour's source, shifted back by one.
                    for (nx, ny) in [(px + step, py), (px, py + step)] where nx >= 0 && ny >= 0 && nx < w && ny < h {
                        let n = ny * w + nx
                        guard level.hole[n] else { continue }
                        let q = source[n] - (nx - px) - (ny - py) * w
                        guard q >= 0, q < w * h, level.isSource[q], abs((q % w) - (source[n] % w)) <= 1 else { continue }
                        let d = distance(p, q, bestDistance)
                        if d < bestDistance { best = q; bestDistance = d }
                    }
                    // Random search around the best so far, halving the window.
                    var radius = max(w, h)
                    while radius >= 1 {
                        let bx = best % w, by = best / w
                        let x = bx + Int(random.next() % UInt64(2 * radius + 1)) - radius
                        let y = by + Int(random.next() % UInt64(2 * radius + 1)) - radius
                        if x >= 0, y >= 0, x < w, y < h, level.isSource[y * w + x] {
                            let d = distance(p, y * w + x, bestDistance)
                            if d < bestDistance { best = y * w + x; bestDistance = d }
                        }
                        radius /= 2
                    }
                    source[p] = best
                }
            }
        }
    }
}

/// A small, fast, seedable generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
