import ImageEditModel

/// Prompts sent before, to step back through as shells do.
public struct PromptRecall: Equatable, Sendable {
    /// This session's prompts, oldest first.
    public var sent: [String] = []
    /// Earlier sessions' prompts, oldest first; reached after Ctrl-R.
    public var earlier: [String] = []
    /// Where recall stands in the list, or nil when not recalling.
    public var index: Int?
    public var allSessions = false
    /// What was typed before recall began, given back when recall steps past the newest.
    public var stash = ""

    public init() {}

    var prompts: [String] { allSessions ? earlier + sent : sent }
}

/// The prompt: multi-line text, and recall of earlier prompts.
enum PromptPanel: PanelLayer {
    static func contexts(_ state: EditorState) -> [KeyContext] { [.text, .prompt] }

    static func update(_ action: Action, key: Key, state: inout EditorState, size: Size) -> [Effect] {
        let position = state.prompt.position
        switch action {
        case .newLine: state.prompt.insert("\n")
        case .newVariant, .duplicateVariant, .deleteVariant, .switchVariant: state.variantAction(action)
        case .lineUpOrRecall where position.line == 0, .recallOlder: recall(&state, by: -1)
        case .lineDownOrRecall where position.line == state.prompt.lines.count - 1, .recallNewer: recall(&state, by: 1)
        case .lineUpOrRecall: state.prompt.moveLine(by: -1)
        case .lineDownOrRecall: state.prompt.moveLine(by: 1)
        case .recallScope:
            state.recall.allSessions.toggle()
            state.recall.index = nil
            state.notice = state.recall.allSessions
                ? "Recalling prompts of all sessions (\(state.recall.earlier.count + state.recall.sent.count)): ↑ or Ctrl-P"
                : "Recalling prompts of this session only"
        default:
            let before = state.prompt.characters
            state.prompt.edit(action, key: key, oneLine: false)
            // An edited recalled prompt is new text: recall starts over from it.
            if state.prompt.characters != before { state.recall.index = nil }
        }
        return []
    }

    /// Steps through earlier prompts; past the newest, the text typed before recall comes back.
    static func recall(_ state: inout EditorState, by delta: Int) {
        let prompts = state.recall.prompts
        guard !prompts.isEmpty else {
            state.notice = state.recall.allSessions ? "No earlier prompt in any session" : "No earlier prompt in this session (Ctrl-R: all sessions)"
            return
        }
        if state.recall.index == nil {
            guard delta < 0 else { return }
            state.recall.stash = state.prompt.text
        }
        let next = min(prompts.count, (state.recall.index ?? prompts.count) + delta)
        if next >= prompts.count {
            state.recall.index = nil
            state.prompt.replace(with: state.recall.stash)
            return
        }
        state.recall.index = max(0, next)
        state.prompt.replace(with: prompts[max(0, next)])
    }

    static func draw(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let box = layout.prompt
        guard box.height > 0 else { return }
        let limit = ModelRules.forModel(state.parameters.model).maxPromptLength
        let count = state.prompt.apiLength
        let variant = state.variants.count > 1 ? " \(state.activeVariant + 1) of \(state.variants.count) ·" : ""
        screen.box(box, title: "Prompt\(variant) \(count)/\(limit)", focused: state.focus == .prompt)
        if count > limit { screen.put(" too long ", x: box.x + box.width - 14, y: box.y, style: .error) }
        if state.variants.count > 1 {
            drawTabs(state, box: box, on: &screen)
        } else if state.focus == .prompt, let key = Keymap.key(for: .newVariant, in: .prompt) {
            // Variants are found from here: the status line keeps its room for sending.
            let hint = " \(key) adds a variant "
            screen.put(hint, x: box.x + box.width - 2 - DisplayWidth.of(hint), y: box.y + box.height - 1, style: .dim)
        }
        let inner = Layout.inner(box)
        guard inner.height > 0, inner.width > 0 else { return }
        let (rows, cursor) = wrapped(state.prompt, width: inner.width)
        // Scrolled so that the cursor's row is visible.
        let first = max(0, cursor.row - inner.height + 1)
        for (i, row) in rows.dropFirst(first).prefix(inner.height).enumerated() {
            screen.put(shown(row), x: inner.x, y: inner.y + i, limit: inner.width)
        }
        if state.prompt.isEmpty && state.focus != .prompt {
            screen.put("Describe the edit…", x: inner.x, y: inner.y, style: .dim)
        }
        if state.focus == .prompt && state.overlays.isEmpty {
            screen.cursor = Point(x: inner.x + min(cursor.column, inner.width - 1), y: inner.y + cursor.row - first)
        }
    }

    /// The variants as tabs on the bottom border: their numbers and the start of their text.
    static func drawTabs(_ state: EditorState, box: CellRect, on screen: inout Screen) {
        let room = box.width - 4
        let each = max(1, room / state.variants.count - 1)
        var x = box.x + 2
        for (i, variant) in state.variants.enumerated() {
            let first = variant.text.split(whereSeparator: \.isNewline).first.map(shown) ?? ""
            let text = each >= 6 ? " \(i + 1) \(first.isEmpty ? "…" : first)" : " \(i + 1)"
            let limit = min(each, DisplayWidth.of(text) + 1)
            let style: Style = i == state.activeVariant ? .selected : variant.isEmpty ? .warning : .dim
            screen.put(String(repeating: " ", count: limit), x: x, y: box.y + box.height - 1, style: style)
            screen.put(text, x: x, y: box.y + box.height - 1, style: style, limit: limit)
            x += limit + 1
        }
        if let previous = Keymap.key(for: .switchVariant(-1), in: .prompt), let next = Keymap.key(for: .switchVariant(1), in: .prompt),
           state.focus == .prompt, x + 20 < box.x + box.width {
            let hint = " \(previous) \(next) "
            screen.put(hint, x: box.x + box.width - 2 - DisplayWidth.of(hint), y: box.y + box.height - 1, style: .dim)
        }
    }

    /// Prompt text as drawn: a tab (kept, and sent as it is) takes its one cell as a space, not
    /// as the `?` the screen draws for other controls.
    static func shown<Text: Sequence<Character>>(_ text: Text) -> String {
        String(text.map { $0 == "\t" ? " " : $0 })
    }

    /// The prompt's lines wrapped to `width` cells, and the cursor's row and column in them.
    static func wrapped(_ prompt: PromptBuffer, width: Int) -> (rows: [[Character]], cursor: (row: Int, column: Int)) {
        var rows: [(text: [Character], start: Int)] = []
        var cursor = (row: 0, column: 0)
        var offset = 0
        for (lineIndex, characters) in prompt.lines.enumerated() {
            var current: [Character] = []
            var used = 0
            var rowStart = offset
            for (i, character) in characters.enumerated() {
                let w = DisplayWidth.of(character)
                if used + w > width {
                    rows.append((current, rowStart))
                    (current, used, rowStart) = ([], 0, offset + i)
                }
                current.append(character)
                used += w
            }
            rows.append((current, rowStart))
            if lineIndex == prompt.position.line, let r = rows.lastIndex(where: { $0.start <= prompt.cursor }) {
                cursor = (r, DisplayWidth.of(String(prompt.characters[rows[r].start..<prompt.cursor])))
            }
            offset += characters.count + 1
        }
        return (rows.map(\.text), cursor)
    }
}
