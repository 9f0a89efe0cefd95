import Raster

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
            let holeExtent = Inpainter.holeBounds(current.1, width: w).map { max($0.width, $0.height) } ?? 0
            if min(w, h) < 48 || holeExtent <= 12 || levels.count >= 8 { break }
            let next = current.0.halved(hole: current.1)
            // Keep some known pixels to learn from on the coarser level.
            guard next.1.contains(false), Self.level(next.0, next.1).sources.count > 0 else { break }
            current = next
        }
        // A level with no source patches cannot be refined: drop it and fill by diffusion alone.
        self.levels = levels
    }

    /// Where a level's fill starts: its known pixels, and in its hole the coarser level's
    /// result scaled up (the hole left as it is on the coarsest level).
    func startingEstimate(at level: Int, from coarser: Plane4?) -> Plane4 {
        let known = levels[level]
        var estimate = known.image
        if let coarser {
            estimate.fillHole(known.hole, from: coarser.upsampled(to: known.image.width, known.image.height))
        }
        return estimate
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
}
