import Raster

/// Where an edit applies and how strongly: the mask's fully transparent pixels (as the API
/// defines the edit area), with the strength ramping up over the first few pixels inside the
/// border so a changed area blends into the kept one. Pixels outside the area never change.
struct EditArea: Sendable {
    let width: Int
    let height: Int
    /// Per pixel, 0 (kept) to 255 (fully edited); nil edits every pixel fully.
    let weights: [UInt8]?
    /// The smallest rectangle holding every edited pixel (empty when none is).
    let bounds: PixelRect

    /// Pixels over which the strength ramps from the border to full.
    static let featherWidth = 4

    /// Every pixel, fully.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        weights = nil
        bounds = PixelRect(x: 0, y: 0, width: width, height: height)
    }

    init(mask: RGBAImage) {
        width = mask.width
        height = mask.height
        let steps = Self.stepsFromKeptPixels(mask)
        weights = steps.map { UInt8(Int($0) * 255 / Self.featherWidth) }
        bounds = steps.withUnsafeBufferPointer { steps in
            PixelRect.bounding(width: mask.width, count: steps.count) { steps[$0] != 0 }
        } ?? PixelRect(x: 0, y: 0, width: 0, height: 0)
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

    /// `from` moved towards `to` by `weight` / 255, for two states of one edit: they differ
    /// only inside `bounds`, so only those pixels are mixed.
    func fade(_ from: RGBAImage, _ to: RGBAImage, weight: UInt8) -> RGBAImage {
        var out = from
        let weight = Int(weight)
        out.pixels.withUnsafeMutableBufferPointer { out in
            to.pixels.withUnsafeBufferPointer { to in
                for y in bounds.y..<bounds.maxY {
                    let start = (y * width + bounds.x) * 4
                    for channel in start..<start + bounds.width * 4 {
                        out[channel] = Self.mix(Int(out[channel]), Int(to[channel]), weight: weight)
                    }
                }
            }
        }
        return out
    }

    /// `original` with the area blended towards `edited`, which holds the pixels of `region`
    /// (a part of the picture holding the area's bounds).
    func blend(original: RGBAImage, edited: RGBAImage, at region: PixelRect) -> RGBAImage {
        precondition(edited.width == region.width && edited.height == region.height)
        // No weights: the area is the whole picture, and so is `region`.
        guard let weights else {
            precondition(region == original.bounds)
            return edited
        }
        var out = original
        out.pixels.withUnsafeMutableBufferPointer { out in
            edited.pixels.withUnsafeBufferPointer { edited in
                for y in bounds.y..<bounds.maxY {
                    for x in bounds.x..<bounds.maxX where weights[y * width + x] > 0 {
                        let weight = Int(weights[y * width + x])
                        let from = ((y - region.y) * region.width + x - region.x) * 4, to = (y * width + x) * 4
                        for channel in 0..<4 {
                            out[to + channel] = Self.mix(Int(out[to + channel]), Int(edited[from + channel]), weight: weight)
                        }
                    }
                }
            }
        }
        return out
    }

    /// `edited` where the area is full, `original` outside it, mixed along the ramp.
    func blend(original: RGBAImage, edited: RGBAImage) -> RGBAImage {
        blend(original: original, edited: edited, at: original.bounds)
    }

    /// `kept` moved towards `edited` by `weight` / 255, rounded: a division by 255 without a
    /// divide, exact for sums up to 65535.
    @inline(__always)
    static func mix(_ kept: Int, _ edited: Int, weight: Int) -> UInt8 {
        let sum = kept * (255 - weight) + edited * weight + 128
        return UInt8((sum + (sum >> 8)) >> 8)
    }
}
