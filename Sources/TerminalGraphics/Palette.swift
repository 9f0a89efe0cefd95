import Dispatch
import Foundation
import Raster

/// Up to 256 colours chosen for one image (or a run of similar images).
public struct Palette: Equatable, Sendable {
    public var colors: [RGBA]
    /// Squared levels of error worth one bit of output (0: colours are chosen by distance only).
    public var rate: Float
    /// What mapping a pixel to each colour costs, in squared levels added to its distance
    /// (empty when `rate` is 0): `rate` x the bits naming the colour takes. A colour few pixels
    /// use costs more, so a noisy region settles on the colours common around it: fewer colours
    /// per band column and longer runs, for a little error (entropy-constrained quantisation).
    public var costs: [Float]

    public init(colors: [RGBA], rate: Float = 0, costs: [Float] = []) {
        precondition(!colors.isEmpty && colors.count <= 256 && (costs.isEmpty || costs.count == colors.count))
        self.colors = colors
        self.rate = costs.isEmpty ? 0 : rate
        self.costs = costs
    }

    /// Median cut on a sample of the image, refined by a few k-means passes over the same sample:
    /// median cut places colours where the pixels are; k-means then moves each to the mean of the
    /// pixels it actually serves, which is what lowers the error. Pixels with alpha below 128 are
    /// ignored (they are drawn transparent).
    ///
    /// `snap` maps a colour to one the output can express (sixel registers hold percentages).
    /// Colours that snap to the same one are moved to the pixels served worst, so a tight
    /// cluster (a dark photograph) does not waste half the palette on duplicates.
    ///
    /// With a `rate` above 0, each colour costs `rate` squared levels per bit it takes to name
    /// (−log2 of the share of pixels it serves), in a few more k-means passes and in `costs`:
    /// colours that serve few pixels give them up to common ones or vanish.
    public static func quantize(_ image: RGBAImage, maxColors: Int = 256, sampleSize: Int = 12_288,
                                refinements: Int = 3, rate: Float = 0, snap: (RGBA) -> RGBA = { $0 }) -> Palette {
        let maxColors = max(1, min(256, maxColors))
        let sample = Self.sample(image, count: sampleSize)
        guard !sample.isEmpty else { return Palette(colors: [RGBA(0, 0, 0)]) }
        var centers = medianCut(sample, colors: maxColors)
        for _ in 0..<refinements {
            centers = kMeansStep(sample, centers: centers, costs: [], rate: 0).centers
        }
        var colors = distinct(centers, serving: sample, snap: snap)
        guard rate > 0 else { return Palette(colors: colors) }
        // Rate-weighted passes from there; a colour that no longer serves any pixel is dropped.
        centers = colors.map { (Double($0.r), Double($0.g), Double($0.b)) }
        var costs = [Float](repeating: 0, count: centers.count)
        for _ in 0..<4 {
            (centers, costs) = kMeansStep(sample, centers: centers, costs: costs, rate: rate)
            let kept = costs.indices.filter { costs[$0].isFinite }
            centers = kept.map { centers[$0] }
            costs = kept.map { costs[$0] }
        }
        colors = centers.map { snap(RGBA(UInt8($0.0.rounded()), UInt8($0.1.rounded()), UInt8($0.2.rounded()))) }
        var seen = Set<UInt32>()
        let unique = colors.indices.filter { seen.insert(colors[$0].key).inserted }
        return Palette(colors: unique.map { colors[$0] }, rate: rate, costs: unique.map { costs[$0] })
    }

    /// The centres snapped, each a different colour: centres that snap to the same one are moved
    /// to the points served worst (twice at most), and any still alike dropped.
    private static func distinct(_ start: [Center], serving sample: [Point], snap: (RGBA) -> RGBA) -> [RGBA] {
        var centers = start
        func snapped() -> [RGBA] { centers.map { snap(RGBA(UInt8($0.0.rounded()), UInt8($0.1.rounded()), UInt8($0.2.rounded()))) } }
        var colors = snapped()
        for _ in 0..<2 {
            var seen = Set<UInt32>()
            let duplicates = colors.indices.filter { !seen.insert(colors[$0].key).inserted }
            guard !duplicates.isEmpty else { break }
            let worst = worstServed(sample, by: colors, count: duplicates.count)
            for (slot, point) in zip(duplicates, worst) { centers[slot] = (Double(point.0), Double(point.1), Double(point.2)) }
            centers = kMeansStep(sample, centers: centers, costs: [], rate: 0).centers
            colors = snapped()
        }
        var seen = Set<UInt32>()
        return colors.filter { seen.insert($0.key).inserted }
    }

