import ImageEditModel
import Raster

/// Results in the preview: one at a time, as a grid, or two compared.
enum ResultsView {
    static func update(_ action: Action, state: inout EditorState, size: Size) -> [Effect] {
        switch (state.preview, action) {
        case (.result(let index), .stepResult(let delta)):
            state.preview = .result(min(max(0, index + delta), state.results.count - 1))
        case (.result(let index), .compareWithSource):
            state.preview = .compare(Comparison(left: .source, right: .result(index)))
        case (.result(let index), .useResult), (.gallery(let index), .useResult):
            return use(index, state: &state)
        case (.result(let index), .exportResult), (.gallery(let index), .exportResult):
            export(index, state: &state)
        case (.set(let selected), .useResult), (.set(let selected), .exportResult):
            guard let index = state.sent?.firstResult(ofTile: selected) else {
                state.notice = "That variant has no image yet"
                return []
            }
            if action == .useResult { return use(index, state: &state) }
            export(index, state: &state)
        case (.set(let selected), _):
            return SetGrid.update(action, selected: selected, state: &state, size: size)
        case (.gallery(let selected), _):
            gallery(action, selected: selected, state: &state, size: size)
        case (.compare(var comparison), .flip):
            comparison.flip.toggle()
            state.preview = .compare(comparison)
        case (.compare(var comparison), .swapSides) where comparison.flip:
            comparison.showingRight.toggle()
            state.preview = .compare(comparison)
        default:
            break
        }
        return []
    }

    /// u: the result becomes the first source, to iterate on it.
    static func use(_ index: Int, state: inout EditorState) -> [Effect] {
        guard state.results.indices.contains(index) else { return [] }
        state.notice = "Reading the result as the first source…"
        return [.loadSource(path: state.results[index].path)]
    }

    /// e: the export panel, with the result's name in the starting folder.
    static func export(_ index: Int, state: inout EditorState) {
        let name = state.results.indices.contains(index) ? FileName.last(of: state.results[index].path) : "edit.png"
        state.overlays.push(ExportOverlay(result: index, path: state.startFolder + "/" + name))
    }

    static func gallery(_ action: Action, selected: Int, state: inout EditorState, size: Size) {
        let count = state.results.count
        let columns = Layout.gallery(count: count, in: Layout.inner(Layout(size: size, zoomed: state.zoomed).preview)).columns
        var next = selected
        switch action {
        case .gallerySelect(let dx, let dy): next += dx + dy * columns
        case .galleryFirst: next = 0
        case .galleryLast: next = count - 1
        case .openResult:
            state.preview = .result(selected)
            return
        case .markToCompare:
            if let mark = state.compareMark, mark != selected, mark < count {
                state.compareMark = nil
                state.preview = .compare(Comparison(left: .result(mark), right: .result(selected)))
            } else {
                state.compareMark = selected
                state.notice = "Result \(selected + 1) marked: choose another and press v to compare"
            }
            return
        default:
            return
        }
        state.preview = .gallery(selected: min(max(0, next), count - 1))
    }

    /// Every result as a tile; the selected one's label is highlighted.
    static func drawGallery(_ state: EditorState, selected: Int, layout: Layout, on screen: inout Screen) {
        let count = state.results.count
        screen.box(layout.preview, title: "Results \(selected + 1)/\(count) · Enter open · u use · e export · g single",
                   focused: state.focus == .mask)
        let box = Layout.inner(layout.preview)
        let grid = Layout.gallery(count: count, in: box)
        let firstRow = grid.firstRow(showing: selected)
        for row in 0..<grid.visibleRows {
            for column in 0..<grid.columns {
                let index = (firstRow + row) * grid.columns + column
                guard index < count else { return }
                let result = state.results[index]
                let x = box.x + column * grid.tileWidth, y = box.y + row * grid.tileHeight
                let pictureBox = CellRect(x: x, y: y, width: grid.tileWidth - 1, height: grid.tileHeight - 1)
                var area = CellRect(x: x, y: y + grid.tileHeight - 2, width: pictureBox.width, height: 0)
                if let preview = result.preview {
                    area = Layout.imageArea(width: preview.width, height: preview.height, in: pictureBox)
                    screen.images.append(ImagePlacement(id: 10 + index, area: area, image: preview, sequence: PlacementKey(.result, result.path)))
                } else {
                    missing(result, state: state, in: pictureBox, on: &screen)
                }
                let label = "\(index + 1) " + Text.end(of: FileName.last(of: result.path), width: grid.tileWidth - 2 - String(index + 1).count)
                let labelX = x + max(0, (grid.tileWidth - 1 - DisplayWidth.of(label)) / 2)
                // The label sits right under the picture.
                screen.put(label, x: labelX, y: min(area.y + area.height, y + grid.tileHeight - 1), style: index == selected ? .selected : .dim,
                           limit: grid.tileWidth - 1)
            }
        }
    }

    /// Two pictures side by side, or one of them in place (flip).
    static func drawComparison(_ comparison: Comparison, state: EditorState, layout: Layout, on screen: inout Screen) {
        let box = Layout.inner(layout.preview)
        if comparison.flip {
            let shown = comparison.showingRight ? comparison.right : comparison.left
            guard let side = picture(shown, state: state) else { return }
            screen.box(layout.preview, title: "Compare, in place: \(side.label) (\(comparison.showingRight ? "B" : "A")) · Space flips",
                       focused: state.focus == .mask)
            let area = Layout.imageArea(width: side.image.width, height: side.image.height, in: box)
            screen.images.append(ImagePlacement(id: 20, area: area, image: side.image, sequence: side.key))
            return
        }
        screen.box(layout.preview, title: "Compare · f flips in place", focused: state.focus == .mask)
        let half = box.width / 2
        for (i, shown) in [comparison.left, comparison.right].enumerated() {
            guard let side = picture(shown, state: state) else { continue }
            let column = CellRect(x: box.x + i * half, y: box.y, width: half - 1, height: box.height - 1)
            let area = Layout.imageArea(width: side.image.width, height: side.image.height, in: column)
            screen.images.append(ImagePlacement(id: 20 + i, area: area, image: side.image, sequence: side.key))
            let label = (i == 0 ? "A " : "B ") + side.label
            screen.put(label, x: column.x + max(0, (column.width - DisplayWidth.of(label)) / 2),
                       y: min(area.y + area.height, box.y + box.height - 1), style: .accent, limit: column.width)
        }
    }

    /// A result whose preview is being read again, or whose file cannot be read.
    static func missing(_ result: ResultItem, state: EditorState, in box: CellRect, on screen: inout Screen) {
        let text = state.previewsAsked.contains(result.path) ? "reading…" : "cannot be read"
        screen.put(text, x: box.x + max(0, (box.width - DisplayWidth.of(text)) / 2), y: box.y + box.height / 2, style: .dim, limit: box.width)
    }

    static func picture(_ side: Comparison.Side, state: EditorState) -> (image: RGBAImage, label: String, key: PlacementKey)? {
        switch side {
        case .source:
            guard let first = state.sources.first else { return nil }
            return (first.preview, "before · \(first.name)", PlacementKey(.source, first.path))
        case .result(let index):
            guard state.results.indices.contains(index), let preview = state.results[index].preview else { return nil }
            let result = state.results[index]
            return (preview, "\(index + 1) · \(FileName.last(of: result.path))", PlacementKey(.result, result.path))
        }
    }
}
