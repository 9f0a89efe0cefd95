import Dispatch
import Foundation
import Raster
import Synchronization

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
        // k-means sees each value once, with its count: the same sums, in a half to a fiftieth
        // of the nearest-colour searches on photographs (smooth and grey ones repeat values).
        let tally = Tally(sample)
        for _ in 0..<refinements {
            centers = kMeansStep(tally, centers: centers, costs: [], rate: 0).centers
        }
        var colors = distinct(centers, serving: tally, snap: snap)
        guard rate > 0 else { return Palette(colors: colors) }
        // Rate-weighted passes from there; a colour that no longer serves any pixel is dropped.
        centers = colors.map { (Double($0.r), Double($0.g), Double($0.b)) }
        var costs = [Float](repeating: 0, count: centers.count)
        for _ in 0..<4 {
            (centers, costs) = kMeansStep(tally, centers: centers, costs: costs, rate: rate)
            let kept = costs.indices.filter { costs[$0].isFinite }
            centers = kept.map { centers[$0] }
            costs = kept.map { costs[$0] }
        }
        colors = centers.map { snap(RGBA(UInt8($0.0.rounded()), UInt8($0.1.rounded()), UInt8($0.2.rounded()))) }
        let unique = colors.indices.filter { !colors.repeatsEarlier($0) }
        return Palette(colors: unique.map { colors[$0] }, rate: rate, costs: unique.map { costs[$0] })
    }

    /// The centres snapped, each a different colour: centres that snap to the same one are moved
    /// to the points served worst (twice at most), and any still alike dropped.
    private static func distinct(_ start: [Center], serving tally: Tally, snap: (RGBA) -> RGBA) -> [RGBA] {
        var centers = start
        func snapped() -> [RGBA] { centers.map { snap(RGBA(UInt8($0.0.rounded()), UInt8($0.1.rounded()), UInt8($0.2.rounded()))) } }
        var colors = snapped()
        for _ in 0..<2 {
            let duplicates = colors.indices.filter(colors.repeatsEarlier)
            guard !duplicates.isEmpty else { break }
            let worst = worstServed(tally.values, by: colors, count: duplicates.count)
            for (slot, point) in zip(duplicates, worst) { centers[slot] = (Double(point.0), Double(point.1), Double(point.2)) }
            centers = kMeansStep(tally, centers: centers, costs: [], rate: 0).centers
            colors = snapped()
        }
        return colors.indices.filter { !colors.repeatsEarlier($0) }.map { colors[$0] }
    }

    /// The `count` distinct `values` farthest from their nearest colour.
    static func worstServed(_ values: [Point], by colors: [RGBA], count: Int) -> [Point] {
        let lanes = CentersByLane(colors.map { (Float($0.r), Float($0.g), Float($0.b)) })
        var distances = [Int32](repeating: 0, count: values.count)
        distances.withUnsafeMutableBufferPointer { distances in
            nonisolated(unsafe) let out = distances
            inParts(values.count) { _, range in
                for i in range {
                    let p = values[i], c = colors[lanes.nearest(Float(p.0), Float(p.1), Float(p.2))]
                    let dr = p.0 - Int32(c.r), dg = p.1 - Int32(c.g), db = p.2 - Int32(c.b)
                    out[i] = dr * dr + dg * dg + db * db
                }
            }
        }
        let order = values.indices.sorted { (distances[$0], $1) > (distances[$1], $0) }
        return order.prefix(count).map { values[$0] }
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

    /// About `count` of the picture's opaque pixels, spread evenly over it by a Fibonacci
    /// lattice: the i-th point i/count of the way down, and the fractional part of i times the
    /// golden ratio across. A stride through the rows would fall in the same few columns
    /// whenever the width is near a multiple of it. A picture no larger than the sample is
    /// taken whole.
    static func sample(_ image: RGBAImage, count: Int) -> [Point] {
        let width = image.width, height = image.height, total = width * height
        var points: [Point] = []
        points.reserveCapacity(min(total, count))
        image.pixels.withUnsafeBufferPointer { px in
            func take(_ pixel: Int) {
                let o = pixel * 4
                if px[o + 3] >= 128 { points.append((Int32(px[o]), Int32(px[o + 1]), Int32(px[o + 2]))) }
            }
            guard total > count else {
                for pixel in 0..<total { take(pixel) }
                return
            }
            let golden = (5.0.squareRoot() - 1) / 2
            for i in 0..<count {
                let across = (Double(i) * golden).truncatingRemainder(dividingBy: 1)
                let x = min(width - 1, Int(across * Double(width)))
                let y = min(height - 1, Int((Double(i) + 0.5) * Double(height) / Double(count)))
                take(y * width + x)
            }
        }
        return points
    }

    /// A box of median cut: its range in the pool, and its split priority (widest channel range
    /// x the square root of its population) with that channel. A struct, not a tuple: an array
    /// of tuples holding a `Range` makes the runtime check, the first time, that `Int` is
    /// `Comparable` by scanning every conformance in the program (half a millisecond here).
    private struct Box {
        var range: Range<Int>
        var score: Int
        var channel: Int
    }

    static func medianCut(_ points: [Point], colors: Int) -> [Center] {
        var pool = points
        // Each box measured once.
        var boxes: [Box] = []
        func measure(_ range: Range<Int>) -> Box {
            guard range.count > 1 else { return Box(range: range, score: 0, channel: 0) }
            var lo: Point = (255, 255, 255), hi: Point = (0, 0, 0)
            for p in pool[range] {
                lo = (min(lo.0, p.0), min(lo.1, p.1), min(lo.2, p.2))
                hi = (max(hi.0, p.0), max(hi.1, p.1), max(hi.2, p.2))
            }
            let ranges = [Int(hi.0 - lo.0), Int(hi.1 - lo.1), Int(hi.2 - lo.2)]
            let widest = ranges.max()!
            return Box(range: range, score: widest * Int(Double(range.count).squareRoot()), channel: ranges.firstIndex(of: widest)!)
        }
        boxes.append(measure(0..<pool.count))
        while boxes.count < colors {
            guard let bestIndex = boxes.indices.max(by: { boxes[$0].score < boxes[$1].score }), boxes[bestIndex].score > 0 else { break }
            let range = boxes[bestIndex].range, bestChannel = boxes[bestIndex].channel
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

    /// A sample's distinct values, in the order they first appear, and how often each occurs.
    struct Tally {
        private(set) var values: [Point] = []
        private(set) var counts: [Int32] = []
        let total: Int

        init(_ points: [Point]) {
            total = points.count
            // Open addressing on the packed value, the table at most half full; 0 marks a free
            // slot, so slots hold the value's index + 1.
            let bits = max(4, Int.bitWidth - (2 * points.count).leadingZeroBitCount), size = 1 << bits
            var slots = [Int32](repeating: 0, count: size)
            for p in points {
                // Fibonacci hashing: the product's top bits mix all three channels.
                let key = UInt32(p.0) << 16 | UInt32(p.1) << 8 | UInt32(p.2)
                var slot = Int((key &* 0x9E37_79B1) >> (32 - bits))
                while true {
                    let held = Int(slots[slot])
                    if held == 0 {
                        values.append(p)
                        counts.append(1)
                        slots[slot] = Int32(values.count)
                        break
                    }
                    if values[held - 1] == p {
                        counts[held - 1] += 1
                        break
                    }
                    slot = (slot + 1) & (size - 1)
                }
            }
        }
    }

    /// One k-means pass: each point goes to the centre nearest once its cost is added; each
    /// centre moves to the mean of its points, and its cost becomes `rate` x the bits naming it
    /// takes (infinite when it served none).
    static func kMeansStep(_ tally: Tally, centers: [Center], costs: [Float], rate: Float) -> (centers: [Center], costs: [Float]) {
        let lanes = CentersByLane(centers.map { (Float($0.0), Float($0.1), Float($0.2)) }, costs: costs)
        // Values are assigned in parts side by side; whole-number sums add up the same in any order.
        var partSums = [[(Int, Int, Int, count: Int)]](repeating: [], count: 4)
        partSums.withUnsafeMutableBufferPointer { partSums in
            nonisolated(unsafe) let results = partSums
            inParts(tally.values.count) { part, range in
                var sums = [(Int, Int, Int, count: Int)](repeating: (0, 0, 0, 0), count: centers.count)
                for i in range {
                    let p = tally.values[i], n = Int(tally.counts[i])
                    let best = lanes.nearest(Float(p.0), Float(p.1), Float(p.2))
                    sums[best].0 += n * Int(p.0); sums[best].1 += n * Int(p.1); sums[best].2 += n * Int(p.2)
                    sums[best].count += n
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
        let total = Float(tally.total)
        return (moved, counts.map { $0 == 0 ? .infinity : rate * -log2(Float($0) / total) })
    }
}

extension [RGBA] {
    /// Whether the colour at `index` (alpha aside) comes earlier too. A palette is small enough
    /// to scan; a hash set would cost more, a runtime conformance lookup at its first use.
    fileprivate func repeatsEarlier(_ index: Int) -> Bool {
        let color = self[index]
        return self[..<index].contains { ($0.r, $0.g, $0.b) == (color.r, color.g, color.b) }
    }
}

/// Colours laid out four to a SIMD group, so a nearest-colour search measures four at once,
/// the groups in order along the colours' principal axis: a search starts at the group where
/// the colour projects and stops where the distance along the axis alone is too far to win, so
/// it measures a few groups of a large palette rather than all of them.
struct CentersByLane {
    /// Four lanes, SSE's width: x86-64's baseline has no wider instructions, and eight lanes
    /// became two halves with shuffles between them (half the colours measured per instruction).
    typealias Lanes = SIMD4<Float>
    typealias LaneIndices = SIMD4<Int32>

    /// Four colours. SIMD values are kept in this struct rather than in arrays of their own:
    /// an array of a SIMD type makes the runtime check, the first time, that its scalar
    /// conforms to `SIMDScalar`, by scanning every conformance in the program (about 0.3 ms
    /// each for `Float` and `Int32` in this one, on every `retouch show`).
    private struct Group {
        var red, green, blue, cost: Lanes
        /// The colours' indices (`Int32.max` past the end).
        var index: LaneIndices
    }

    private var groups: [Group] = []
    /// Per group: the span of its colours' projections on `axis`, and its least cost.
    private var low: [Float] = [], high: [Float] = [], leastCost: [Float] = []
    private let axis: SIMD3<Float>
    private var overallLeastCost: Float = 0
    /// Positions along the axis cut into `Self.buckets` equal steps from `origin` (`scale`
    /// steps a unit): per step, the first group whose span reaches it. A search starts there
    /// rather than halving its way, a branch a step that a colour's position makes unpredictable.
    private var firstGroupFrom: [Int32] = []
    private var origin: Float = 0, scale: Float = 0
    static let buckets = 1024

    /// `costs` (empty: none) are added to the squared distances.
    init(_ colors: [(Float, Float, Float)], costs: [Float] = []) {
        axis = Self.principalAxis(colors)
        let projections = colors.map { (SIMD3($0.0, $0.1, $0.2) * axis).sum() }
        let order = colors.indices.sorted { (projections[$0], $0) < (projections[$1], $1) }
        let cost = { (i: Int) in costs.isEmpty ? 0 : Swift.min(1e9, costs[i]) }
        overallLeastCost = colors.indices.map(cost).min() ?? 0
        for start in stride(from: 0, to: order.count, by: Lanes.scalarCount) {
            // Lanes past the end sit far away, never nearest; so does a colour costing infinity.
            var r = Lanes(repeating: 1e9), g = r, b = r, costs = Lanes(repeating: 0)
            var index = LaneIndices(repeating: .max)
            let members = order[start..<Swift.min(order.count, start + Lanes.scalarCount)]
            for (lane, i) in members.enumerated() {
                (r[lane], g[lane], b[lane]) = colors[i]
                costs[lane] = cost(i)
                index[lane] = Int32(i)
            }
            groups.append(Group(red: r, green: g, blue: b, cost: costs, index: index))
            low.append(projections[members.first!])
            high.append(projections[members.last!])
            leastCost.append(members.map(cost).min()!)
        }
        if let first = low.first, let last = high.last {
            origin = first
            scale = last > first ? Float(Self.buckets) / (last - first) : 0
            var group = 0
            firstGroupFrom = (0..<Self.buckets).map { bucket in
                while group < high.count && self.bucket(high[group]) < bucket { group += 1 }
                return Int32(group)
            }
        }
    }

    /// The direction along which the colours spread most (a few rounds of power iteration on
    /// their covariance), a unit vector; the grey axis when they do not spread.
    private static func principalAxis(_ colors: [(Float, Float, Float)]) -> SIMD3<Float> {
        let grey = SIMD3<Float>(repeating: 1 / Float(3).squareRoot())
        guard colors.count > 1 else { return grey }
        var sum = SIMD3<Float>.zero
        for c in colors { sum += SIMD3(c.0, c.1, c.2) }
        let mean = sum / Float(colors.count)
        var rows = (SIMD3<Float>.zero, SIMD3<Float>.zero, SIMD3<Float>.zero)
        for c in colors {
            let d = SIMD3(c.0, c.1, c.2) - mean
            rows.0 += d * d.x; rows.1 += d * d.y; rows.2 += d * d.z
        }
        var axis = grey
        for _ in 0..<8 {
            let next = SIMD3((rows.0 * axis).sum(), (rows.1 * axis).sum(), (rows.2 * axis).sum())
            let length = (next * next).sum().squareRoot()
            guard length > 1e-6 else { return grey }
            axis = next / length
        }
        return axis
    }

    /// The bucket of a position along the axis: never smaller for a larger position.
    @inline(__always) private func bucket(_ position: Float) -> Int {
        let step = ((position - origin) * scale).rounded(.down)
        return step <= 0 ? 0 : step >= Float(Self.buckets - 1) ? Self.buckets - 1 : Int(step)
    }

    /// The index of the colour nearest to (red, green, blue), its cost added; the first of equals.
    func nearest(_ red: Float, _ green: Float, _ blue: Float) -> Int {
        let count = low.count
        guard count > 0 else { return 0 }
        let position = (SIMD3(red, green, blue) * axis).sum()
        // The first group reaching `position`; below it, groups lie wholly short of it. Its
        // bucket's first group is never past it (`bucket` only grows with the position), and
        // rarely more than a step short. (A start elsewhere would measure more groups, never
        // give another answer: the search goes out both ways by distance along the axis.)
        var above = Int(firstGroupFrom[bucket(position)])
        while above < count && high[above] < position { above += 1 }
        above = Swift.min(above, count - 1)
        var below = above - 1
        return groups.withUnsafeBufferPointer { groups in
            // Each lane keeps its own best so far, ties to the lower index; the four are
            // compared with each other at the end.
            var best = Lanes(repeating: .infinity), bestIndex = LaneIndices(repeating: .max)
            var group = above
            above += 1
            search: while true {
                let four = groups[group]
                let dr = four.red - red, dg = four.green - green, db = four.blue - blue
                let d = dr * dr + dg * dg + db * db + four.cost
                let closer = (d .< best) .| ((d .== best) .& (four.index .< bestIndex))
                best.replace(with: d, where: closer)
                bestIndex.replace(with: four.index, where: closer)
                let pair = best.lowHalf.replacing(with: best.highHalf, where: best.highHalf .< best.lowHalf)
                // A little slack, so rounding in the projections never skips a winner.
                let bound = Swift.min(pair.x, pair.y) * 1.0001 + 0.01
                // The next group nearest along the axis that could hold a closer colour.
                while true {
                    let gapAbove = above < count ? Swift.max(0, low[above] - position) : .infinity
                    let gapBelow = below >= 0 ? Swift.max(0, position - high[below]) : .infinity
                    let goesUp = gapAbove <= gapBelow, gap = goesUp ? gapAbove : gapBelow
                    // Farther along the axis only; no group there can come closer.
                    guard gap * gap + overallLeastCost <= bound else { break search }
                    group = goesUp ? above : below
                    if goesUp { above += 1 } else { below -= 1 }
                    if gap * gap + leastCost[group] <= bound { continue search }
                }
            }
            var index = Int32.max, distance = Float.infinity
            for lane in 0..<Lanes.scalarCount where best[lane] < distance || (best[lane] == distance && bestIndex[lane] < index) {
                (index, distance) = (bestIndex[lane], best[lane])
            }
            return index == .max ? 0 : Int(index)
        }
    }
}

/// Nearest palette colour for any RGB value, remembered per cell so each cell is searched once;
/// the cell's centre is searched. Cells are 7-bit by default: coarser cells (6 bits) send a tight
/// cluster of colours (a dark photograph, skin) to a few of the palette entries chosen for it.
/// Under error diffusion that error is passed on, and 6-bit cells are searched half as often
/// and fit in a processor's cache.
///
/// One memory serves all the workers mapping a picture: a cell's colour is the same whoever
/// searches it, so what one finds saves the others the search. Relaxed atomics, as no order
/// between cells matters; on x86 and ARM they are plain loads and stores.
final class NearestColor: @unchecked Sendable {
    /// Colour index + 1 per cell (0: not searched yet); the 256th colour is not remembered.
    /// From calloc: zero bytes are `Atomic(0)`, as an `Atomic<UInt8>` is its one byte and has
    /// no deinitialiser; and the first table of a process comes as fresh zero pages, each
    /// touched only once a colour in it is met.
    private let cells: UnsafeMutablePointer<Atomic<UInt8>>
    private let cellCount: Int
    private let lanes: CentersByLane
    /// Bits dropped from each channel: 1 for 7-bit cells, 2 for 6-bit ones.
    private let dropped: Int32

    init(_ palette: Palette, coarse: Bool = false) {
        lanes = CentersByLane(palette.colors.map { (Float($0.r), Float($0.g), Float($0.b)) }, costs: palette.costs)
        dropped = coarse ? 2 : 1
        cellCount = 1 << (3 * (8 - Int(dropped)))
        precondition(MemoryLayout<Atomic<UInt8>>.size == 1 && MemoryLayout<Atomic<UInt8>>.stride == 1)
        guard let memory = calloc(cellCount, 1) else { fatalError("out of memory for \(cellCount) colour cells") }
        cells = memory.bindMemory(to: Atomic<UInt8>.self, capacity: cellCount)
    }

    deinit { free(cells) }

    @inline(__always) func index(_ r: Int32, _ g: Int32, _ b: Int32) -> Int {
        // Masking shifts: `dropped` is 1 or 2, and Swift's checked shifts by a variable
        // amount take a dozen branches each.
        let bits = 8 &- dropped
        let key = Int((r &>> dropped) &<< (2 &* bits) | (g &>> dropped) &<< bits | (b &>> dropped))
        assert(key >= 0 && key < cellCount, "a channel outside 0...255")
        let cached = cells[key].load(ordering: .relaxed)
        return cached != 0 ? Int(cached) - 1 : search(cell: key, r, g, b)
    }

    @inline(never) private func search(cell key: Int, _ r: Int32, _ g: Int32, _ b: Int32) -> Int {
        let low: Int32 = ~((1 << dropped) - 1), centre = Float((1 << dropped) - 1) / 2
        let best = lanes.nearest(Float(r & low) + centre, Float(g & low) + centre, Float(b & low) + centre)
        if best < 255 { cells[key].store(UInt8(best + 1), ordering: .relaxed) }
        return best
    }
}