    /// The `count` sample points farthest from their nearest colour, one per distinct value.
    static func worstServed(_ points: [Point], by colors: [RGBA], count: Int) -> [Point] {
        let lanes = CentersByLane(colors.map { (Float($0.r), Float($0.g), Float($0.b)) })
        var distances = [Int32](repeating: 0, count: points.count)
        distances.withUnsafeMutableBufferPointer { distances in
            nonisolated(unsafe) let out = distances
            inParts(points.count) { _, range in
                for i in range {
                    let p = points[i], c = colors[lanes.nearest(Float(p.0), Float(p.1), Float(p.2))]
                    let dr = p.0 - Int32(c.r), dg = p.1 - Int32(c.g), db = p.2 - Int32(c.b)
                    out[i] = dr * dr + dg * dg + db * db
                }
            }
        }
        var seen = Set<Int32>(), worst: [Point] = []
        for i in points.indices.sorted(by: { (distances[$0], $1) > (distances[$1], $0) }) where worst.count < count {
            let p = points[i]
            if seen.insert(p.0 << 16 | p.1 << 8 | p.2).inserted { worst.append(p) }
        }
        return worst
    }

    /// Runs `body` on up to four parts of `0..<count` side by side (one when there is little
    /// to share), given each part's number and range: always the same, whatever the number of
    /// processors.
    static func inParts(_ count: Int, _ body: @Sendable (_ part: Int, _ range: Range<Int>) -> Void) {
        let parts = min(4, max(1, count / 2048))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part, (count * part / parts)..<(count * (part + 1) / parts))
        }
    }

    /// The share of `image`'s opaque pixels, measured on about `samples` of them, whose nearest
    /// colour is more than `levels` away (root mean square over the channels).
    public func shareServedWorseThan(_ levels: Int, in image: RGBAImage, samples: Int = 4096) -> Double {
        let points = Self.sample(image, count: samples)
        guard !points.isEmpty else { return 0 }
        let lanes = CentersByLane(colors.map { (Float($0.r), Float($0.g), Float($0.b)) })
        let limit = Int32(3 * levels * levels)
        let far = points.filter { p in
            let c = colors[lanes.nearest(Float(p.0), Float(p.1), Float(p.2))]
            let dr = p.0 - Int32(c.r), dg = p.1 - Int32(c.g), db = p.2 - Int32(c.b)
            return dr * dr + dg * dg + db * db > limit
        }
        return Double(far.count) / Double(points.count)
    }

    typealias Point = (Int32, Int32, Int32)
    typealias Center = (Double, Double, Double)

    /// Every n-th opaque pixel, n chosen so about `count` pixels are taken.
    static func sample(_ image: RGBAImage, count: Int) -> [Point] {
        let total = image.width * image.height
        let step = max(1, total / max(1, count))
        var points: [Point] = []
        points.reserveCapacity(total / step + 1)
        image.pixels.withUnsafeBufferPointer { px in
            var i = 0
            while i < total {
                let o = i * 4
                if px[o + 3] >= 128 { points.append((Int32(px[o]), Int32(px[o + 1]), Int32(px[o + 2]))) }
                // Stride with a little jitter so regular patterns are not sampled in lockstep;
                // an image no larger than the sample is taken whole.
                i += step == 1 ? 1 : step + ((i / step) % 3 == 0 ? 1 : 0)
            }
        }
        return points
    }

    static func medianCut(_ points: [Point], colors: Int) -> [Center] {
        var pool = points
        // Each box: its range in `pool`, and its split priority (widest channel range x the
        // square root of its population) with that channel; computed once per box.
        var boxes: [(range: Range<Int>, score: Int, channel: Int)] = []
        func measure(_ range: Range<Int>) -> (range: Range<Int>, score: Int, channel: Int) {
            guard range.count > 1 else { return (range, 0, 0) }
            var lo: Point = (255, 255, 255), hi: Point = (0, 0, 0)
            for p in pool[range] {
                lo = (min(lo.0, p.0), min(lo.1, p.1), min(lo.2, p.2))
                hi = (max(hi.0, p.0), max(hi.1, p.1), max(hi.2, p.2))
            }
            let ranges = [Int(hi.0 - lo.0), Int(hi.1 - lo.1), Int(hi.2 - lo.2)]
            let widest = ranges.max()!
            return (range, widest * Int(Double(range.count).squareRoot()), ranges.firstIndex(of: widest)!)
        }
        boxes.append(measure(0..<pool.count))
        while boxes.count < colors {
            guard let bestIndex = boxes.indices.max(by: { boxes[$0].score < boxes[$1].score }), boxes[bestIndex].score > 0 else { break }
            let (range, _, bestChannel) = boxes[bestIndex]
            // Split at the median of the widest channel: a histogram finds it, one partition
            // pass moves the points (linear, where sorting the box would not be).
            func channel(_ p: Point) -> Int32 { bestChannel == 0 ? p.0 : bestChannel == 1 ? p.1 : p.2 }
            var histogram = [Int](repeating: 0, count: 256)
            for p in pool[range] { histogram[Int(channel(p))] += 1 }
            var median: Int32 = 0, seen = 0
            while seen + histogram[Int(median)] <= range.count / 2 && median < 255 {
                seen += histogram[Int(median)]
                median += 1
            }
            // When more than half the box sits on its lowest value (a clipped channel, a
            // black border), split just above that value rather than nowhere.
            if seen == 0 { median += 1 }
            var middle = pool[range].partition { channel($0) >= median }
            if middle == range.lowerBound || middle == range.upperBound { middle = range.lowerBound + range.count / 2 }
            boxes[bestIndex] = measure(range.lowerBound..<middle)
            boxes.append(measure(middle..<range.upperBound))
        }
        return boxes.map { box in
            var sum: (Double, Double, Double) = (0, 0, 0)
            for p in pool[box.range] { sum.0 += Double(p.0); sum.1 += Double(p.1); sum.2 += Double(p.2) }
            let n = Double(max(1, box.range.count))
            return (sum.0 / n, sum.1 / n, sum.2 / n)
        }
    }

    /// One k-means pass: each point goes to the centre nearest once its cost is added; each
    /// centre moves to the mean of its points, and its cost becomes `rate` x the bits naming it
    /// takes (infinite when it served none).
    static func kMeansStep(_ points: [Point], centers: [Center], costs: [Float], rate: Float) -> (centers: [Center], costs: [Float]) {
        let lanes = CentersByLane(centers.map { (Float($0.0), Float($0.1), Float($0.2)) }, costs: costs)
        // Points are assigned in parts side by side; whole-number sums add up the same in any order.
        var partSums = [[(Int, Int, Int, count: Int)]](repeating: [], count: 4)
        partSums.withUnsafeMutableBufferPointer { partSums in
            nonisolated(unsafe) let results = partSums
            inParts(points.count) { part, range in
                var sums = [(Int, Int, Int, count: Int)](repeating: (0, 0, 0, 0), count: centers.count)
                for p in points[range] {
                    let best = lanes.nearest(Float(p.0), Float(p.1), Float(p.2))
                    sums[best].0 += Int(p.0); sums[best].1 += Int(p.1); sums[best].2 += Int(p.2)
                    sums[best].count += 1
                }
                results[part] = sums
            }
        }
        var sums = [(Int, Int, Int)](repeating: (0, 0, 0), count: centers.count)
        var counts = [Int](repeating: 0, count: centers.count)
        for part in partSums {
            for (k, s) in part.enumerated() {
                sums[k].0 += s.0; sums[k].1 += s.1; sums[k].2 += s.2
                counts[k] += s.count
            }
        }
        let moved = centers.indices.map { k in
            counts[k] == 0 ? centers[k] : (Double(sums[k].0) / Double(counts[k]), Double(sums[k].1) / Double(counts[k]), Double(sums[k].2) / Double(counts[k]))
        }
        guard rate > 0 else { return (moved, costs) }
        let total = Float(points.count)
        return (moved, counts.map { $0 == 0 ? .infinity : rate * -log2(Float($0) / total) })
    }
}

