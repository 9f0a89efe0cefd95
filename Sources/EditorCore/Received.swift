import ImageEditModel
import Raster

extension Editor {
    /// What the runtime reports of files read and written for the editor itself.
    static func received(_ message: Message, state: inout EditorState) -> [Effect] {
        switch message {
        case .sourceLoaded(let source):
            guard state.sources.count < ModelRules.maxInputImages else {
                state.notice = "Already \(ModelRules.maxInputImages) sources: remove one to add the result"
                return []
            }
            state.sources.insert(source, at: 0)
            state.selectedSource = 0
            state.firstSourceChanged()
            state.notice = "\(source.name) is now the first source"
        case .sourceAdded(let source):
            add(source, state: &state)
        case .sourceFailed(let reason):
            state.overlays.push(ErrorOverlay(title: "Could not use that image", lines: [reason]))
        case .exported(let path):
            state.notice = "Exported to \(path)"
        case .exportFailed(let reason):
            state.overlays.push(ErrorOverlay(title: "Not exported", lines: [reason]))
        case .maskRead(let path, let image, let format, let hasAlpha):
            guard let first = state.sources.first, state.mask != nil else { return [] }
            let name = FileName.last(of: path)
            let problems = maskProblems(format: format, hasAlpha: hasAlpha, width: image.width, height: image.height, for: first)
            guard problems.isEmpty else {
                state.overlays.push(ErrorOverlay(title: "\(name) cannot be the mask", lines: problems))
                return []
            }
            state.mask?.load(image, previewWidth: first.preview.width, previewHeight: first.preview.height)
            state.preview = .source
            state.notice = "Mask loaded from \(name); rectangles add to it"
        case .previewRead(let path, let image):
            Previews.received(path: path, image: image, state: &state)
        case .maskFailed(let reason):
            state.overlays.push(ErrorOverlay(title: "Could not read the mask", lines: [reason]))
        default:
            break
        }
        return []
    }

    static func add(_ source: SourceImage, state: inout EditorState) {
        let problems = Checks.sourceProblems(source, editor: state)
        if !problems.isEmpty {
            state.overlays.push(ErrorOverlay(title: "\(source.name) cannot be sent", lines: problems))
            return
        }
        guard state.sources.count < ModelRules.maxInputImages else {
            state.notice = "An edit takes at most \(ModelRules.maxInputImages) images"
            return
        }
        guard !state.sources.contains(where: { $0.path == source.path }) else {
            state.notice = "\(source.name) is already a source"
            return
        }
        state.sources.append(source)
        if state.sources.count == 1 { state.firstSourceChanged() }
        state.notice = "Added \(source.name) (\(state.sources.count)/\(ModelRules.maxInputImages))"
    }

    /// Why an image cannot be the mask of `first`; empty when it can.
    public static func maskProblems(format: ImageFormat, hasAlpha: Bool, width: Int, height: Int, for first: SourceImage) -> [String] {
        var problems: [String] = []
        if format != .png || !hasAlpha {
            problems.append("a mask must be a PNG with an alpha channel (its transparent pixels mark the area to edit); this is \(format.displayName)\(format == .png ? " without alpha" : "")")
        }
        if width != first.width || height != first.height {
            problems.append("the mask is \(width)x\(height); it must match \(first.name), \(first.width)x\(first.height)")
        }
        return problems
    }

    /// A click focuses the panel under it; on the grid it selects (again: opens); a drag on the
    /// picture, with the mask panel focused, adds a rectangle.
    static func mouse(_ event: MouseEvent, state: inout EditorState, size: Size) {
        let layout = Layout(size: size, zoomed: state.zoomed)
        switch event {
        case .press(let x, let y):
            guard state.overlays.isEmpty else { return }
            if let panel = layout.panel(at: x, y) { state.focus = panel }
            if case .set(let selected) = state.preview, let set = state.sent {
                let box = Layout.inner(layout.preview)
                if let index = SetGrid.grid(set, in: box).tile(at: x, y, in: box, count: set.runs.count, selected: selected) {
                    if index == selected {
                        _ = SetGrid.update(.openResult, selected: index, state: &state, size: size)
                    } else {
                        state.preview = .set(selected: index)
                    }
                }
                return
            }
            if case .gallery(let selected) = state.preview {
                let box = Layout.inner(layout.preview)
                let grid = Layout.gallery(count: state.results.count, in: box)
                if let index = grid.tile(at: x, y, in: box, count: state.results.count, selected: selected) {
                    state.preview = index == selected ? .result(index) : .gallery(selected: index)
                }
                return
            }
            if state.focus == .mask, let point = Layout.imagePoint(x, y, state: state, size: size) { state.dragStart = point }
        case .drag(let x, let y):
            if let start = state.dragStart, let point = Layout.imagePoint(x, y, state: state, size: size), var mask = state.mask {
                mask.cursor = PixelRect(x: min(start.x, point.x), y: min(start.y, point.y),
                                        width: abs(point.x - start.x) + 1, height: abs(point.y - start.y) + 1)
                state.mask = mask
            }
        case .release(let x, let y):
            if let start = state.dragStart, let point = Layout.imagePoint(x, y, state: state, size: size), var mask = state.mask {
                mask.addDragged(from: start, to: point)
                state.mask = mask
                state.preview = .source
            }
            state.dragStart = nil
        }
    }
}
