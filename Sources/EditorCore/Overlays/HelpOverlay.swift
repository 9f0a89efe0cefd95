/// Every key, from the keymap: the focused layer's first.
public struct HelpOverlay: OverlayLayer, Equatable {
    /// The contexts whose keys come first.
    public var first: [KeyContext]
    /// How far it is scrolled.
    public var offset = 0

    public init(first: [KeyContext]) { self.first = first }

    public var contexts: [KeyContext] { [.help] }

    public mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        let limit = panel(layer.size).scrollLimit(at: layer.size)
        switch action {
        case .up: offset = max(0, offset - 1)
        case .down: offset = min(limit, offset + 1)
        case .pageUp: offset = max(0, offset - 10)
        case .pageDown: offset = min(limit, offset + 10)
        case .close: return .closes()
        default: break
        }
        return .stays()
    }

    public func draw(_ editor: EditorState, size: Size, on screen: inout Screen) {
        panel(size).draw(offset: offset, size: size, on: &screen)
    }

    func panel(_ size: Size) -> TextPanel {
        let width = min(size.columns - 4, 100)
        var lines: [(String, Style)] = []
        for (i, section) in Keymap.helpSections(first: first).enumerated() where !section.rows.isEmpty {
            if i > 0 { lines.append(("", .plain)) }
            lines.append((section.title, .accent))
            for row in section.rows {
                // A long row continues indented.
                lines += Text.wrap(row, width: width - 8).enumerated().map { ($0.offset == 0 ? "  " + $0.element : "    " + $0.element, .plain) }
            }
        }
        return TextPanel(title: "Keys", lines: lines, footer: "↑↓ scroll · Esc, Enter or q closes", width: width)
    }
}

/// What went wrong, and that nothing of the draft was lost.
public struct ErrorOverlay: OverlayLayer, Equatable {
    public var title: String
    public var lines: [String]

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }

    public var contexts: [KeyContext] { [.error] }

    public mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        action == .close ? .closes() : .stays()
    }

    public func draw(_ editor: EditorState, size: Size, on screen: inout Screen) {
        let width = min(size.columns - 4, max(DisplayWidth.of(title) + 6, (lines.map(DisplayWidth.of).max() ?? 0) + 4, 50))
        let wrapped = lines.flatMap { Text.wrap($0, width: width - 4) }.map { ($0, Style.plain) }
        TextPanel(title: title, lines: wrapped, footer: "Esc or Enter closes this; your prompt, mask and settings are unchanged.",
                  width: width).draw(offset: 0, size: size, on: &screen)
    }
}

/// Ctrl-Q while an edit runs: quitting would cancel it, so it asks.
public struct ConfirmQuitOverlay: OverlayLayer, Equatable {
    public init() {}

    public var contexts: [KeyContext] { [.confirm] }

    public mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        switch action {
        case .confirm: .closes(editor.isRunning ? [.cancelRun(variant: nil), .quit] : [.quit])
        case .close: .closes()
        default: .stays()
        }
    }

    /// The run may end while it asks: the question stays (a key meant for it must not reach
    /// the prompt), and says so.
    public func draw(_ editor: EditorState, size: Size, on screen: inout Screen) {
        let running = editor.isRunning
        // The keys as the keymap binds them: this context's, and quitting's own, pressed again.
        let quit = "\(Keymap.keys(for: .confirm, in: .confirm)), or \(Keymap.keys(for: .quit, in: .always)) again: \(running ? "cancel and quit" : "quit")"
        TextPanel(title: running ? "An edit is running" : "The edit has finished",
                  lines: [(running ? "Quitting cancels it; what has arrived is kept." : "Everything that arrived is saved.", .plain),
                          (quit, .plain)],
                  footer: "\(Keymap.keys(for: .close, in: .confirm)): keep editing",
                  width: min(size.columns - 4, 64)).draw(offset: 0, size: size, on: &screen)
    }
}