extension RGBA {
    /// The colour as one number, for sets.
    fileprivate var key: UInt32 { UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b) }
}

/// Colours laid out eight to a SIMD group, so a nearest-colour search measures eight at once.
struct CentersByLane {
    /// Per group of eight colours: their reds, greens, blues and costs.
    private var lanes: [SIMD8<Float>] = []

    /// `costs` (empty: none) are added to the squared distances.
    init(_ colors: [(Float, Float, Float)], costs: [Float] = []) {
        for start in stride(from: 0, to: colors.count, by: 8) {
            // Lanes past the end sit far away, never nearest; so does a colour costing infinity.
            var r = SIMD8<Float>(repeating: 1e9), g = r, b = r, cost = SIMD8<Float>(repeating: 0)
            for lane in 0..<Swift.min(8, colors.count - start) {
                (r[lane], g[lane], b[lane]) = colors[start + lane]
                if !costs.isEmpty { cost[lane] = Swift.min(1e9, costs[start + lane]) }
            }
            lanes += [r, g, b, cost]
        }
    }

    /// The index of the colour nearest to (red, green, blue); the first of equals.
    func nearest(_ red: Float, _ green: Float, _ blue: Float) -> Int {
        lanes.withUnsafeBufferPointer { lanes in
            // Each lane keeps its own best so far: one comparison per group of eight, and the
            // eight are compared with each other once at the end.
            var best = SIMD8<Float>(repeating: .infinity), bestGroup = SIMD8<Int32>(repeating: 0)
            var group = SIMD8<Int32>(repeating: 0)
            for base in stride(from: 0, to: lanes.count, by: 4) {
                let dr = lanes[base] - red, dg = lanes[base + 1] - green, db = lanes[base + 2] - blue
                let d = dr * dr + dg * dg + db * db + lanes[base + 3]
                let closer = d .< best
                best.replace(with: d, where: closer)
                bestGroup.replace(with: group, where: closer)
                group &+= 1
            }
            var index = Int.max, distance = Float.infinity
            for lane in 0..<8 {
                let candidate = Int(bestGroup[lane]) * 8 + lane
                if best[lane] < distance || (best[lane] == distance && candidate < index) {
                    (index, distance) = (candidate, best[lane])
                }
            }
            return index == Int.max ? 0 : index
        }
    }
}

