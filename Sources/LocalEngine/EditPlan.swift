import Raster

/// What the engine does for one prompt and mask, and the report of it that answers carry.
public struct EditPlan: Equatable, Sendable {
    public let reading: PromptReading
    public let hasMask: Bool

    /// The longest report: a header line well within any HTTP server's limits.
    public static let maxReportLength = 400

    public init(prompt: String, hasMask: Bool) {
        reading = PromptReading(prompt)
        self.hasMask = hasMask
    }

    /// Nothing understood: the engine does what it always did (fill the mask from its
    /// surroundings, or tone the whole image sepia without a mask).
    public var usesDefault: Bool { reading.understood.isEmpty }

    /// The operations applied, in order. Removal needs a mask: without one, nothing
    /// surrounds the area to fill it from.
    public var operations: [EditOperation] {
        usesDefault ? [] : reading.operations.filter { hasMask || $0 != .remove }
    }

    /// Whether every variation comes out the same (only removal draws on a seed).
    var isDeterministic: Bool { !operations.contains(.remove) }

    /// Whether partial images show the edit at coarser scales (`CoarsePreview`): when an
    /// operation reads neighbouring pixels (blur, sharpen, pixelate: slowest at full size), or
    /// without a mask (the whole picture changes, and a coarse one is quick to make and to send).
    /// Not for a removal, whose inpainter has scales of its own, nor a fill: a flat colour looks
    /// the same at every scale.
    func showsCoarseScales(masked: Bool) -> Bool {
        let readsNeighbours = operations.contains { NeighbourhoodFilters.reach(of: $0, shorterSide: 1) > 0 }
        let fills = operations.contains { if case .fill = $0 { true } else { false } }
        return !operations.contains(.remove) && !fills && (readsNeighbours || !masked)
    }

    /// For the `X-Retouch-Engine` header: `local; understood: remove, warmer; ignored: boat`.
    /// ASCII only (a word in another script shows as `?`) and at most `maxReportLength` long,
    /// ignored words giving way first.
    public var report: String {
        var parts = ["local", "understood: " + (usesDefault ? "none" : reading.understood.joined(separator: ", "))]
        if usesDefault { parts.append("default: " + (hasMask ? "remove" : "sepia")) }
        if !hasMask && reading.operations.contains(.remove) { parts.append("note: remove needs a mask") }
        if reading.droppedOperations > 0 {
            parts.append("note: the first \(PromptReading.maxOperations) operations are applied, \(reading.droppedOperations) more are not")
        }
        var text = String(parts.joined(separator: "; ").prefix(Self.maxReportLength))
        let words = reading.ignored.map { word in word.allSatisfy { $0.isASCII } ? word : "?" }
        var shown: [String] = []
        for word in words where !shown.contains(word) {
            let more = "; ignored: " + (shown + [word]).joined(separator: ", ") + ", ..."
            guard text.count + more.count <= Self.maxReportLength else { break }
            shown.append(word)
        }
        if !shown.isEmpty {
            text += "; ignored: " + shown.joined(separator: ", ") + (shown.count < Set(words).count || reading.moreIgnored ? ", ..." : "")
        }
        return text
    }

    /// The operations applied to `image` in order, each inside `area`. `onStage` receives the
    /// image between operations and the inpainter's coarser states: genuine partial results.
    func apply(to image: RGBAImage, area: EditArea, inpainter: Inpainter, onStage: (RGBAImage) -> Void) -> RGBAImage {
        var current = image
        for (index, operation) in operations.enumerated() {
            if index > 0 { onStage(current) }
            if operation == .remove {
                let before = current
                current = withoutActuallyEscaping(onStage) { inpainter.fill(before, hole: area.hole, onLevel: $0) }
            } else if !area.bounds.isEmpty {
                // Made on the part of the picture the area's pixels depend on, not the whole of it.
                let region = NeighbourhoodFilters.region(for: operation, around: area.bounds, width: current.width,
                                                         height: current.height)
                let part = region == current.bounds ? current : current.cropped(to: region)
                let edited = ColourAdjustments.apply(operation, to: part)
                    ?? NeighbourhoodFilters.apply(operation, to: part, shorterSide: min(current.width, current.height), reducedBy: 1)
                if let edited { current = area.blend(original: current, edited: edited, at: region) }
            }
        }
        return current
    }
}
