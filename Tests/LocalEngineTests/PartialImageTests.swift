import Testing
import Raster
import TestSupport
@testable import LocalEngine

/// Partial images are stages of the work, coarse to fine: on a textured picture each differs
/// from the picture, from the other partial images and from the result, at every size and for
/// every kind of edit (a fill from the surroundings, operations reading neighbours, per-pixel
/// operations, several operations, the default without a mask).
@Suite struct PartialImageTests {
    /// Noise over stripes and gradients, `side` x `side`.
    static func texture(side: Int) -> RGBAImage {
        var random = SeededRandom(seed: UInt64(side))
        return RGBAImage(width: side, height: side) { x, y in
            let noise = random.next(below: 48)
            let stripe = (x / 3 + y / 5) % 2 == 0 ? 70 : 0
            return RGBA(UInt8(30 + x * 150 / side + noise), UInt8(40 + y * 120 / side + stripe),
                        UInt8(min(255, 90 + (x + y) * 60 / side + noise)))
        }
    }

    /// A rectangle of about a sixth of the side, off the centre, as a mask edits it.
    static func mask(side: Int) -> RGBAImage {
        Mask(width: side, height: side, rects: [PixelRect(x: side * 3 / 8, y: side / 4, width: side / 6, height: side / 7)]).image()
    }

    static let edits: [(prompt: String, masked: Bool)] = [
        ("remove the boat", true), ("a cat in a hat", true), ("a cat in a hat", false), ("blur", true), ("blur", false),
        ("sharpen", true), ("pixelate", true), ("black and white", true), ("warmer", false), ("fill with red", true),
        ("invert and warmer", true), ("remove it, then warmer", true), ("blur and black and white", true),
    ]

    static func run(_ prompt: String, side: Int, masked: Bool, wanted: Int) -> (partials: [RGBAImage], indices: [Int], final: RGBAImage) {
        var partials: [RGBAImage] = [], indices: [Int] = []
        var final: RGBAImage?
        let job = LocalEngine.Job(image: texture(side: side), mask: masked ? mask(side: side) : nil, prompt: prompt, partialImages: wanted)
        try! LocalEngine().run(job, onPartial: { indices.append($0); partials.append($1) }, onImage: { final = $1 })
        return (partials, indices, final!)
    }

    @Test(arguments: [64, 256, 1024])
    func partialImagesDifferFromEachOtherAndFromTheResult(side: Int) {
        let picture = Self.texture(side: side)
        for edit in Self.edits {
            let (partials, indices, final) = Self.run(edit.prompt, side: side, masked: edit.masked, wanted: 3)
            let label = "'\(edit.prompt)'\(edit.masked ? "" : " without a mask") at \(side)x\(side)"
            #expect(indices == [0, 1, 2], "\(label)")
            #expect(Set((partials + [final, picture]).map(\.pixels)).count == 5, "\(label)")
        }
    }

    @Test(arguments: [1, 2])
    func asManyPartialImagesAsAskedFor(wanted: Int) {
        for edit in Self.edits {
            let (partials, indices, final) = Self.run(edit.prompt, side: 128, masked: edit.masked, wanted: wanted)
            #expect(indices == Array(0..<wanted), "'\(edit.prompt)'")
            #expect(Set((partials + [final]).map(\.pixels)).count == wanted + 1, "'\(edit.prompt)'")
        }
    }

    /// A coarse preview changes only the edit area, and is coarser the more it is reduced.
    @Test func coarsePreviewsStayInTheAreaAndSharpenScaleByScale() {
        let side = 256, picture = Self.texture(side: side), mask = Self.mask(side: side)
        let area = EditArea(mask: mask)
        let previews = CoarsePreview(plan: EditPlan(prompt: "sharpen", hasMask: true), image: picture, area: area)
        let final = EditPlan(prompt: "sharpen", hasMask: true).apply(to: picture, area: area, inpainter: Inpainter()) { _ in }
        var lastPSNR = 0.0
        for scale in CoarsePreview.scales(count: 3) {
            let preview = previews.preview(scale: scale)
            let outside = (0..<side * side).filter { !area.contains($0) }
            #expect(outside.allSatisfy { preview.pixels[$0 * 4..<$0 * 4 + 4] == picture.pixels[$0 * 4..<$0 * 4 + 4] }, "scale \(scale)")
            let psnr = preview.psnr(against: final)
            #expect(psnr > lastPSNR, "scale \(scale)")
            lastPSNR = psnr
        }
        #expect(CoarsePreview.scales(count: 3) == [8, 4, 2])
        #expect(CoarsePreview.scales(count: 1) == [2])
    }
}
