import Foundation
import ImageEditModel
import Raster
import SessionModel

extension Editor {
    /// Draws the state into a screen model; the terminal layer paints it.
    public static func view(_ state: EditorState, size: Size) -> Screen {
        var screen = Screen(size: size)
        guard size.columns >= 40, size.rows >= 12 else {
            screen.put("Retouch needs at least 40x12; this terminal is \(size.columns)x\(size.rows).", x: 0, y: 0, style: .warning)
            return screen
        }
        let layout = Layout(size: size, zoomed: state.zoomed)
        drawPreview(state, layout: layout, on: &screen)
        if layout.side.width > 0 { drawSide(state, layout: layout, on: &screen) }
        if layout.prompt.height > 0 { drawPrompt(state, layout: layout, on: &screen) }
        drawStatus(state, layout: layout, on: &screen)
        if let overlay = state.overlay { drawOverlay(overlay, state: state, size: size, on: &screen) }
        return screen
    }

    static func drawPreview(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let image: RGBAImage?
        let title: String
        var overlay: [PixelRect] = []
        var highlighted: Int?
        var cursor: PixelRect?
        var maskPreview: RGBAImage?
        let sequence: String
        switch state.preview {
        case .source:
            let first = state.sources.first
            image = first?.preview
            sequence = "source:" + (first?.path ?? "")
            title = first.map { "\($0.name) \($0.width)x\($0.height)" + (state.results.isEmpty ? "" : " · before") } ?? "No source image"
            if let mask = state.mask, let first, first.preview.width > 0 {
                // Overlay rectangles are in the preview's pixels.
                let sx = Double(first.preview.width) / Double(first.width), sy = Double(first.preview.height) / Double(first.height)
                func scaled(_ r: PixelRect) -> PixelRect {
                    PixelRect(x: Int(Double(r.x) * sx), y: Int(Double(r.y) * sy),
                              width: max(1, Int(Double(r.width) * sx)), height: max(1, Int(Double(r.height) * sy)))
                }
                overlay = mask.rects.map(scaled)
                highlighted = state.focus == .mask ? mask.selected : nil
                if state.focus == .mask { cursor = scaled(mask.cursor) }
                maskPreview = mask.loadedPreview
            }
        case .partial(let partial):
            image = partial
            title = "Partial image \(state.run?.partials ?? 0)"
            sequence = "run:\(state.run?.started ?? 0)"
        case .result(let index):
            image = state.results.indices.contains(index) ? state.results[index].preview : nil
            let path = state.results.indices.contains(index) ? state.results[index].path : ""
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            sequence = "result:" + path
            title = "Result \(index + 1)/\(state.results.count) · \(name) · after" + (state.results.count > 1 ? " · g all" : "")
        case .gallery(let selected):
            drawGallery(state, selected: selected, layout: layout, on: &screen)
            return
        case .compare(let comparison):
            drawComparison(comparison, state: state, layout: layout, on: &screen)
            return
        }
        screen.box(layout.preview, title: title, focused: state.focus == .mask)
        guard let image else { return }
        let area = Layout.imageArea(width: image.width, height: image.height, in: Layout.inner(layout.preview))
        screen.images.append(ImagePlacement(id: 1, area: area, image: image, overlay: overlay, highlighted: highlighted,
                                            cursor: cursor, maskImage: maskPreview, sequence: sequence,
                                            isPartial: { if case .partial = state.preview { true } else { false } }()))
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
                let area = Layout.imageArea(width: result.preview.width, height: result.preview.height, in: pictureBox)
                screen.images.append(ImagePlacement(id: 10 + index, area: area, image: result.preview, sequence: "result:" + result.path))
                let name = result.path.split(separator: "/").last.map(String.init) ?? result.path
                let label = "\(index + 1) \(name)"
                let labelX = x + max(0, (grid.tileWidth - 1 - DisplayWidth.of(label)) / 2)
                // The label sits right under the picture.
                screen.put(label, x: labelX, y: min(area.y + area.height, y + grid.tileHeight - 1), style: index == selected ? .selected : .dim,
                           limit: grid.tileWidth - 1)
            }
        }
    }

    /// Two pictures side by side, or one of them in place (flip).
    static func drawComparison(_ comparison: Comparison, state: EditorState, layout: Layout, on screen: inout Screen) {
        func picture(_ side: Comparison.Side) -> (image: RGBAImage, label: String, sequence: String)? {
            switch side {
            case .source:
                guard let first = state.sources.first else { return nil }
                return (first.preview, "before · \(first.name)", "source:" + first.path)
            case .result(let index):
                guard state.results.indices.contains(index) else { return nil }
                let result = state.results[index]
                let name = result.path.split(separator: "/").last.map(String.init) ?? result.path
                return (result.preview, "\(index + 1) · \(name)", "result:" + result.path)
            }
        }
        let box = Layout.inner(layout.preview)
        if comparison.flip {
            let shown = comparison.showingRight ? comparison.right : comparison.left
            guard let side = picture(shown) else { return }
            screen.box(layout.preview, title: "Compare, in place: \(side.label) (\(comparison.showingRight ? "B" : "A")) · Space flips",
                       focused: state.focus == .mask)
            let area = Layout.imageArea(width: side.image.width, height: side.image.height, in: box)
            screen.images.append(ImagePlacement(id: 20, area: area, image: side.image, sequence: side.sequence))
            return
        }
        screen.box(layout.preview, title: "Compare · f flips in place", focused: state.focus == .mask)
        let half = box.width / 2
        for (i, shown) in [comparison.left, comparison.right].enumerated() {
            guard let side = picture(shown) else { continue }
            let column = CellRect(x: box.x + i * half, y: box.y, width: half - 1, height: box.height - 1)
            let area = Layout.imageArea(width: side.image.width, height: side.image.height, in: column)
            screen.images.append(ImagePlacement(id: 20 + i, area: area, image: side.image, sequence: side.sequence))
            let label = (i == 0 ? "A " : "B ") + side.label
            screen.put(label, x: column.x + max(0, (column.width - DisplayWidth.of(label)) / 2),
                       y: min(area.y + area.height, box.y + box.height - 1), style: .accent, limit: column.width)
        }
    }

    /// Past runs, newest first: prompt, status, when, tokens; the selected run's parameters,
    /// sources and result picture on the right.
    static func drawHistory(_ browser: HistoryBrowser, utcOffset: Int, size: Size, on screen: inout Screen) {
        let width = min(size.columns - 2, 140), height = min(size.rows - 2, 40)
        let rect = CellRect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
        screen.fill(rect, style: .plain)
        let scope = browser.allSessions ? "all sessions" : "this session"
        screen.box(rect, title: "History · \(scope) · \(browser.runs.count) run\(browser.runs.count == 1 ? "" : "s")", focused: true)
        clearImages(under: rect, on: &screen)
        let filterLine = browser.typingFilter || !browser.filter.isEmpty ? "filter: " + browser.filter.text : "/ to filter by prompt"
        screen.put(filterLine, x: rect.x + 2, y: rect.y + 1, style: browser.typingFilter ? .accent : .dim, limit: width - 4)
        if browser.typingFilter {
            screen.cursor = Point(x: min(rect.x + 2 + 8 + DisplayWidth.of(browser.filter.text), rect.x + width - 2), y: rect.y + 1)
        }
        let detailsWidth = width >= 120 ? min(48, width / 2 - 4) : width >= 90 ? 36 : 0
        let listWidth = width - detailsWidth
        let rows = height - (detailsWidth > 0 ? 5 : 6)
        if browser.loading {
            screen.put("Reading…", x: rect.x + 2, y: rect.y + 3, style: .dim)
        } else if browser.runs.isEmpty {
            screen.put(browser.filter.isEmpty ? "No runs yet: Ctrl-S sends one" : "No run's prompt contains that", x: rect.x + 2, y: rect.y + 3, style: .dim)
        }
        let top = max(0, min(browser.selected - rows / 2, browser.runs.count - rows))
        for (i, run) in browser.runs.dropFirst(top).prefix(rows).enumerated() {
            let selected = top + i == browser.selected
            let y = rect.y + 3 + i
            screen.fill(CellRect(x: rect.x + 1, y: y, width: listWidth - 2, height: 1), style: selected ? .selected : .plain)
            // Tokens and the rest are in the pane on the right.
            let status = run.status == .completed ? "\(run.results.count) img" : run.status.rawValue
            let took = run.finished.map { " · \(Int(($0 - run.started).rounded())) s" } ?? ""
            let right = "\(status)\(took)"
            let prompt = run.prompt.replacingOccurrences(of: "\n", with: " ")
            let when = WallClock.text(run.started, offset: utcOffset)
            screen.put("\(run.id)", x: rect.x + 2, y: y, style: selected ? .selected : .dim)
            screen.put(when, x: rect.x + 7, y: y, style: selected ? .selected : .dim)
            screen.put(prompt, x: rect.x + 20, y: y, style: selected ? .selected : .plain, limit: listWidth - 24 - DisplayWidth.of(right))
            let statusStyle: Style = selected ? .selected : run.status == .completed ? .dim : .warning
            screen.put(right, x: rect.x + listWidth - 2 - DisplayWidth.of(right), y: y, style: statusStyle)
        }
        screen.put("↑↓ run · ←→ result · Enter restore · r run again · b branch · / filter · a all sessions · Esc close",
                   x: rect.x + 2, y: rect.y + height - 2, style: .dim, limit: width - 4)
        guard let run = browser.current else { return }
        guard detailsWidth > 0 else {
            // Narrow: the selected run in one line above the keys.
            let settings = run.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let line = settings + (run.totalTokens.map { " · \($0) tokens" } ?? "") + (run.error.map { " · \($0)" } ?? "")
            screen.put(line, x: rect.x + 2, y: rect.y + height - 3, style: run.error == nil ? .dim : .warning, limit: width - 4)
            return
        }
        let pane = CellRect(x: rect.x + listWidth, y: rect.y + 1, width: detailsWidth - 1, height: height - 3)
        var lines: [(text: String, style: Style)] = []
        if case .unreadable(_, let reason)? = browser.details { lines += wrap(reason, width: pane.width - 2).map { ($0, .warning) } }
        let settings = run.parameters.filter { $0.key != "model" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append(("\(run.parameters["model"] ?? "") · \(run.backend)", .plain))
        lines += wrap(settings.joined(separator: " "), width: pane.width - 2).map { ($0, .dim) }
        let mask = run.maskRects.isEmpty && !run.hasLoadedMask ? "no mask"
            : "mask: \(run.maskRects.count) rect\(run.maskRects.count == 1 ? "" : "s")\(run.hasLoadedMask ? " + file" : "")\(run.maskInverted ? ", inverted" : "")"
        lines.append((mask, .dim))
        for source in run.sources.prefix(3) {
            lines.append((source.path.split(separator: "/").last.map(String.init) ?? source.path, .dim))
        }
        if let tokens = run.totalTokens {
            lines.append(("tokens: \(tokens)" + (run.inputTokens.map { " (in \($0), out \(run.outputTokens ?? 0))" } ?? ""), .dim))
        }
        if let error = run.error { lines += wrap(error, width: pane.width - 2).map { ($0, .warning) } }
        if !run.results.isEmpty {
            let name = browser.currentResult?.split(separator: "/").last.map(String.init) ?? ""
            lines.append(("result \(browser.result + 1)/\(run.results.count): \(name)", .accent))
        }
        drawDetailsPane(pane, details: browser.details, pictureID: 3, sequence: "result:", lines: lines, on: &screen)
    }

    /// The pane right of a list: a divider, the highlighted file's picture in what the text lines
    /// at the bottom leave, then the lines.
    static func drawDetailsPane(_ pane: CellRect, details: FilePicker.Details?, pictureID: Int, sequence: String,
                                lines: [(text: String, style: Style)], on screen: inout Screen) {
        for y in pane.y..<(pane.y + pane.height) { screen.put("│", x: pane.x - 1, y: y, style: .dim) }
        let textTop = max(pane.y, pane.y + pane.height - lines.count)
        if case .image(let source)? = details, textTop - pane.y > 2 {
            let box = CellRect(x: pane.x + 1, y: pane.y, width: pane.width - 2, height: textTop - pane.y - 1)
            let area = Layout.imageArea(width: source.preview.width, height: source.preview.height, in: box)
            screen.images.append(ImagePlacement(id: pictureID, area: area, image: source.preview, sequence: sequence + source.path))
        }
        for (i, line) in lines.enumerated() where textTop + i < pane.y + pane.height {
            screen.put(line.text, x: pane.x + 1, y: textTop + i, style: line.style, limit: pane.width - 2)
        }
    }

    static func drawSide(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let side = layout.side
        let sourcesBox = layout.sources, sourcesHeight = sourcesBox.height
        screen.box(sourcesBox, title: "Sources \(state.sources.count)/16", focused: state.focus == .sources)
        for (i, source) in state.sources.enumerated() where i < sourcesHeight - 2 {
            let selected = state.focus == .sources && i == state.selectedSource
            let dimensions = " \(source.width)x\(source.height)"
            let line = "\(i + 1). \(source.name)"
            // The name gives way to the dimensions, which always show.
            let room = side.width - 4 - dimensions.count
            let end = screen.put(line, x: side.x + 2, y: side.y + 1 + i, style: selected ? .selected : .plain, limit: room)
            screen.put(dimensions, x: end, y: side.y + 1 + i, style: selected ? .selected : .dim)
        }

        let box = layout.parameters
        screen.box(box, title: "Parameters", focused: state.focus == .parameters)
        var y = box.y + 1
        // Labels take what the values leave: "output_compression" shortens in narrow panels.
        let labelWidth = min(18, max(8, box.width - 4 - 14))
        for field in Parameters.Field.allCases where y < box.y + box.height - 1 {
            let value = state.parameters.values[field] ?? "default"
            let selected = state.focus == .parameters && field == state.parameters.selected
            screen.put(field.rawValue, x: box.x + 2, y: y, style: selected ? .selected : .dim, limit: labelWidth)
            screen.put(value, x: box.x + 3 + labelWidth, y: y, style: selected ? .selected : .plain, limit: box.width - 5 - labelWidth)
            y += 1
        }
        if let mask = state.mask, y < box.y + box.height - 1 {
            var parts: [String] = []
            if mask.loaded != nil { parts.append("from file") }
            if !mask.rects.isEmpty { parts.append("\(mask.rects.count) rect\(mask.rects.count == 1 ? "" : "s")") }
            if mask.inverted && !mask.isEmpty { parts.append("inverted") }
            let text = mask.isEmpty ? "mask: none (whole image)" : "mask: " + parts.joined(separator: ", ")
            screen.put(text, x: box.x + 2, y: y, style: .accent, limit: box.width - 4)
            y += 1
        }
        for violation in state.pendingRequest.violations where y < box.y + box.height - 1 {
            screen.put("! " + violation.description, x: box.x + 2, y: y, style: .warning, limit: box.width - 4)
            y += 1
        }
    }

    static func drawPrompt(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let box = layout.prompt
        let limit = ModelRules.forModel(state.parameters.model).maxPromptLength
        let count = state.prompt.apiLength
        screen.box(box, title: "Prompt \(count)/\(limit)", focused: state.focus == .prompt)
        if count > limit { screen.put(" too long ", x: box.x + box.width - 14, y: box.y, style: .error) }
        let inner = Layout.inner(box)
        guard inner.height > 0, inner.width > 0 else { return }
        // Wrap each line to the box, then scroll so the cursor's row is visible.
        var rows: [(text: [Character], start: Int)] = []
        var cursorRow = 0, cursorColumn = 0
        var offset = 0
        let (line, _) = state.prompt.position
        for (lineIndex, characters) in state.prompt.lines.enumerated() {
            var current: [Character] = []
            var width = 0
            var rowStart = offset
            for (i, character) in characters.enumerated() {
                let w = DisplayWidth.of(character)
                if width + w > inner.width {
                    rows.append((current, rowStart))
                    current = []
                    width = 0
                    rowStart = offset + i
                }
                current.append(character)
                width += w
            }
            rows.append((current, rowStart))
            if lineIndex == line {
                // Find the wrapped row holding the cursor.
                let cursor = state.prompt.cursor
                for (r, row) in rows.enumerated().reversed() where row.start <= cursor {
                    cursorRow = r
                    cursorColumn = DisplayWidth.of(String(state.prompt.characters[row.start..<cursor]))
                    break
                }
            }
            offset += characters.count + 1
        }
        let first = max(0, cursorRow - inner.height + 1)
        for (i, row) in rows.dropFirst(first).prefix(inner.height).enumerated() {
            screen.put(String(row.text), x: inner.x, y: inner.y + i, limit: inner.width)
        }
        if state.prompt.isEmpty && state.focus != .prompt {
            screen.put("Describe the edit…", x: inner.x, y: inner.y, style: .dim)
        }
        if state.focus == .prompt && state.overlay == nil {
            screen.cursor = Point(x: inner.x + min(cursorColumn, inner.width - 1), y: inner.y + cursorRow - first)
        }
    }

    static let hints: [Panel: String] = [
        .prompt: "type · Ctrl-S send · Tab panels · ↑ earlier prompts · F2 history · F1 help · Ctrl-Q quit",
        .mask: "arrows move · Shift/HJKL size · Enter add · n/p select · d delete · i invert · c clear · m load · f fine · z full size · [ ] results · u use · e export",
        .parameters: "↑↓ field · ←→ value · Ctrl-S send · ? help",
        .sources: "↑↓ select · o/Enter add files · J/K reorder · d remove · ? help",
    ]

    static func drawStatus(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let y = layout.status
        screen.fill(CellRect(x: 0, y: y, width: screen.size.columns, height: 1), style: .statusBar)
        var right = "\(state.backend.label) · \(state.parameters.model)"
        if state.sessionTokens > 0 { right = "\(state.sessionTokens) tokens · " + right }
        if let run = state.run {
            var parts = ["\(run.status) \(String(format: "%.1f", max(0, state.now - run.started))) s"]
            if run.partials > 0 { parts.append("\(run.partials) partial") }
            if run.images > 0 { parts.append("\(run.images) saved") }
            parts.append(ByteCount.format(run.bytes))
            right = parts.joined(separator: " · ") + " · " + right
        }
        var hint = hints[state.focus] ?? ""
        if state.focus == .mask {
            switch state.preview {
            case .result: hint = "[ ] results · g grid · u use as source · e export · Ctrl-B before/after · z full size · ? help"
            case .gallery: hint = "arrows select · Enter open · u use as source · e export · v compare · g single · ? help"
            case .compare(let comparison): hint = comparison.flip ? "Space flips · f side by side · g grid · Esc back" : "f flip in place · g grid · Esc back"
            case .source, .partial: break
            }
        }
        let rightWidth = DisplayWidth.of(right)
        let room = max(0, screen.size.columns - rightWidth - 3)
        // Hints give way whole, from the end, rather than being cut mid-word.
        var hints = hint.components(separatedBy: " · ")
        while hints.count > 1 && DisplayWidth.of(hints.joined(separator: " · ")) > room { hints.removeLast() }
        let left = state.notice ?? hints.joined(separator: " · ")
        screen.put(left, x: 1, y: y, style: state.notice == nil ? .statusBar : .statusNotice, limit: room)
        screen.put(right, x: max(1, screen.size.columns - rightWidth - 1), y: y, style: .statusRight)
    }

    static func drawPicker(_ picker: FilePicker, first: SourceImage?, size: Size, on screen: inout Screen) {
        let width = min(size.columns - 4, 110), height = min(size.rows - 4, 26)
        let rect = CellRect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
        screen.fill(rect, style: .plain)
        let marked = picker.marked.isEmpty ? "" : " · \(picker.marked.count) marked"
        let purpose = picker.purpose == .loadMask ? "Load a mask for \(first?.name ?? "the first source")" : "Add a source\(marked)"
        screen.box(rect, title: "\(purpose): \(picker.folder)", focused: true)
        clearImages(under: rect, on: &screen)
        // The highlighted file's picture and details on the right, when there is room.
        let detailsWidth = width >= 76 ? min(40, width / 2 - 4) : 0
        let listWidth = width - detailsWidth
        let rows = height - (detailsWidth > 0 ? 4 : 5)
        if picker.loading {
            screen.put("Reading the folder…", x: rect.x + 2, y: rect.y + 1, style: .dim)
        } else if picker.entries.isEmpty {
            screen.put("No folders or PNG, JPEG or WebP files here", x: rect.x + 2, y: rect.y + 1, style: .dim, limit: listWidth - 3)
        }
        let top = max(0, min(picker.selected - rows / 2, picker.entries.count - rows))
        for (i, entry) in picker.entries.dropFirst(top).prefix(rows).enumerated() {
            let selected = top + i == picker.selected
            let isMarked = !entry.isFolder && picker.marked.contains(picker.path(of: entry))
            let name = (isMarked ? "✓ " : entry.isFolder ? "" : "  ") + (entry.isFolder ? entry.name + "/" : entry.name)
            let style = selected ? Style.selected : entry.isFolder ? Style.accent : Style.plain
            screen.fill(CellRect(x: rect.x + 1, y: rect.y + 1 + i, width: listWidth - 2, height: 1), style: selected ? .selected : .plain)
            screen.put(name, x: rect.x + 2, y: rect.y + 1 + i, style: style, limit: listWidth - 14)
            if !entry.isFolder {
                let bytes = ByteCount.format(entry.byteCount)
                screen.put(bytes, x: rect.x + listWidth - 2 - DisplayWidth.of(bytes), y: rect.y + 1 + i, style: selected ? .selected : .dim)
            }
        }
        let lines = detailLines(picker.details, purpose: picker.purpose, first: first, width: detailsWidth > 0 ? detailsWidth - 3 : width - 4)
        if detailsWidth > 0 {
            let pane = CellRect(x: rect.x + listWidth, y: rect.y + 1, width: detailsWidth - 1, height: height - 3)
            drawDetailsPane(pane, details: picker.details, pictureID: 2, sequence: "file:", lines: lines, on: &screen)
        } else if let line = lines.first(where: { $0.style != .plain }) ?? lines.first {
            screen.put(line.text, x: rect.x + 2, y: rect.y + height - 3, style: line.style, limit: width - 4)
        }
        let keys = picker.purpose == .loadMask ? "↑↓ choose · Enter open or load · Backspace up · Esc close"
            : "↑↓ choose · Space mark · Enter open or add · Backspace up · Esc close"
        screen.put(keys,
                   x: rect.x + 2, y: rect.y + height - 2, style: .dim, limit: width - 4)
    }

    /// The highlighted file in words: format, dimensions, pixels, size, and whether the API takes it.
    static func detailLines(_ details: FilePicker.Details?, purpose: FilePicker.Purpose, first: SourceImage?,
                            width: Int) -> [(text: String, style: Style)] {
        switch details {
        case nil:
            return []
        case .reading:
            return [("Reading…", .dim)]
        case .unreadable(_, let reason):
            return wrap(reason, width: width).map { ($0, .warning) }
        case .image(let source):
            var lines: [(String, Style)] = [("\(source.width)x\(source.height) · \(ByteCount.format(source.facts.byteCount))", .plain)]
            if case .success(let header) = source.facts.header {
                lines.append(("\(header.format.displayName) · \(header.channels.readableName)", .plain))
            }
            var problems = sourceProblems(source)
            if purpose == .loadMask, let first, case .success(let header) = source.facts.header {
                problems = maskProblems(format: header.format, hasAlpha: header.hasAlpha, width: source.width, height: source.height, for: first)
            }
            if problems.isEmpty {
                lines.append((purpose == .loadMask ? "✓ fits as the mask" : "✓ can be sent", .accent))
            } else {
                lines += problems.flatMap { wrap("✗ " + $0, width: width) }.map { ($0, .warning) }
            }
            return lines
        }
    }

    static func clearImages(under rect: CellRect, on screen: inout Screen) {
        screen.images.removeAll { placement in
            placement.area.x < rect.x + rect.width && rect.x < placement.area.x + placement.area.width
                && placement.area.y < rect.y + rect.height && rect.y < placement.area.y + placement.area.height
        }
    }

    static func drawOverlay(_ overlay: Overlay, state: EditorState, size: Size, on screen: inout Screen) {
        switch overlay {
        case .picker(let picker):
            drawPicker(picker, first: state.sources.first, size: size, on: &screen)
        case .history(let browser):
            drawHistory(browser, utcOffset: state.utcOffset, size: size, on: &screen)
        case .export(_, let path):
            let width = min(size.columns - 4, 90)
            let rect = CellRect(x: (size.columns - width) / 2, y: size.rows / 2 - 2, width: width, height: 4)
            screen.fill(rect, style: .plain)
            screen.box(rect, title: "Export to (Enter saves, Esc cancels; an existing file is never replaced)", focused: true)
            let text = path.text
            let visible = max(0, DisplayWidth.of(text) - (width - 5))
            let shown = String(text.dropFirst(visible))
            screen.put(shown, x: rect.x + 2, y: rect.y + 1, limit: width - 4)
            screen.cursor = Point(x: rect.x + 2 + min(width - 5, DisplayWidth.of(String(path.characters[..<path.cursor])) - visible), y: rect.y + 1)
            clearImages(under: rect, on: &screen)
        case .help(let offset):
            let width = helpWidth(size)
            drawPanel(title: "Keys", lines: helpLines(focus: state.focus, width: width), offset: offset, footer: helpFooter,
                      width: width, size: size, on: &screen)
        case .error(let title, let errorLines):
            let width = min(size.columns - 4, max(DisplayWidth.of(title) + 6, (errorLines.map(DisplayWidth.of).max() ?? 0) + 4, 50))
            let lines = errorLines.flatMap { wrap($0, width: width - 4) }.map { ($0, Style.plain) }
            drawPanel(title: title, lines: lines, offset: 0, footer: "Esc or Enter closes this; your prompt, mask and settings are unchanged.",
                      width: width, size: size, on: &screen)
        }
    }

    static let helpFooter = "↑↓ scroll · Esc, Enter or q closes"

    static func helpWidth(_ size: Size) -> Int { min(size.columns - 4, 100) }

    /// The help as lines: each section's title, then each key on its own line (a long one
    /// continues indented).
    static func helpLines(focus: Panel, width: Int) -> [(String, Style)] {
        var lines: [(String, Style)] = []
        for (i, section) in helpSections(focus: focus).enumerated() {
            if i > 0 { lines.append(("", .plain)) }
            lines.append((section.title, .accent))
            for entry in section.keys {
                let wrapped = wrap(entry, width: width - 8)
                lines += wrapped.enumerated().map { ($0.offset == 0 ? "  " + $0.element : "    " + $0.element, .plain) }
            }
        }
        return lines
    }

    /// The furthest the help scrolls at `size`: its last line at the bottom.
    static func helpScrollLimit(focus: Panel, size: Size) -> Int {
        let width = helpWidth(size)
        let lines = helpLines(focus: focus, width: width).count
        return max(0, lines - panelRoom(lines: lines, footer: helpFooter, width: width, size: size).room)
    }

    /// A panel's height, and the rows left for its lines.
    static func panelRoom(lines: Int, footer: String, width: Int, size: Size) -> (height: Int, room: Int, footer: [String]) {
        let footerLines = wrap(footer, width: width - 4)
        let height = min(size.rows - 2, lines + footerLines.count + 3)
        return (height, max(1, height - 3 - footerLines.count), footerLines)
    }

    /// A centred panel of text lines, scrolled by `offset` when they do not fit, with a footer.
    static func drawPanel(title: String, lines: [(String, Style)], offset: Int, footer: String, width: Int, size: Size,
                          on screen: inout Screen) {
        let (height, room, footerLines) = panelRoom(lines: lines.count, footer: footer, width: width, size: size)
        let first = max(0, min(offset, lines.count - room))
        let rect = CellRect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
        screen.fill(rect, style: .plain)
        let position = lines.count > room ? " (\(first + 1)–\(min(lines.count, first + room)) of \(lines.count))" : ""
        screen.box(rect, title: title + position, focused: true)
        for (i, line) in lines.dropFirst(first).prefix(room).enumerated() {
            screen.put(line.0, x: rect.x + 2, y: rect.y + 1 + i, style: line.1, limit: width - 4)
        }
        for (i, line) in footerLines.enumerated() {
            screen.put(line, x: rect.x + 2, y: rect.y + height - 1 - footerLines.count + i, style: .dim, limit: width - 4)
        }
        // Images under the panel would be drawn over it.
        clearImages(under: rect, on: &screen)
    }

    /// Every key, by where it works; the focused panel's sections come first.
    static func helpSections(focus: Panel) -> [(title: String, keys: [String])] {
        let anywhere = ("Anywhere", [
            "Tab / Shift-Tab  move between panels (a click focuses one)",
            "Ctrl-S  send the edit · Esc  cancel a run, close a panel",
            "Ctrl-B  before / after · F1  this help · F2  history of runs",
            "Ctrl-O  add source files · Ctrl-Q or Ctrl-C  quit (asks while a run is in flight)",
        ])
        let prompt = ("Prompt", [
            "type or paste; Enter  new line · arrows, Home / End, Ctrl-← / Ctrl-→ by words",
            "Backspace / Delete, Ctrl-W  delete a word",
            "↑ on the first line, or Ctrl-P / Ctrl-N  earlier prompts of this session",
            "Ctrl-R  recall from every session instead (again: this session only)",
        ])
        let mask = ("Mask (the preview panel)", [
            "arrows or hjkl  move the rectangle · Shift-arrows or HJKL  resize it · f  fine / coarse steps",
            "Enter or Space  add it to the mask · n / p  select a rectangle · d  delete it",
            "i  invert the mask · c  clear it · m  load a mask PNG",
            "mouse: drag on the picture to add a rectangle · z  full-size view",
        ])
        let results = ("Results (in the preview)", [
            "[ / ]  previous / next result · g  all results as a grid (arrows, Enter opens one)",
            "u  use the result as the first source, to iterate on it · e  export it to a path",
            "v  compare with the source; in the grid, v marks one and v on another compares the two",
            "comparing: f  flip in place, Space  swap · Esc  back",
        ])
        let parameters = ("Parameters", [
            "↑↓ or jk  choose a field · ←→ or hl  change its value (\"default\" sends nothing)",
        ])
        let sources = ("Sources", [
            "↑↓ or jk  select · o or Enter  add files · J / K  move down / up · d  remove",
            "the first source is the one edited; the mask belongs to it",
        ])
        let history = ("History (F2)", [
            "↑↓  runs · ←→  their results · /  filter by prompt · a  all sessions",
            "Enter  restore the prompt, parameters and mask · r  run again · b  branch from the result",
        ])
        switch focus {
        case .prompt: return [prompt, anywhere, mask, results, parameters, sources, history]
        case .mask: return [mask, results, anywhere, prompt, parameters, sources, history]
        case .parameters: return [parameters, anywhere, prompt, mask, results, sources, history]
        case .sources: return [sources, anywhere, prompt, mask, results, parameters, history]
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, DisplayWidth.of(text) > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayWidth.of(candidate) > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        lines.append(current)
        return lines
    }
}
