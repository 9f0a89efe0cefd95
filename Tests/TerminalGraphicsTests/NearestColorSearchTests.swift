import Raster
@testable import TerminalGraphics
import TestSupport
import Testing

/// The nearest-colour search skips groups of colours by their distance along an axis; it must
/// still find exactly what measuring every colour finds, the first of equals included.
@Suite struct NearestColorSearchTests {
    static func everyColor(_ colors: [(Float, Float, Float)], costs: [Float], _ p: (Float, Float, Float)) -> Int {
        var (index, distance) = (0, Float.infinity)
        for (k, c) in colors.enumerated() {
            let d = (c.0 - p.0) * (c.0 - p.0) + (c.1 - p.1) * (c.1 - p.1) + (c.2 - p.2) * (c.2 - p.2) + (costs.isEmpty ? 0 : min(1e9, costs[k]))
            if d < distance { (index, distance) = (k, d) }
        }
        return index
    }

    @Test(arguments: [1, 3, 4, 5, 7, 8, 9, 40, 176, 256])
    func findsWhatMeasuringEveryColourFinds(count: Int) {
        var random = SeededRandom(default: UInt64(count))
        for round in 0..<40 {
            // Spread, clustered along a line (a dark photograph), or coarse enough to repeat.
            let spread = round % 3 == 0 ? 256 : 40
            let coarse = round % 3 == 2
            var colors: [(Float, Float, Float)] = []
            for _ in 0..<count {
                let t = Float(random.next(below: 256))
                let green = min(255, t / 2 + Float(random.next(below: spread))), blue = Float(random.next(below: spread))
                colors.append(coarse ? ((t / 32).rounded(.down) * 32, (green / 64).rounded(.down) * 64, blue) : (t, green, blue))
            }
            let costs: [Float] = round % 2 == 0 ? [] : (0..<count).map { _ in random.next(below: 20) == 0 ? .infinity : Float(random.next(below: 300)) }
            let lanes = CentersByLane(colors, costs: costs)
            for _ in 0..<200 {
                // Whole levels, and cell centres between them (x.5, as `NearestColor` asks).
                func level() -> Float { Float(random.next(below: 256)) + Float(random.next(below: 2)) / 2 }
                let p = (level(), level(), level())
                let expected = Self.everyColor(colors, costs: costs, p)
                #expect(lanes.nearest(p.0, p.1, p.2) == expected, "\(random) round \(round) at \(p)")
            }
            // Exactly on a colour, and between two equal ones.
            for k in colors.indices.prefix(20) {
                let c = colors[k]
                #expect(lanes.nearest(c.0, c.1, c.2) == Self.everyColor(colors, costs: costs, c), "\(random) round \(round) on colour \(k)")
            }
        }
    }

    /// Mapping a picture of several strips (so several workers sharing one memory of cells):
    /// every pixel gets the colour nearest its cell's centre, as a search of its own would.
    @Test func workersSharingTheCellMemoryMapEveryPixelToItsCellsNearest() {
        var random = SeededRandom(default: 3)
        let colors = (0..<40).map { _ in RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256))) }
        let image = RGBAImage(width: 211, height: 5 * IndexedImage.stripRows + 7) { _, _ in
            RGBA(UInt8(random.next(below: 256)), UInt8(random.next(below: 256)), UInt8(random.next(below: 256)))
        }
        let mapped = IndexedImage(image, palette: Palette(colors: colors), dither: .none)
        let lanes = CentersByLane(colors.map { (Float($0.r), Float($0.g), Float($0.b)) })
        var wrong = 0
        for i in 0..<(image.width * image.height) {
            let cell = { (v: UInt8) in Float(v & ~1) + 0.5 }
            let expected = lanes.nearest(cell(image.pixels[i * 4]), cell(image.pixels[i * 4 + 1]), cell(image.pixels[i * 4 + 2]))
            if Int(mapped.indices[i]) != expected { wrong += 1 }
        }
        #expect(wrong == 0, "\(random)")
    }

    @Test func aTallyKeepsEachValueOnceInOrderWithItsCount() {
        let points: [Palette.Point] = [(1, 2, 3), (0, 0, 0), (1, 2, 3), (3, 2, 1), (0, 0, 0), (1, 2, 3)]
        let tally = Palette.Tally(points)
        #expect(tally.values.map { [$0.0, $0.1, $0.2] } == [[1, 2, 3], [0, 0, 0], [3, 2, 1]])
        #expect(tally.counts == [3, 2, 1] && tally.total == 6)
        var random = SeededRandom(default: 5)
        let many = (0..<5000).map { _ in (Int32(random.next(below: 4)), Int32(random.next(below: 256)), Int32(random.next(below: 3))) }
        let large = Palette.Tally(many)
        #expect(large.counts.reduce(0, +) == 5000 && large.total == 5000)
        #expect(Set(large.values.map { $0.0 << 16 | $0.1 << 8 | $0.2 }).count == large.values.count, "\(random)")
    }
}
