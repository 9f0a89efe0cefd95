import Raster

/// Retouch's offline image-edit engine. It reads a small vocabulary from the prompt (see
/// `PromptReading`) and applies those operations inside the mask, or to the whole image
/// without one. When it understands nothing it fills the masked area of the first image from
/// the rest of that image (see `Inpainter`), or, without a mask, tones the whole image sepia
/// with a vignette, so that every edit visibly changes something.
public struct LocalEngine: Sendable {
    public static let summary = "Retouch local engine: understands a small vocabulary (remove, black and white, warmer, "
        + "blur, fill with <colour>, ...) inside the mask; other words are ignored"

    /// How the result's alpha is treated.
    public enum Background: String, Sendable, CaseIterable {
        /// Alpha is kept.
        case transparent
        /// Flattened onto white.
        case opaque
        /// Alpha is kept.
        case auto
    }

    /// How many refinement passes the fill makes.
    public enum Quality: String, Sendable, CaseIterable {
        case low, medium, high

        var passes: Int {
            switch self {
            case .low: 1
            case .medium: 2
            case .high: 3
            }
        }
    }

    public struct Job: Sendable {
        public var image: RGBAImage
        public var prompt: String
        /// Pixels to edit: alpha 0 in the mask. Nil edits the whole image.
        public var mask: RGBAImage?
        public var variations: Int
        public var partialImages: Int
        /// Output size; nil keeps the image's.
        public var size: (width: Int, height: Int)?
        public var background: Background
        public var quality: Quality

        public init(image: RGBAImage, mask: RGBAImage?, prompt: String = "", variations: Int = 1, partialImages: Int = 0,
                    size: (width: Int, height: Int)? = nil, background: Background = .auto, quality: Quality = .medium) {
            self.image = image
            self.prompt = prompt
            self.mask = mask
            self.variations = variations
            self.partialImages = partialImages
            self.size = size
            self.background = background
            self.quality = quality
        }

        /// What the engine makes of the prompt for this image and mask.
        public var plan: EditPlan { EditPlan(prompt: prompt, hasMask: mask != nil) }
    }

    public init() {}

    // MARK: - Limits

    /// The largest output, as the API reference allows: 3840 pixels a side, 3840x2160 in all.
    public static let maxOutputSide = 3840
    public static let maxOutputPixels = 3840 * 2160
    /// Pixels of all the images one job makes (n times the output size): four of the largest.
    public static let maxJobPixels = 4 * maxOutputPixels

    /// Why a job's output is refused; every figure is overflow-checked.
    public enum OutputProblem: Error, Equatable, Sendable, CustomStringConvertible {
        case sizeTooLarge(width: Int, height: Int)
        case tooManyPixels(width: Int, height: Int, images: Int)

        public var description: String {
            switch self {
            case .sizeTooLarge(let width, let height):
                "\(width)x\(height) is larger than the largest output, \(maxOutputSide) pixels a side and "
                    + "3840x2160 (\(maxOutputPixels) pixels) in all"
            case .tooManyPixels(let width, let height, let images):
                "\(images) images of \(width)x\(height) are more than one request makes: at most \(maxJobPixels) pixels in all"
            }
        }
    }

