import Raster

/// Where an edit applies and how strongly: the mask's fully transparent pixels (as the API
/// defines the edit area), with the strength ramping up over the first few pixels inside the
/// border so a changed area blends into the kept one. Pixels outside the area never change.
struct EditArea: Sendable {
    let width: Int
    let height: Int
    /// Per pixel, 0 (kept) to 255 (fully edited); nil edits every pixel fully.
    let weights: [UInt8]?

    /// Pixels over which the strength ramps from the border to full.
    static let featherWidth = 4

    /// Every pixel, fully.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        weights = nil
    }

    init(mask: RGBAImage) {
        width = mask.width
        height = mask.height
        let steps = Self.stepsFromKeptPixels(mask)
        weights = steps.map { UInt8(Int($0) * 255 / Self.featherWidth) }
    }

    /// Whether pixel `index` is edited at all.
    func contains(_ index: Int) -> Bool { weights.map { $0[index] > 0 } ?? true }

    /// The hole the inpainter fills: every pixel of the area, the ramp included.
    var hole: [Bool] { weights.map { $0.map { $0 > 0 } } ?? [Bool](repeating: true, count: width * height) }

    /// For each pixel, how many steps (8-connected, capped at the feather width) it is from the
    /// nearest kept pixel: 0 for kept pixels. Two sweeps of a chamfer transform, linear time.
    /// The image's own border does not count as kept, so an area reaching it is full there.
    static func stepsFromKeptPixels(_ mask: RGBAImage) -> [UInt8] {
        let width = mask.width, height = mask.height, cap = UInt8(featherWidth)
        var steps = [UInt8](repeating: cap, count: width * height)
        mask.pixels.withUnsafeBufferPointer { pixels in
            for index in 0..<steps.count where pixels[index * 4 + 3] != 0 { steps[index] = 0 }
        }
        steps.withUnsafeMutableBufferPointer { steps in
            func relax(_ index: Int, from x: Int, _ y: Int) {
                guard x >= 0, x < width, y >= 0, y < height else { return }
                let through = steps[y * width + x] &+ 1
                if through < steps[index] { steps[index] = through }
            }
            for y in 0..<height {
                for x in 0..<width where steps[y * width + x] > 0 {
                    let index = y * width + x
                    relax(index, from: x - 1, y); relax(index, from: x - 1, y - 1)
                    relax(index, from: x, y - 1); relax(index, from: x + 1, y - 1)
                }
            }
            for y in stride(from: height - 1, through: 0, by: -1) {
                for x in stride(from: width - 1, through: 0, by: -1) where steps[y * width + x] > 0 {
                    let index = y * width + x
                    relax(index, from: x + 1, y); relax(index, from: x + 1, y + 1)
                    relax(index, from: x, y + 1); relax(index, from: x - 1, y + 1)
                }
            }
        }
        return steps
    }

    /// Every pixel at one strength.
    init(width: Int, height: Int, weight: UInt8) {
        self.width = width
        self.height = height
        weights = [UInt8](repeating: weight, count: width * height)
    }

    /// `from` moved towards `to` by `weight` / 255 everywhere.
    static func mix(_ from: RGBAImage, _ to: RGBAImage, weight: UInt8) -> RGBAImage {
        EditArea(width: from.width, height: from.height, weight: weight).blend(original: from, edited: to)
    }

    /// `edited` where the area is full, `original` outside it, mixed along the ramp.
    func blend(original: RGBAImage, edited: RGBAImage) -> RGBAImage {
        guard let weights else { return edited }
        var out = original
        out.pixels.withUnsafeMutableBufferPointer { out in
            edited.pixels.withUnsafeBufferPointer { edited in
                for index in 0..<weights.count where weights[index] > 0 {
                    let weight = Int(weights[index]), keep = 255 - weight
                    for channel in index * 4..<index * 4 + 4 {
                        // Rounded division by 255 without a divide (exact for 0...65535).
                        let sum = Int(out[channel]) * keep + Int(edited[channel]) * weight + 128
                        out[channel] = UInt8((sum + (sum >> 8)) >> 8)
                    }
                }
            }
        }
        return out
    }
}
