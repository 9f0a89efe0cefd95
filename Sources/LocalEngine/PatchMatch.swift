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
        let w = width, h = height
        var out = [Float](repeating: 0, count: w * h * 4)
        level.image.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for p in 0..<(w * h) where level.hole[p] {
                    let px = p % w, py = p / w
                    var sum: (Float, Float, Float, Float) = (0, 0, 0, 0)
                    var count: Float = 0
                    let columns = Inpainter.patchOffsets(around: px, size: w)
                    for dy in Inpainter.patchOffsets(around: py, size: h) {
                        for dx in columns {
                            let c = (py + dy) * w + px + dx
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
        let holeIndices = (0..<(width * height)).filter { level.hole[$0] }
        let forward = random.next() & 1 == 0
        let order = forward ? holeIndices : holeIndices.reversed()
        estimate.values.withUnsafeBufferPointer { est in
            level.image.values.withUnsafeBufferPointer { src in
                let distance = PatchDistance(estimate: est, estimateMeans: estimateMeans, source: src, sourceMeans: sourceMeans,
                                             width: width, height: height)
                for p in order {
                    var best = Candidate(source: source[p], distance: distance(p, source[p], limit: .infinity))
                    propagate(into: p, step: forward ? -1 : 1, level: level, distance: distance, best: &best)
                    searchRandomly(for: p, level: level, distance: distance, random: &random, best: &best)
                    source[p] = best.source
                }
            }
        }
    }

    /// The best source found so far for one pixel.
    struct Candidate {
        var source: Int
        var distance: Float

        mutating func consider(_ q: Int, for p: Int, _ distance: PatchDistance) {
            let d = distance(p, q, limit: self.distance)
            if d < self.distance { self = Candidate(source: q, distance: d) }
        }
    }

    /// Propagation: the source of each neighbour already visited, shifted back by one.
    private func propagate(into p: Int, step: Int, level: Level, distance: PatchDistance, best: inout Candidate) {
        let w = width, h = height
        let px = p % w, py = p / w
        for (nx, ny) in [(px + step, py), (px, py + step)] where nx >= 0 && ny >= 0 && nx < w && ny < h {
            let n = ny * w + nx
            guard level.hole[n] else { continue }
            let q = source[n] - (nx - px) - (ny - py) * w
            guard q >= 0, q < w * h, level.isSource[q], abs((q % w) - (source[n] % w)) <= 1 else { continue }
            best.consider(q, for: p, distance)
        }
    }

    /// Random search around the best source so far, halving the window each time.
    private func searchRandomly(for p: Int, level: Level, distance: PatchDistance, random: inout SplitMix,
                                best: inout Candidate) {
        let w = width, h = height
        var radius = max(w, h)
        while radius >= 1 {
            let bx = best.source % w, by = best.source / w
            let x = bx + Int(random.next() % UInt64(2 * radius + 1)) - radius
            let y = by + Int(random.next() % UInt64(2 * radius + 1)) - radius
            if x >= 0, y >= 0, x < w, y < h, level.isSource[y * w + x] {
                best.consider(y * w + x, for: p, distance)
            }
            radius /= 2
        }
    }
}

/// How unlike two patches are once their means are gone: the sum of squared differences
/// between the estimate's patch at p (the part inside the image) and the source's at q.
struct PatchDistance {
    let estimate: UnsafeBufferPointer<Float>
    let estimateMeans: [Float]
    let source: UnsafeBufferPointer<Float>
    let sourceMeans: [Float]
    let width: Int
    let height: Int

    /// Stops adding once the total reaches `limit`, which a candidate must beat.
    func callAsFunction(_ p: Int, _ q: Int, limit: Float) -> Float {
        let w = width
        let px = p % w, py = p / w, qx = q % w, qy = q / w
        let pm = p * 4, qm = q * 4
        let m0 = estimateMeans[pm] - sourceMeans[qm], m1 = estimateMeans[pm + 1] - sourceMeans[qm + 1]
        let m2 = estimateMeans[pm + 2] - sourceMeans[qm + 2], m3 = estimateMeans[pm + 3] - sourceMeans[qm + 3]
        var total: Float = 0
        let columns = Inpainter.patchOffsets(around: px, size: w)
        for dy in Inpainter.patchOffsets(around: py, size: height) {
            for dx in columns {
                let a = ((py + dy) * w + px + dx) * 4, b = ((qy + dy) * w + qx + dx) * 4
                let d0 = estimate[a] - source[b] - m0, d1 = estimate[a + 1] - source[b + 1] - m1
                let d2 = estimate[a + 2] - source[b + 2] - m2, d3 = estimate[a + 3] - source[b + 3] - m3
                total += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3
            }
            if total >= limit { return total }
        }
        return total
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