/// Nearest palette colour for any RGB value, remembered per cell so each cell is searched once;
/// the cell's centre is searched. Cells are 7-bit by default: coarser cells (6 bits) send a tight
/// cluster of colours (a dark photograph, skin) to a few of the palette entries chosen for it.
/// Under error diffusion that error is passed on, and 6-bit cells are searched half as often
/// and fit in a processor's cache.
struct NearestColor {
    /// Colour index + 1 per cell (0: not searched yet); the 256th colour is not remembered.
    private var cache: [UInt8]
    private let lanes: CentersByLane
    /// Bits dropped from each channel: 1 for 7-bit cells, 2 for 6-bit ones.
    private let dropped: Int32
    let count: Int

    init(_ palette: Palette, coarse: Bool = false) {
        count = palette.colors.count
        lanes = CentersByLane(palette.colors.map { (Float($0.r), Float($0.g), Float($0.b)) }, costs: palette.costs)
        dropped = coarse ? 2 : 1
        cache = [UInt8](repeating: 0, count: 1 << (3 * (8 - Int(dropped))))
    }

    mutating func index(_ r: Int32, _ g: Int32, _ b: Int32) -> Int {
        let bits = 8 - dropped
        let key = Int((r >> dropped) << (2 * bits) | (g >> dropped) << bits | (b >> dropped))
        let cached = cache[key]
        if cached != 0 { return Int(cached) - 1 }
        let low: Int32 = ~((1 << dropped) - 1), centre = Float((1 << dropped) - 1) / 2
        let best = lanes.nearest(Float(r & low) + centre, Float(g & low) + centre, Float(b & low) + centre)
        if best < 255 { cache[key] = UInt8(best + 1) }
        return best
    }
}
