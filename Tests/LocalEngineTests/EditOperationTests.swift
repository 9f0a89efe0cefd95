import Testing
import Raster
import TestSupport
@testable import LocalEngine

/// A 96x64 picture with gradients, stripes and noise, so every operation has something to
/// change, and a mask editing a 48x32 rectangle in its middle.
let picture: RGBAImage = {
    var random = SeededRandom(seed: 21)
    return RGBAImage(width: 96, height: 64) { x, y in
        let noise = Int(random.next(below: 40))
        let stripe = (x / 3) % 2 == 0 ? 60 : 0
        return RGBA(UInt8(40 + x + noise), UInt8(30 + 2 * y + stripe), UInt8(min(255, 90 + x / 2 + y + noise)))
    }
}()
let editRect = PixelRect(x: 24, y: 16, width: 48, height: 32)
let editMask = Mask(width: 96, height: 64, rects: [editRect]).image()
/// The part of the rectangle past the soft edge, where operations apply fully.
let fullyEdited = PixelRect(x: editRect.x + EditArea.featherWidth, y: editRect.y + EditArea.featherWidth,
                            width: editRect.width - 2 * EditArea.featherWidth, height: editRect.height - 2 * EditArea.featherWidth)

func edited(_ prompt: String, _ image: RGBAImage = picture, mask: RGBAImage? = editMask, variations: Int = 1) -> [RGBAImage] {
    var images: [RGBAImage] = []
    try! LocalEngine().run(LocalEngine.Job(image: image, mask: mask, prompt: prompt, variations: variations),
                           onPartial: { _, _ in }, onImage: { images.append($1) })
    return images
}

func pixels(in rect: PixelRect) -> [(x: Int, y: Int)] {
    (rect.y..<rect.maxY).flatMap { y in (rect.x..<rect.maxX).map { (x: $0, y: y) } }
}

/// Mean of `value` over the fully edited pixels of `image`.
func mean(_ image: RGBAImage, _ value: (RGBA) -> Double) -> Double {
    let inside = pixels(in: fullyEdited)
    return inside.map { value(image[$0.x, $0.y]) }.reduce(0, +) / Double(inside.count)
}

func luma(_ c: RGBA) -> Double { 0.299 * Double(c.r) + 0.587 * Double(c.g) + 0.114 * Double(c.b) }
func chroma(_ c: RGBA) -> Double { [c.r, c.g, c.b].map { abs(Double($0) - luma(c)) }.reduce(0, +) }

/// Mean squared step between neighbours inside the fully edited area: detail.
func detail(_ image: RGBAImage) -> Double {
    let inside = pixels(in: PixelRect(x: fullyEdited.x, y: fullyEdited.y, width: fullyEdited.width - 1, height: fullyEdited.height))
    return inside.map { p in
        let a = image[p.x, p.y], b = image[p.x + 1, p.y]
        return [(a.r, b.r), (a.g, b.g), (a.b, b.b)].map { pow2(Double($0) - Double($1)) }.reduce(0, +)
    }.reduce(0, +) / Double(inside.count)
}

func pow2(_ value: Double) -> Double { value * value }

func spread(_ image: RGBAImage) -> Double {
    let average = mean(image, luma)
    return mean(image) { pow2(luma($0) - average) }
}

