import Raster

/// An edit made on a reduced copy of the picture, then enlarged back into the edit area: what
/// the edit looks like at a coarser scale. The engine sends these as partial images of edits
/// that read neighbouring pixels (blur, sharpen, pixelate), which take longest at full size, and
/// of edits of the whole picture: the coarsest comes within milliseconds, each scale costs a
/// quarter of the next finer one, and a coarse picture deflates quickly and small.
struct CoarsePreview {
    let image: RGBAImage
    let area: EditArea
    /// How far around a pixel the edit reads, in pixels of the picture.
    let reach: Int
    /// The edit made on a copy of the picture reduced `scale` times (the second argument).
    let edit: (RGBAImage, Int) -> RGBAImage

    init(image: RGBAImage, area: EditArea, reach: Int = 0, edit: @escaping (RGBAImage, Int) -> RGBAImage) {
        self.image = image
        self.area = area
        self.reach = reach
        self.edit = edit
    }

    /// `plan`'s operations, their radii and blocks reduced with the copy.
    init(plan: EditPlan, image: RGBAImage, area: EditArea) {
        let shorterSide = min(image.width, image.height)
        let reach = plan.operations.map { NeighbourhoodFilters.reach(of: $0, shorterSide: shorterSide) }.reduce(0, +)
        self.init(image: image, area: area, reach: reach) { reduced, scale in
            plan.operations.reduce(reduced) { current, operation in
                ColourAdjustments.apply(operation, to: current)
                    ?? NeighbourhoodFilters.apply(operation, to: current, shorterSide: shorterSide, reducedBy: scale)
                    ?? current
            }
        }
    }

    /// The scales (reductions, powers of two) of `count` previews, coarsest first and always
    /// ending with half size: 8, 4, 2 for three.
    static func scales(count: Int) -> [Int] {
        LocalEngine.pick(count, from: [8, 4, 2])
    }

    /// The edit made on the area's neighbourhood reduced `scale` times, enlarged back
    /// (bilinear) and blended into the area as the full-size edit is.
    func preview(scale: Int) -> RGBAImage {
        let bounds = area.bounds
        guard !bounds.isEmpty, scale > 1 else { return image }
        // The reduced copy sees what the edit reads around the area, aligned on the reduced grid.
        let margin = reach + scale
        let left = max(0, bounds.x - margin) / scale * scale, top = max(0, bounds.y - margin) / scale * scale
        let region = PixelRect(x: left, y: top, width: min(image.width, bounds.maxX + margin) - left,
                               height: min(image.height, bounds.maxY + margin) - top)
        var reduced = region == image.bounds ? image : image.cropped(to: region)
        var reduction = 1
        while reduction < scale {
            reduced = Self.halved(reduced)
            reduction *= 2
        }
        return enlarged(edit(reduced, scale), scale: scale, region: region)
    }

    /// Each 2x2 block's mean, colours weighted by alpha; an odd last row or column is counted
    /// twice.
    static func halved(_ image: RGBAImage) -> RGBAImage {
        let width = image.width, height = image.height
        let outWidth = (width + 1) / 2, outHeight = (height + 1) / 2
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * 4)
        image.pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { out in
                for y in 0..<outHeight {
                    let rows = (2 * y * width, min(2 * y + 1, height - 1) * width)
                    for x in 0..<outWidth {
                        let columns = (2 * x, min(2 * x + 1, width - 1))
                        var r = 0, g = 0, b = 0, a = 0
                        @inline(__always) func add(_ pixel: Int) {
                            let alpha = Int(source[pixel * 4 + 3])
                            r += Int(source[pixel * 4]) * alpha
                            g += Int(source[pixel * 4 + 1]) * alpha
                            b += Int(source[pixel * 4 + 2]) * alpha
                            a += alpha
                        }
                        add(rows.0 + columns.0); add(rows.0 + columns.1); add(rows.1 + columns.0); add(rows.1 + columns.1)
                        let o = (y * outWidth + x) * 4
                        if a > 0 {
                            out[o] = UInt8((r + a / 2) / a); out[o + 1] = UInt8((g + a / 2) / a); out[o + 2] = UInt8((b + a / 2) / a)
                        }
                        out[o + 3] = UInt8((a + 2) / 4)
                    }
                }
            }
        }
        return RGBAImage(width: outWidth, height: outHeight, pixels: out)
    }

    /// `image` with the area's pixels blended towards `reduced` (the edit on `region` reduced
    /// `scale` times) sampled bilinearly, in fixed point: 8 bits of position between samples.
    private func enlarged(_ reduced: RGBAImage, scale: Int, region: PixelRect) -> RGBAImage {
        let bounds = area.bounds
        // Where each column and row of the area falls on the reduced grid: the samples either
        // side, as byte offsets of the reduced image, and the share of the second in 1/256.
        func taps(_ start: Int, _ count: Int, origin: Int, size: Int, stride: Int) -> [(Int, Int, Int)] {
            (start..<start + count).map { position in
                // The centre of pixel `position` on the reduced grid, in 1/256: the centre of
                // reduced pixel i is at i + 1/2.
                let at = max(0, ((2 * (position - origin) + 1) * 256 / scale - 256) / 2)
                let low = min(size - 1, at >> 8)
                return (low * stride, min(size - 1, low + 1) * stride, low == size - 1 ? 0 : at & 255)
            }
        }
        let columns = taps(bounds.x, bounds.width, origin: region.x, size: reduced.width, stride: 4)
        let rows = taps(bounds.y, bounds.height, origin: region.y, size: reduced.height, stride: reduced.width * 4)
        var out = image
        let width = image.width
        // No weights: every pixel fully.
        let weights = area.weights ?? []
        out.pixels.withUnsafeMutableBufferPointer { out in
            reduced.pixels.withUnsafeBufferPointer { small in
                weights.withUnsafeBufferPointer { weights in
                    for (row, (top, bottom, down)) in rows.enumerated() {
                        let y = bounds.y + row
                        for (column, (left, right, across)) in columns.enumerated() {
                            let index = y * width + bounds.x + column
                            let weight = weights.isEmpty ? 255 : Int(weights[index])
                            guard weight > 0 else { continue }
                            for channel in 0..<4 {
                                let a = Int(small[top + left + channel]), b = Int(small[top + right + channel])
                                let c = Int(small[bottom + left + channel]), d = Int(small[bottom + right + channel])
                                let upper = a * 256 + (b - a) * across, lower = c * 256 + (d - c) * across
                                let edited = (upper * 256 + (lower - upper) * down + 32768) >> 16
                                out[index * 4 + channel] = EditArea.mix(Int(out[index * 4 + channel]), edited, weight: weight)
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
