import Foundation

/// Where to export a result: a path typed in one line.
public struct ExportOverlay: OverlayLayer, Equatable {
    /// The result's index.
    public var result: Int
    public var path: PromptBuffer

    public init(result: Int, path: String) {
        self.result = result
        self.path = PromptBuffer(path)
    }

    public var contexts: [KeyContext] { [.export, .text] }

    public mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        switch action {
        case .close:
            return .closes()
        case .confirm:
            let target = path.text.trimmingCharacters(in: .whitespaces)
            guard !target.isEmpty, editor.results.indices.contains(result) else { return .stays() }
            return .closes([.export(from: editor.results[result].path, to: target)])
        default:
            path.edit(action, key: key)
            return .stays()
        }
    }

    public func draw(_ editor: EditorState, size: Size, on screen: inout Screen) {
        let width = min(size.columns - 4, 90)
        let rect = CellRect(x: (size.columns - width) / 2, y: size.rows / 2 - 2, width: width, height: 4)
        screen.fill(rect, style: .plain)
        // The keys from the keymap; short enough to be read whole at 80 columns.
        let keys = Keymap.hints(for: [.export]).joined(separator: " · ")
        screen.box(rect, title: "Export to (\(keys) · never replaces a file)", focused: true)
        // The end of a long path stays in view.
        let hidden = max(0, DisplayWidth.of(path.text) - (width - 5))
        screen.put(String(path.text.dropFirst(hidden)), x: rect.x + 2, y: rect.y + 1, limit: width - 4)
        let cursorColumn = DisplayWidth.of(String(path.characters[..<path.cursor])) - hidden
        screen.cursor = Point(x: rect.x + 2 + min(width - 5, cursorColumn), y: rect.y + 1)
        screen.clearImages(under: rect)
    }
}
