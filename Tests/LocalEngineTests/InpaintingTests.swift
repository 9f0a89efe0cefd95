import Testing
import Raster
import TestSupport
@testable import LocalEngine

/// Mean absolute error over the hole's pixels, RGB channels, in levels (0–255).
func holeError(_ a: RGBAImage, _ b: RGBAImage, hole: [Bool]) -> Double {
    var total = 0.0, count = 0.0
    for i in 0..<hole.count where hole[i] {
        for c in 0..<3 { total += abs(Double(a.pixels[i * 4 + c]) - Double(b.pixels[i * 4 + c])) }
        count += 3
    }
    return total / count
}

func rectangleHole(width: Int, height: Int, _ rect: PixelRect) -> [Bool] {
    (0..<(width * height)).map { rect.contains(x: $0 % width, y: $0 / width) }
}

@Suite struct InpaintingTests {
    @Test func smoothGradientHoleIsFilledAlmostExactly() {
        let image = RGBAImage(width: 256, height: 256) { x, y in RGBA(UInt8(x), UInt8(y), UInt8((x + y) / 2)) }
        let hole = rectangleHole(width: 256, height: 256, PixelRect(x: 90, y: 100, width: 60, height: 50))
        var damaged = image
        for i in 0..<hole.count where hole[i] { damaged.pixels[i * 4] = 255; damaged.pixels[i * 4 + 1] = 0 }
        let filled = Inpainter(seed: 3).fill(damaged, hole: hole)
        let error = holeError(filled, image, hole: hole)
        #expect(error < 2, "mean absolute error \(error) levels")
    }

    @Test func periodicTextureBeatsDiffusionByHalf() {
        // Diagonal stripes, period 12, and checks: textures a smooth fill cannot continue.
        let stripes = RGBAImage(width: 192, height: 192) { x, y in ((x + y) / 6) % 2 == 0 ? RGBA(220, 60, 40) : RGBA(30, 40, 160) }
        let checks = RGBAImage(width: 192, height: 192) { x, y in (x / 8 + y / 8) % 2 == 0 ? RGBA(240, 240, 240) : RGBA(20, 20, 20) }
        for texture in [stripes, checks] {
            let hole = rectangleHole(width: 192, height: 192, PixelRect(x: 70, y: 60, width: 40, height: 36))
            let ours = holeError(Inpainter(seed: 5).fill(texture, hole: hole), texture, hole: hole)
            let diffusion = holeError(Inpainter.diffusionFill(texture, hole: hole), texture, hole: hole)
            #expect(ours < diffusion / 2, "patch fill \(ours) vs diffusion \(diffusion)")
        }
    }

    @Test func knownPixelsNeverChange() {
        var random = SeededRandom(seed: 9)
        let image = RGBAImage(width: 80, height: 60) { _, _ in
            RGBA(UInt8(random.next() % 256), UInt8(random.next() % 256), UInt8(random.next() % 256), UInt8(random.next() % 256))
        }
        let hole = rectangleHole(width: 80, height: 60, PixelRect(x: 10, y: 10, width: 30, height: 20))
        let filled = Inpainter(seed: 1).fill(image, hole: hole)
        for i in 0..<hole.count where !hole[i] {
            #expect(filled.pixels[i * 4..<i * 4 + 4] == image.pixels[i * 4..<i * 4 + 4])
        }
    }

    @Test func levelsGoCoarseToFineAndSeedsVary() {
        let image = RGBAImage(width: 256, height: 256) { x, y in ((x / 5) % 3 == 0) != ((y / 7) % 2 == 0) ? RGBA(200, 180, 20) : RGBA(40, 90, 30) }
        let hole = rectangleHole(width: 256, height: 256, PixelRect(x: 60, y: 60, width: 120, height: 100))
        var levels: [RGBAImage] = []
        let final = Inpainter(seed: 1).fill(image, hole: hole) { levels.append($0) }
        #expect(levels.count >= 2)
        #expect(levels.allSatisfy { $0.width == 256 && $0.height == 256 })
        #expect(levels.last != final, "intermediate states are not the final image")
        // Detail (mean step between horizontal neighbours) grows from the blurry coarse levels
        // to the final fill, which is about as busy as the texture around it.
        func detail(_ image: RGBAImage) -> Double {
            var total = 0.0, count = 0.0
            for i in 0..<hole.count where hole[i] && hole[i + 1] {
                total += abs(Double(image.pixels[i * 4 + 1]) - Double(image.pixels[(i + 1) * 4 + 1]))
                count += 1
            }
            return total / count
        }
        let details = (levels + [final]).map(detail)
        #expect(details.last! > details.first! * 1.5, "coarse to fine: \(details)")
        #expect(abs(details.last! - detail(image)) < detail(image) * 0.5, "\(details.last!) vs \(detail(image))")
        #expect(Inpainter(seed: 2).fill(image, hole: hole) != final, "another seed gives another variation")
    }
}
