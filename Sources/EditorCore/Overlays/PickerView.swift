import Raster

extension PickerOverlay {
    /// The entries, folders first, each file with its size; the highlighted file's picture and
    /// details on the right when there is room, else its verdict in one line.
    public func draw(_ editor: EditorState, size: Size, on screen: inout Screen) {
        let width = min(size.columns - 4, 110), height = min(size.rows - 4, 26)
        let marked = picker.marked.isEmpty ? "" : " · \(picker.marked.count) marked"
        let purpose = picker.purpose == .loadMask ? "Load a mask for \(editor.sources.first?.name ?? "the first source")" : "Add a source\(marked)"
        let rect = screen.centredPanel(width: width, height: height, title: "\(purpose): \(picker.folder)")
        let detailsWidth = width >= 76 ? min(40, width / 2 - 4) : 0
        let listWidth = width - detailsWidth
        drawEntries(in: rect, listWidth: listWidth, rows: height - (detailsWidth > 0 ? 4 : 5), on: &screen)
        let lines = DetailsPane.lines(picker.details, purpose: picker.purpose, editor: editor,
                                      width: detailsWidth > 0 ? detailsWidth - 3 : width - 4)
        if detailsWidth > 0 {
            let pane = CellRect(x: rect.x + listWidth, y: rect.y + 1, width: detailsWidth - 1, height: height - 3)
            DetailsPane(rect: pane, details: picker.details, lines: lines).draw(picture: .file, id: 2, on: &screen)
        } else if let line = lines.first(where: { $0.style != .plain }) ?? lines.first {
            screen.put(line.text, x: rect.x + 2, y: rect.y + height - 3, style: line.style, limit: width - 4)
        }
        // One mask is loaded: nothing to mark.
        let hints = Keymap.bindings(in: .picker).filter { picker.purpose == .addSources || $0.action != .mark }.compactMap(\.hint)
        screen.put(Keymap.line(hints, width: width - 4), x: rect.x + 2, y: rect.y + height - 2, style: .dim, limit: width - 4)
    }

    private func drawEntries(in rect: CellRect, listWidth: Int, rows: Int, on screen: inout Screen) {
        if picker.loading {
            screen.put("Reading the folder…", x: rect.x + 2, y: rect.y + 1, style: .dim)
        } else if picker.entries.isEmpty {
            screen.put("No folders or PNG, JPEG or WebP files here", x: rect.x + 2, y: rect.y + 1, style: .dim, limit: listWidth - 3)
        }
        let top = max(0, min(picker.selected - rows / 2, picker.entries.count - rows))
        for (i, entry) in picker.entries.dropFirst(top).prefix(max(0, rows)).enumerated() {
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
    }
}
