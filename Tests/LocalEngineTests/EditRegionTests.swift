import Testing
import Raster
import TestSupport
@testable import LocalEngine

/// Operations are made on the part of the picture the edit area depends on, not the whole of
/// it: the result is the same, to the byte, as the operation made on the whole picture.
@Suite struct EditRegionTests {
    static let operations: [EditOperation] = [
        .grey, .sepia, .warmer, .cooler, .brighter, .darker, .contrast(more: true), .contrast(more: false),
        .saturation(more: true), .saturation(more: false), .blur, .sharpen, .pixelate, .invert, .night, .fill(RGBA(200, 30, 40)),
    ]

    /// Noise and stripes, with some transparency.
    static func noise(width: Int, height: Int) -> RGBAImage {
        var random = SeededRandom(seed: UInt64(width))
        return RGBAImage(width: width, height: height) { x, y in
            RGBA(UInt8(random.next(below: 256)), UInt8((x / 3) % 2 == 0 ? 200 : random.next(below: 80)), UInt8((x + y) & 255),
                 y % 17 == 0 ? 128 : 255)
        }
    }

    /// Inside, across every edge and corner, two apart, and the whole picture.
    static func masks(width: Int, height: Int) -> [[PixelRect]] {
        [[PixelRect(x: width / 3, y: height / 3, width: width / 4, height: height / 5)],
         [PixelRect(x: -5, y: -5, width: width / 3, height: height / 4)],
         [PixelRect(x: width - width / 5, y: height - height / 3, width: width, height: height)],
         [PixelRect(x: width / 7, y: 3, width: 9, height: 11), PixelRect(x: width / 2, y: height / 2, width: 13, height: 5)],
         [PixelRect(x: 0, y: 0, width: width, height: height)]]
    }

    /// The operations one after another, each made on the whole picture and mixed pixel by
    /// pixel by the area's weights (rounded to the nearest level), apart from `EditArea.blend`.
    static func reference(_ operations: [EditOperation], _ image: RGBAImage, _ area: EditArea) -> RGBAImage {
        operations.reduce(image) { current, operation in
            let edited = ColourAdjustments.apply(operation, to: current) ?? NeighbourhoodFilters.apply(operation, to: current)!
            guard let weights = area.weights else { return edited }
            var out = current
            out.pixels.withUnsafeMutableBufferPointer { out in
                edited.pixels.withUnsafeBufferPointer { edited in
                    weights.withUnsafeBufferPointer { weights in
                        for index in weights.indices where weights[index] > 0 {
                            let weight = Int(weights[index])
                            for channel in index * 4..<index * 4 + 4 {
                                // A division (255 is odd, so no sum falls half-way).
                                let sum = Int(out[channel]) * (255 - weight) + Int(edited[channel]) * weight
                                out[channel] = UInt8((sum + 127) / 255)
                            }
                        }
                    }
                }
            }
            return out
        }
    }

    @Test(arguments: [(96, 64), (700, 480)])
    func sameAsOnTheWholePicture(width: Int, height: Int) {
        let image = Self.noise(width: width, height: height)
        for rects in Self.masks(width: width, height: height) {
            let area = EditArea(mask: Mask(width: width, height: height, rects: rects).image())
            // Compared apart from the expectation, which would print every pixel of a difference.
            for operation in Self.operations {
                let same = EditPlanStub(operations: [operation]).apply(image, area) == Self.reference([operation], image, area)
                #expect(same, "\(operation) in \(rects)")
            }
            let several: [EditOperation] = [.blur, .pixelate, .warmer, .sharpen]
            let same = EditPlanStub(operations: several).apply(image, area) == Self.reference(several, image, area)
            #expect(same, "\(several) in \(rects)")
        }
        let whole = EditArea(width: width, height: height)
        let same = EditPlanStub(operations: [.blur]).apply(image, whole) == Self.reference([.blur], image, whole)
        #expect(same, "blur without a mask")
    }
}

/// `EditPlan.apply` for a list of operations, whatever prompt would name them.
struct EditPlanStub {
    var operations: [EditOperation]

    func apply(_ image: RGBAImage, _ area: EditArea) -> RGBAImage {
        let prompt = operations.map { operation -> String in
            switch operation {
            case .fill: "fill with #c81e28"
            case .contrast(let more): more ? "contrast" : "less contrast"
            case .saturation(let more): more ? "saturate" : "desaturate"
            default: operation.label
            }
        }.joined(separator: " then ")
        let plan = EditPlan(prompt: prompt, hasMask: true)
        precondition(plan.operations == operations, "\(prompt) reads as \(plan.operations)")
        return plan.apply(to: image, area: area, inpainter: Inpainter()) { _ in }
    }
}