@Suite struct EditOperationTests {
    @Test(arguments: ["remove", "black and white", "sepia", "warmer", "cooler", "brighter", "darker", "more contrast",
                      "less contrast", "saturate", "desaturate", "blur", "sharpen", "pixelate", "invert", "night",
                      "fill with orange", "blur then invert then warmer"])
    func changesOnlyInsideTheMask(prompt: String) {
        let result = edited(prompt)[0]
        var changedInside = 0
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                if editRect.contains(x: x, y: y) {
                    if result[x, y] != picture[x, y] { changedInside += 1 }
                } else {
                    #expect(result[x, y] == picture[x, y], "\(prompt): (\(x),\(y)) is outside the mask")
                }
            }
        }
        #expect(changedInside > editRect.width * editRect.height / 2, "\(prompt): \(changedInside) pixels changed")
    }

    @Test func eachOperationMovesPixelsTheWayItSays() {
        #expect(pixels(in: fullyEdited).allSatisfy { let c = edited("black and white")[0][$0.x, $0.y]; return c.r == c.g && c.g == c.b })
        #expect(pixels(in: fullyEdited).allSatisfy { let c = edited("sepia")[0][$0.x, $0.y]; return c.r >= c.g && c.g >= c.b })
        let redOverBlue = { (c: RGBA) in Double(c.r) - Double(c.b) }
        #expect(mean(edited("warmer")[0], redOverBlue) > mean(picture, redOverBlue) + 10)
        #expect(mean(edited("cooler")[0], redOverBlue) < mean(picture, redOverBlue) - 10)
        #expect(mean(edited("brighter")[0], luma) > mean(picture, luma) + 10)
        #expect(mean(edited("darker")[0], luma) < mean(picture, luma) - 10)
        #expect(spread(edited("more contrast")[0]) > spread(picture) * 1.3)
        #expect(spread(edited("less contrast")[0]) < spread(picture) * 0.7)
        #expect(mean(edited("saturate")[0], chroma) > mean(picture, chroma) * 1.2)
        #expect(mean(edited("desaturate")[0], chroma) < mean(picture, chroma) * 0.6)
        #expect(detail(edited("blur")[0]) < detail(picture) * 0.5)
        #expect(detail(edited("sharpen")[0]) > detail(picture) * 1.5)
        let night = edited("night")[0]
        #expect(mean(night, luma) < mean(picture, luma) * 0.7)
        #expect(mean(night) { Double($0.b) } > mean(night) { Double($0.r) })
    }

    @Test func invertAndFillAreExact() {
        let inverted = edited("invert")[0], filled = edited("fill with sky blue")[0]
        for p in pixels(in: fullyEdited) {
            let before = picture[p.x, p.y]
            #expect(inverted[p.x, p.y] == RGBA(255 - before.r, 255 - before.g, 255 - before.b, before.a))
            #expect(filled[p.x, p.y] == RGBA(135, 206, 235))
        }
    }

    @Test func pixelateMakesBlocksOfOneColour() {
        let result = edited("pixelate")[0]
        let block = NeighbourhoodFilters.blockSize(picture)
        // Blocks of the image's grid lying wholly in the fully edited area.
        for top in stride(from: 0, to: 64, by: block) {
            for left in stride(from: 0, to: 96, by: block) {
                let square = PixelRect(x: left, y: top, width: block, height: block)
                guard square.clipped(to: fullyEdited) == square else { continue }
                let colours = Set(pixels(in: square).map { result[$0.x, $0.y] })
                #expect(colours.count == 1, "block at (\(left),\(top))")
            }
        }
        #expect(Set(pixels(in: fullyEdited).map { result[$0.x, $0.y] }).count > 4, "blocks differ from one another")
    }

    @Test func theBorderBlendsOverAFewPixels() {
        let filled = edited("fill with red")[0]
        let red = RGBA(255, 0, 0)
        // Along a row through the middle: the first pixel inside is a mix, full red a few pixels in.
        let y = editRect.y + editRect.height / 2
        let edge = filled[editRect.x, y], original = picture[editRect.x, y]
        #expect(edge != red && edge != original)
        #expect(edge.r > original.r)
        #expect(filled[editRect.x + EditArea.featherWidth - 1, y] == red)
    }

    @Test func withoutAMaskTheWholeImageChanges() {
        let inverted = edited("invert", mask: nil)[0]
        for p in pixels(in: picture.bounds) {
            let before = picture[p.x, p.y]
            #expect(inverted[p.x, p.y] == RGBA(255 - before.r, 255 - before.g, 255 - before.b, before.a))
        }
        #expect(edited("remove the sun", mask: nil)[0] == picture, "removal needs a mask; nothing else was asked")
    }

    @Test func operationsApplyInOrder() {
        let greyLast = edited("warmer then black and white")[0], greyFirst = edited("black and white then warmer")[0]
        #expect(pixels(in: fullyEdited).allSatisfy { let c = greyLast[$0.x, $0.y]; return c.r == c.g && c.g == c.b })
        #expect(pixels(in: fullyEdited).allSatisfy { let c = greyFirst[$0.x, $0.y]; return c.r > c.b })
    }

    @Test func outputIsDeterministic() {
        for prompt in ["blur and sharpen and pixelate", "night", "remove", "hello"] {
            #expect(edited(prompt) == edited(prompt), "\(prompt)")
        }
        let variations = edited("warmer", variations: 2)
        #expect(variations[0] == variations[1], "tone operations draw on no seed")
    }

    @Test func understandingNothingKeepsTheOldBehaviour() {
        let hole = (0..<(96 * 64)).map { editRect.contains(x: $0 % 96, y: $0 / 96) }
        let seed = UInt64(0) &* 0x9E37_79B9 &+ 17
        #expect(edited("a cat in a hat")[0] == Inpainter(seed: seed, passes: LocalEngine.Quality.medium.passes).fill(picture, hole: hole))
        #expect(edited("a cat in a hat", mask: nil)[0] == LocalEngine.sepiaVignette(picture, strength: 1))
    }

    @Test func partialImagesFadeAOneStepEditIn() {
        var partials: [RGBAImage] = []
        var final: RGBAImage?
        try! LocalEngine().run(LocalEngine.Job(image: picture, mask: editMask, prompt: "invert", partialImages: 3),
                               onPartial: { partials.append($1) }, onImage: { final = $1 })
        #expect(partials.count == 3)
        #expect(Set(partials.map(\.pixels)).count == 3)
        #expect(partials.allSatisfy { $0 != final && $0 != picture })
    }
}
