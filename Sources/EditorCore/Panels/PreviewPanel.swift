import ImageEditModel
import Raster

/// The preview: the first source with its mask (painted here), a partial image, a result, the
/// results as a grid, or two pictures compared.
enum PreviewPanel: PanelLayer {
    static func contexts(_ state: EditorState) -> [KeyContext] {
        switch state.preview {
        case .source, .partial: [.mask, .preview]
        case .result: [.result, .anyResult, .preview, .mask]
        case .gallery: [.gallery, .anyResult, .preview]
        case .set: [.variantSet, .anyResult, .preview]
        case .compare: [.compare, .preview, .mask]
        }
    }

    static func update(_ action: Action, key: Key, state: inout EditorState, size: Size) -> [Effect] {
        switch action {
        case .zoom:
            state.zoomed.toggle()
        case .grid:
            showGrid(&state)
        case .stepResult, .compareWithSource, .useResult, .exportResult, .gallerySelect, .galleryFirst, .galleryLast,
             .openResult, .markToCompare, .flip, .swapSides, .chooseWinner, .cancelVariant:
            return ResultsView.update(action, state: &state, size: size)
        default:
            return mask(action, state: &state)
        }
        return []
    }

    /// g: the grid, with the shown result (or the latest) selected.
    static func showGrid(_ state: inout EditorState) {
        guard !state.results.isEmpty else {
            state.notice = "No results yet"
            return
        }
        switch state.preview {
        case .result(let index): state.preview = SetGrid.tile(showing: index, in: state.sent).map { .set(selected: $0) } ?? .gallery(selected: index)
        case .set(let selected):
            state.preview = .gallery(selected: state.sent?.firstResult(ofTile: selected) ?? state.results.count - 1)
        case .compare(let comparison):
            if case .result(let index) = comparison.right { state.preview = .gallery(selected: index) } else { state.preview = .gallery(selected: 0) }
        default: state.preview = .gallery(selected: state.results.count - 1)
        }
    }

    /// Painting the mask; the preview goes back to the source to show it.
    static func mask(_ action: Action, state: inout EditorState) -> [Effect] {
        guard var mask = state.mask else { return [] }
        switch action {
        case .moveRect(let dx, let dy): mask.move(dx: dx, dy: dy)
        case .resizeRect(let dw, let dh): mask.resize(dw: dw, dh: dh)
        case .addRect: mask.addCursor()
        case .selectRect(let delta): mask.selectNext(delta)
        case .deleteRect: mask.deleteSelected()
        case .invertMask: mask.inverted.toggle()
        case .clearMask: mask.clear()
        case .loadMask: return PickerOverlay.open(state.pickerFolder, purpose: .loadMask, editor: &state)
        case .toggleCoarse:
            mask.coarse.toggle()
            state.notice = mask.coarse ? "Coarse steps (a tenth of the image)" : "Fine steps (a hundredth of the image)"
        default: return []
        }
        state.mask = mask
        state.preview = .source
        return []
    }

    static func draw(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        switch state.preview {
        case .source: drawSource(state, layout: layout, on: &screen)
        case .partial(let partial):
            let run = state.sent?.runs.first
            screen.box(layout.preview, title: "Partial image \(run?.partials ?? 0)", focused: state.focus == .mask)
            place(partial, key: PlacementKey(.run, "\(run?.started ?? 0)"), isPartial: true, layout: layout, on: &screen)
        case .result(let index):
            guard state.results.indices.contains(index) else { return screen.box(layout.preview, title: "No result", focused: state.focus == .mask) }
            let result = state.results[index]
            let title = "Result \(index + 1)/\(state.results.count) · \(FileName.last(of: result.path)) · after" + (state.results.count > 1 ? " · g all" : "")
            screen.box(layout.preview, title: title, focused: state.focus == .mask)
            guard let preview = result.preview else { return ResultsView.missing(result, state: state, in: Layout.inner(layout.preview), on: &screen) }
            place(preview, key: PlacementKey(.result, result.path), layout: layout, on: &screen)
        case .gallery(let selected): ResultsView.drawGallery(state, selected: selected, layout: layout, on: &screen)
        case .set(let selected): SetGrid.draw(state, selected: selected, layout: layout, on: &screen)
        case .compare(let comparison): ResultsView.drawComparison(comparison, state: state, layout: layout, on: &screen)
        }
    }

    static func drawSource(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        guard let first = state.sources.first else { return screen.box(layout.preview, title: "No source image", focused: state.focus == .mask) }
        screen.box(layout.preview, title: "\(first.name) \(first.width)x\(first.height)" + (state.results.isEmpty ? "" : " · before"),
                   focused: state.focus == .mask)
        var placement = ImagePlacement(id: 1, area: area(of: first.preview, in: layout), image: first.preview,
                                       sequence: PlacementKey(.source, first.path))
        if let mask = state.mask, first.preview.width > 0 {
            // The mask's rectangles are drawn in the preview's pixels.
            let sx = Double(first.preview.width) / Double(first.width), sy = Double(first.preview.height) / Double(first.height)
            func scaled(_ r: PixelRect) -> PixelRect {
                PixelRect(x: Int(Double(r.x) * sx), y: Int(Double(r.y) * sy),
                          width: max(1, Int(Double(r.width) * sx)), height: max(1, Int(Double(r.height) * sy)))
            }
            placement.overlay = mask.rects.map(scaled)
            placement.highlighted = state.focus == .mask ? mask.selected : nil
            placement.cursor = state.focus == .mask ? scaled(mask.cursor) : nil
            placement.maskImage = mask.loadedPreview
        }
        screen.images.append(placement)
    }

    static func place(_ image: RGBAImage, key: PlacementKey, isPartial: Bool = false, layout: Layout, on screen: inout Screen) {
        screen.images.append(ImagePlacement(id: 1, area: area(of: image, in: layout), image: image, sequence: key, isPartial: isPartial))
    }

    static func area(of image: RGBAImage, in layout: Layout) -> CellRect {
        Layout.imageArea(width: image.width, height: image.height, in: Layout.inner(layout.preview))
    }
}
