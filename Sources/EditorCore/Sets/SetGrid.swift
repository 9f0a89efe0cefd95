import Foundation
import ImageEditModel
import Raster

/// The last variant set in the preview: a tile per variant with its picture (the latest
/// partial, then its first image) and two lines under it: which variant, and how it went.
enum SetGrid {
    static func update(_ action: Action, selected: Int, state: inout EditorState, size: Size) -> [Effect] {
        guard let set = state.sent, set.runs.indices.contains(selected) else { return [] }
        let run = set.runs[selected]
        switch action {
        case .gallerySelect(let dx, let dy):
            let columns = grid(set, in: box(state, size: size)).columns
            state.preview = .set(selected: min(max(0, selected + dx + dy * columns), set.runs.count - 1))
        case .openResult:
            guard let first = run.results.first else {
                state.notice = "v\(run.variant) " + (run.isRunning ? "has no image yet" : "ended without an image")
                return []
            }
            state.preview = .result(first)
        case .markToCompare: markToCompare(run, state: &state)
        case .cancelVariant: return state.cancel(variant: run.variant)
        case .chooseWinner: return chooseWinner(run, set: set, state: &state)
        default: break
        }
        return []
    }

    /// v on one tile, then v on another: their images side by side.
    static func markToCompare(_ run: RunProgress, state: inout EditorState) {
        guard let result = run.results.first else {
            state.notice = "v\(run.variant) has no image to compare"
            return
        }
        if let mark = state.compareMark, mark != result, state.results.indices.contains(mark) {
            state.compareMark = nil
            state.preview = .compare(Comparison(left: .result(mark), right: .result(result)))
        } else {
            state.compareMark = result
            state.notice = "v\(run.variant) marked: choose another variant and press v to compare"
        }
    }

    /// w: the variant's prompt and settings become the editor's, and the store records it.
    static func chooseWinner(_ run: RunProgress, set: RunSet, state: inout EditorState) -> [Effect] {
        guard !run.results.isEmpty else {
            state.notice = "v\(run.variant) has no image: it cannot win"
            return []
        }
        var set = set
        set.winner = run.variant
        state.sent = set
        state.adopt(run)
        state.notice = "v\(run.variant) won: its prompt and settings are the editor's · u makes its image the first source"
        return set.number > 0 ? [.recordWinner(set: set.number, variant: run.variant)] : []
    }

    /// The set's tile showing result `index`, if any.
    static func tile(showing index: Int, in set: RunSet?) -> Int? {
        set.flatMap { set in set.isSet ? set.runs.firstIndex { $0.results.contains(index) } : nil }
    }

    static func box(_ state: EditorState, size: Size) -> CellRect {
        Layout.inner(Layout(size: size, zoomed: state.zoomed).preview)
    }

    static func grid(_ set: RunSet, in box: CellRect) -> Layout.Gallery {
        Layout.gallery(count: set.runs.count, in: box, labelRows: 2, columns: set.columns)
    }

    static func draw(_ state: EditorState, selected: Int, layout: Layout, on screen: inout Screen) {
        guard let set = state.sent else { return }
        let ended = set.runs.filter { !$0.isRunning }.count
        let images = set.runs.contains { !$0.results.isEmpty }
        let progress = set.isRunning ? "\(ended) of \(set.runs.count) ended"
            : set.winner.map { "★ v\($0)" } ?? (images ? "w marks the winner" : "no images")
        screen.box(layout.preview, title: "Set \(set.number) · \(Text.count(set.runs.count, "variant")) · \(progress)", focused: state.focus == .mask)
        if set.runs.indices.contains(selected) { drawSelected(set.runs[selected], set: set, box: layout.preview, now: state.now, on: &screen) }
        let box = Layout.inner(layout.preview)
        let grid = grid(set, in: box)
        let firstRow = grid.firstRow(showing: selected)
        for row in 0..<grid.visibleRows {
            for column in 0..<grid.columns {
                let index = (firstRow + row) * grid.columns + column
                guard index < set.runs.count else { return }
                let tile = CellRect(x: box.x + column * grid.tileWidth, y: box.y + row * grid.tileHeight,
                                    width: grid.tileWidth - 1, height: grid.tileHeight)
                drawTile(set.runs[index], set: set, selected: index == selected, in: tile, state: state, on: &screen)
            }
        }
    }

