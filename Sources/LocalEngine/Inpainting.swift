import Raster

/// Fills the editable pixels of an image from the rest of it, coarse to fine.
///
/// Each pyramid level refines the fill in three steps: a PatchMatch search (Barnes et al. 2009)
/// finds, for every hole pixel, a fully known 7x7 patch elsewhere that looks like its
/// surroundings; the overlapping patches vote for each pixel's colour (Wexler et al. 2007);
/// then the hole is re-solved as a Poisson problem whose guidance field is the *gradient* of
/// that voted image, with the known pixels as boundary.
///
/// Patches are compared and copied *without their mean*: a patch contributes its detail, and
/// the local mean comes from the current estimate (the coarser level's fill). So texture
/// (stripes, bricks, grass) continues with the right phase, while smooth shading (a sky, a
/// gradient) is continued exactly, since all its patches look alike once their mean is gone.
///
/// Known pixels are never changed. Pure and deterministic for a given seed.
public struct Inpainter: Sendable {
    public var seed: UInt64
    /// PatchMatch passes on each level (more on coarse levels, where they are cheap).
    public var passes: Int
    public static let patchRadius = 3

    public init(seed: UInt64 = 1, passes: Int = 2) {
        self.seed = seed
        self.passes = passes
    }

    /// Fills `hole` (true = to be filled) in `image`. `onLevel` receives each level's
    /// complete state at full size, coarsest first: genuine intermediate results.
    public func fill(_ image: RGBAImage, hole: [Bool], onLevel: ((RGBAImage) -> Void)? = nil) -> RGBAImage {
        precondition(hole.count == image.width * image.height)
        guard hole.contains(true), hole.contains(false) else { return image }  // nothing to fill, or nothing to learn from
        // Work on the hole and its surroundings only: a small hole in a large photo costs little.
        let region = Self.workRegion(hole: hole, width: image.width, height: image.height)
        if region != image.bounds {
            let crop = image.cropped(to: region)
            let cropHole = (0..<(region.width * region.height)).map {
                hole[(region.y + $0 / region.width) * image.width + region.x + $0 % region.width]
            }
            let paste = { (filled: RGBAImage) -> RGBAImage in
                var out = image
                for y in 0..<region.height {
                    let from = y * region.width * 4, to = ((region.y + y) * image.width + region.x) * 4
                    out.pixels.replaceSubrange(to..<to + region.width * 4, with: filled.pixels[from..<from + region.width * 4])
                }
                return out
            }
            return paste(fillRegion(crop, hole: cropHole, onLevel: onLevel.map { report in { report(paste($0)) } }))
        }
        return fillRegion(image, hole: hole, onLevel: onLevel)
    }

    /// The hole's bounding box grown by its own size (at least 48 pixels) on every side.
    static func workRegion(hole: [Bool], width: Int, height: Int) -> PixelRect {
        guard let box = holeBounds(hole, width: width) else { return PixelRect(x: 0, y: 0, width: width, height: height) }
        let margin = max(48, max(box.width, box.height))
        return PixelRect(x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin)
            .clipped(to: PixelRect(x: 0, y: 0, width: width, height: height))
    }

    /// The smallest rectangle holding every hole pixel; nil when there is none.
    static func holeBounds(_ hole: [Bool], width: Int) -> PixelRect? {
        hole.withUnsafeBufferPointer { hole in PixelRect.bounding(width: width, count: hole.count) { hole[$0] } }
    }

    /// The offsets -r...r of a patch row or column centred at `center` that stay inside `0..<size`.
    @inline(__always)
    static func patchOffsets(around center: Int, size: Int) -> ClosedRange<Int> {
        max(-patchRadius, -center)...min(patchRadius, size - 1 - center)
    }

    private func fillRegion(_ image: RGBAImage, hole: [Bool], onLevel: ((RGBAImage) -> Void)?) -> RGBAImage {
        let pyramid = Pyramid(image: Plane4(image), hole: hole)
        var random = SplitMix(seed: seed)
        var current: Plane4?
        var field: OffsetField?
        for level in pyramid.levels.indices.reversed() {
            let known = pyramid.levels[level]
            var estimate = pyramid.startingEstimate(at: level, from: current)
            if current == nil { estimate.diffuse(into: known.hole, iterations: 400) }
            var nnf = field.map { $0.upsampled(to: known, random: &random) } ?? OffsetField(random: known, random: &random)
            let levelPasses = level == 0 ? passes : passes + 2
            let sourceMeans = known.image.patchMeans()
            for _ in 0..<levelPasses {
                let estimateMeans = estimate.patchMeans()
                nnf.search(estimate: estimate, estimateMeans: estimateMeans, source: known, sourceMeans: sourceMeans,
                           random: &random)
                let voted = nnf.vote(source: known, sourceMeans: sourceMeans, estimateMeans: estimateMeans)
                estimate.solvePoisson(hole: known.hole, guide: known.image, voted: voted, field: nnf,
                                      iterations: level == 0 ? 80 : 150)
            }
            current = estimate
            field = nnf
            if let onLevel, level > 0 {
                var full = Plane4(image)
                full.fillHole(hole, from: estimate.upsampled(to: image.width, image.height))
                onLevel(full.image())
            }
        }
        var result = Plane4(image)
        result.fillHole(hole, from: current!)
        return result.image()
    }

    /// The plain multi-scale diffusion fill (harmonic interpolation of the boundary): the
    /// smoothest possible fill, used to start the coarsest level and as a yardstick.
    public static func diffusionFill(_ image: RGBAImage, hole: [Bool]) -> RGBAImage {
        let pyramid = Pyramid(image: Plane4(image), hole: hole)
        var current: Plane4?
        for level in pyramid.levels.indices.reversed() {
            var estimate = pyramid.startingEstimate(at: level, from: current)
            estimate.diffuse(into: pyramid.levels[level].hole, iterations: current == nil ? 400 : 80)
            current = estimate
        }
        return current!.image()
    }
}