    /// Checks an output size and image count against the limits.
    public static func checkOutput(width: Int, height: Int, images: Int) throws(OutputProblem) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, width <= maxOutputSide, height <= maxOutputSide, !overflow, pixels <= maxOutputPixels else {
            throw .sizeTooLarge(width: width, height: height)
        }
        let (total, totalOverflow) = pixels.multipliedReportingOverflow(by: max(1, images))
        guard !totalOverflow, total <= maxJobPixels else { throw .tooManyPixels(width: width, height: height, images: images) }
    }

    /// The size the engine works at for an input of `width` x `height`: the same, or reduced
    /// (aspect kept) to fit the largest output, since nothing larger can be returned.
    public static func workingSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let bySide = Double(maxOutputSide) / Double(max(width, height))
        let byArea = (Double(maxOutputPixels) / (Double(width) * Double(height))).squareRoot()
        let scale = min(1, bySide, byArea)
        guard scale < 1 else { return (width, height) }
        return (max(1, Int(Double(width) * scale)), max(1, Int(Double(height) * scale)))
    }

    /// Runs `job`, reporting partial images (variation 0 only, coarse to fine) as the work makes
    /// them, and each finished variation as soon as it exists.
    /// Refuses, before any work, a job whose output is over the limits.
    public func run(_ job: Job, onPartial: (_ index: Int, RGBAImage) -> Void,
                    onImage: (_ index: Int, RGBAImage) -> Void) throws(OutputProblem) {
        let output = job.size ?? (job.image.width, job.image.height)
        try Self.checkOutput(width: output.width, height: output.height, images: job.variations)
        let plan = job.plan
        let area = job.mask.map(EditArea.init(mask:)) ?? EditArea(width: job.image.width, height: job.image.height)
        var first: RGBAImage?
        for variation in 0..<max(1, job.variations) {
            var partials = PartialImages(wanted: variation == 0 ? job.partialImages : 0)
            func report(_ stage: RGBAImage, _ index: Int) { onPartial(index, finish(stage, job)) }
            let inpainter = Inpainter(seed: UInt64(variation) &* 0x9E37_79B9 &+ 17, passes: job.quality.passes)
            let final: RGBAImage
            if plan.usesDefault && job.mask == nil {
                // Sepia over the whole picture: its coarser scales first, each sent as it is made.
                let previews = CoarsePreview(image: job.image, area: area) { reduced, _ in Self.sepiaVignette(reduced, strength: 1) }
                for scale in CoarsePreview.scales(count: partials.wanted) { partials.send(previews.preview(scale: scale), report: report) }
                final = Self.sepiaVignette(job.image, strength: 1)
            } else if plan.usesDefault {
                // A fill from the surroundings: the inpainter's coarser levels are the stages.
                final = withoutActuallyEscaping({ partials.stage($0, report: report) }) {
                    inpainter.fill(job.image, hole: area.hole, onLevel: $0)
                }
            } else if let first, plan.isDeterministic {
                final = first
            } else if plan.showsCoarseScales(masked: job.mask != nil) {
                let previews = CoarsePreview(plan: plan, image: job.image, area: area)
                for scale in CoarsePreview.scales(count: partials.wanted) { partials.send(previews.preview(scale: scale), report: report) }
                final = plan.apply(to: job.image, area: area, inpainter: inpainter) { _ in }
            } else {
                final = plan.apply(to: job.image, area: area, inpainter: inpainter) { partials.stage($0, report: report) }
            }
            first = first ?? final
            // Partial images still wanted show the change from the last stage fading in.
            partials.finish(from: job.image, to: final, fade: area.fade, report: report)
            onImage(variation, finish(final, job))
        }
    }

    /// `count` stages spread evenly, coarse first, always ending with the finest.
    static func pick<Stage>(_ count: Int, from stages: [Stage]) -> [Stage] {
        guard count > 0, !stages.isEmpty else { return [] }
        if count >= stages.count { return stages }
        return (1...count).map { stages[($0 * stages.count) / count - 1] }
    }

    /// Partial images sent while the work goes on. Stages whose number is not known ahead (the
    /// inpainter's levels, the image between operations): the first ones as soon as they are
    /// made, the last one kept back and sent once the work is done, as it is then known to be
    /// the finest. Stages planned ahead (coarse previews) are sent as they come. A client sees
    /// progress early, not every partial at the end; when the work made fewer stages than
    /// wanted, the rest show the change from the last stage to the result fading in.
    struct PartialImages {
        let wanted: Int
        private(set) var sent = 0
        private var held: RGBAImage?
        /// The last stage sent or kept back.
        private var last: RGBAImage?

        init(wanted: Int) { self.wanted = max(0, wanted) }

        mutating func stage(_ image: RGBAImage, report: (RGBAImage, Int) -> Void) {
            guard wanted > 0 else { return }
            if sent < wanted - 1 {
                send(image, report: report)
            } else {
                held = image
                last = image
            }
        }

        /// A stage sent at once.
        mutating func send(_ image: RGBAImage, report: (RGBAImage, Int) -> Void) {
            guard sent < wanted else { return }
            report(image, sent)
            sent += 1
            last = image
        }

        /// The finest stage kept back, then as many images of the change from the last stage
        /// (or from `original`, when there was none) to `final` fading in as are still wanted.
        mutating func finish(from original: RGBAImage, to final: RGBAImage,
                             fade: (RGBAImage, RGBAImage, UInt8) -> RGBAImage, report: (RGBAImage, Int) -> Void) {
            if let held {
                send(held, report: report)
                self.held = nil
            }
            let start = last ?? original, missing = wanted - sent
            guard missing > 0 else { return }
            for step in 1...missing {
                // step / (missing + 1) of the way, rounded: 64, 128 and 191 for three.
                send(fade(start, final, UInt8((2 * step * 255 + missing + 1) / (2 * (missing + 1)))), report: report)
            }
        }
    }

    private func finish(_ image: RGBAImage, _ job: Job) -> RGBAImage {
        var out = image
        if let size = job.size, size.width != out.width || size.height != out.height {
            out = out.resized(width: size.width, height: size.height)
        }
        if job.background == .opaque {
            for i in stride(from: 0, to: out.pixels.count, by: 4) where out.pixels[i + 3] != 255 {
                let a = Int(out.pixels[i + 3])
                for c in 0..<3 { out.pixels[i + c] = UInt8((Int(out.pixels[i + c]) * a + 255 * (255 - a) + 127) / 255) }
                out.pixels[i + 3] = 255
            }
        }
        return out
    }

    /// Sepia toning blended in by `strength`, with a vignette darkening the corners.
    static func sepiaVignette(_ image: RGBAImage, strength: Double) -> RGBAImage {
        var out = image
        let cx = Double(image.width) / 2, cy = Double(image.height) / 2
        let reach = (cx * cx + cy * cy).squareRoot()
        @inline(__always) func toned(_ value: Double, _ sepia: Double, _ vignette: Double) -> UInt8 {
            let mixed = (value + (sepia - value) * strength) * vignette
            // Rounded half up by truncation, clamped after: no call to round() per channel.
            return UInt8(max(0, min(255, Int(max(-1, min(256, mixed)) + 0.5))))
        }
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            for y in 0..<image.height {
                let dy = Double(y) - cy
                for x in 0..<image.width {
                    let i = (y * image.width + x) * 4
                    let r = Double(pixels[i]), g = Double(pixels[i + 1]), b = Double(pixels[i + 2])
                    let dx = Double(x) - cx
                    let distance = (dx * dx + dy * dy).squareRoot() / reach
                    let vignette = 1 - 0.45 * strength * (distance * distance)
                    let sepia = ColourAdjustments.sepia(r, g, b)
                    pixels[i] = toned(r, sepia.0, vignette)
                    pixels[i + 1] = toned(g, sepia.1, vignette)
                    pixels[i + 2] = toned(b, sepia.2, vignette)
                }
            }
        }
        return out
    }
}