    static func drawTile(_ run: RunProgress, set: RunSet, selected: Bool, in tile: CellRect, state: EditorState, on screen: inout Screen) {
        let pictureBox = CellRect(x: tile.x, y: tile.y, width: tile.width, height: tile.height - 2)
        let id = 30 + run.variant
        if let partial = run.partial {
            let area = Layout.imageArea(width: partial.width, height: partial.height, in: pictureBox)
            screen.images.append(ImagePlacement(id: id, area: area, image: partial,
                                                sequence: PlacementKey(.run, "set \(set.number) v\(run.variant)"), isPartial: true))
        } else if let first = run.results.first, state.results.indices.contains(first) {
            let result = state.results[first]
            if let preview = result.preview {
                let area = Layout.imageArea(width: preview.width, height: preview.height, in: pictureBox)
                screen.images.append(ImagePlacement(id: id, area: area, image: preview, sequence: PlacementKey(.result, result.path)))
            } else {
                ResultsView.missing(result, state: state, in: pictureBox, on: &screen)
            }
        } else {
            let text = run.outcome == nil ? run.status : "no image"
            screen.put(text, x: tile.x + max(0, (tile.width - DisplayWidth.of(text)) / 2), y: pictureBox.y + pictureBox.height / 2,
                       style: .dim, limit: tile.width)
        }
        // The labels keep to the tile's last two rows, level across a row of tiles.
        let y = tile.y + tile.height - 2
        screen.put(name(run, set: set), x: tile.x, y: y, style: selected ? .selected : set.winner == run.variant ? .accent : .plain,
                   limit: tile.width)
        let full = factsLine(run, now: state.now)
        let (facts, style) = DisplayWidth.of(full.0) <= tile.width ? full : factsLine(run, now: state.now, compact: true)
        screen.put(facts, x: tile.x, y: y + 1, style: style, limit: tile.width)
    }

    static func name(_ run: RunProgress, set: RunSet) -> String {
        "v\(run.variant)\(set.winner == run.variant ? " ★" : "") \(run.label)"
    }

    /// The selected variant in full on the preview's bottom border: tiles may be too narrow.
    static func drawSelected(_ run: RunProgress, set: RunSet, box: CellRect, now: Double, on screen: inout Screen) {
        let line = " \(name(run, set: set)) · \(factsLine(run, now: now, compact: false).0) "
        screen.put(line, x: box.x + 2, y: box.y + box.height - 1, style: .accent, limit: box.width - 4)
    }

    /// How the variant went: its progress while it runs; then time, tokens and cost (compact:
    /// time and cost).
    static func factsLine(_ run: RunProgress, now: Double, compact: Bool = false) -> (String, Style) {
        let seconds = String(format: "%.1f s", run.elapsed(now: now))
        let separator = compact ? " " : " · "
        switch run.outcome {
        case nil:
            guard run.started != nil else { return (run.status, .dim) }
            var parts = [seconds, run.status]
            if run.partials > 0 && !compact { parts.append("\(run.partials) partial") }
            if run.bytes > 0 && !compact { parts.append(ByteCount.format(run.bytes)) }
            return (parts.joined(separator: separator), .dim)
        case .completed(let tokens)?:
            var parts = [seconds]
            if let tokens, !compact { parts.append("\(tokens) tok") }
            switch run.cost {
            case .usd(let money)?: parts.append(money.formatted)
            case .unknown?: parts.append(compact ? "" : "no price")
            case nil: break
            }
            if run.images > 1 { parts.append("\(run.images) img") }
            return (parts.filter { !$0.isEmpty }.joined(separator: separator), .dim)
        case .failed(let title, _)?: return ((compact ? "failed" : "failed: " + title), .warning)
        case .cancelled?: return ("cancelled" + (run.images > 0 ? separator + "\(run.images) img" : ""), .warning)
        }
    }
}
