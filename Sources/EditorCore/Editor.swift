import Raster

/// The editor's pure state machine: a message changes the state and may ask for effects; the
/// view draws the state. Layers do the work: the open overlays (top first), then the keys of
/// the main screen, then the focused panel.
public enum Editor {
    public static func update(_ state: inout EditorState, _ message: Message, size: Size) -> [Effect] {
        let effects = handle(message, state: &state, size: size)
        let (saves, wakes) = followUps(after: message, effects: effects, state: &state)
        return saves + effects + Previews.keepBounded(&state, size: size) + wakes
    }

    static func handle(_ message: Message, state: inout EditorState, size: Size) -> [Effect] {
        switch message {
        case .key(let key): return keyPressed(key, state: &state, size: size)
        case .mouse(let event): mouse(event, state: &state, size: size)
        case .tick(let now): state.now = now
        case .resize: return [.measureCells]
        case .hangUp: return [.interruptRun, .quit]
        case .draftNotSaved(let problem): state.notice = "The draft could not be saved: \(problem)"
        case .winnerNotRecorded(let problem): state.notice = "The winner could not be recorded: \(problem)"
        case .reply(let id, let reply): return deliver(reply, to: id, state: &state, size: size)
        case .run(let variant, let event): state.apply(event, variant: variant)
        case .finished(let variant, let outcome): state.finish(outcome, variant: variant)
        case .resending(let number, let variants, let field):
            if state.sent?.number == number, state.isRunning { state.begin(RunSet(number: number, runs: variants.map(RunProgress.init), sweptField: field)) }
        case .resendFailed(let number, let reason):
            guard state.sent?.number == number else { break }
            state.sent = nil
            state.preview = .source
            state.overlays.push(ErrorOverlay(title: "Could not send the set again", lines: [reason]))
        default: return received(message, state: &state)
        }
        return []
    }

    public static func view(_ state: EditorState, size: Size) -> Screen {
        var screen = Screen(size: size)
        guard size.columns >= 40, size.rows >= 12 else {
            let message = "Retouch needs at least 40x12; this terminal is \(size.columns)x\(size.rows)."
            for (y, line) in Text.wrap(message, width: size.columns).enumerated() { screen.put(line, x: 0, y: y, style: .warning) }
            return screen
        }
        let layout = Layout(size: size, zoomed: state.zoomed)
        PreviewPanel.draw(state, layout: layout, on: &screen)
        SourcesPanel.draw(state, layout: layout, on: &screen)
        ParametersPanel.draw(state, layout: layout, on: &screen)
        PromptPanel.draw(state, layout: layout, on: &screen)
        StatusLine.draw(state, layout: layout, on: &screen)
        for entry in state.overlays.entries { entry.layer.draw(state, size: size, on: &screen) }
        return screen
    }

    static func keyPressed(_ key: Key, state: inout EditorState, size: Size) -> [Effect] {
        state.notice = nil
        // A variant is deleted by two Ctrl-X in a row, not with other keys between.
        if Keymap.action(for: key, in: state.keyContexts) != .deleteVariant { state.variantToDelete = nil }
        // Quitting comes before every panel and overlay: an overlay that kept Ctrl-Q and Ctrl-C
        // for itself would leave no way out but a signal.
        if Keymap.action(for: key, in: [.always]) == .quit { return quit(&state) }
        if !state.overlays.isEmpty { return updateTopOverlay(key, state: &state, size: size) }
        if let action = Keymap.action(for: key, in: [.main]) { return mainAction(action, state: &state) }
        let panel = state.focus.layer
        guard let action = Keymap.action(for: key, in: panel.contexts(state)) else { return [] }
        // `?` in a panel is F1 there: the same help, the panel's keys first.
        if action == .openHelp { return mainAction(action, state: &state) }
        return panel.update(action, key: key, state: &state, size: size)
    }

    /// What every message may lead to: the draft saved once typing pauses (at once when
    /// leaving), and the ticks a running edit's clock needs.
    static func followUps(after message: Message, effects: [Effect], state: inout EditorState) -> (saves: [Effect], wakes: [Effect]) {
        var saves: [Effect] = [], wakes: [Effect] = []
        let draft = state.draft
        if state.keepsDrafts, draft != state.savedDraft {
            let changed = state.draftChanged ?? state.now
            if effects.contains(.quit) || message == .hangUp || state.now - changed >= draftPause {
                saves.append(.saveDraft(draft))
                state.savedDraft = draft
                state.draftChanged = nil
            } else {
                state.draftChanged = changed
                wakes.append(.wake(at: changed + draftPause))
            }
        }
        // A running edit's clock moves on the status line: each tick asks for the next.
        if state.isRunning, case .tick = message { wakes.append(.wake(at: state.now + 0.2)) }
        return (saves, wakes)
    }

    /// How long typing pauses before the draft is written.
    static let draftPause = 0.4

    /// Ctrl-Q or Ctrl-C: quits, or, while an edit runs, asks first; pressed again while it
    /// asks, cancels the edit and quits.
    static func quit(_ state: inout EditorState) -> [Effect] {
        if state.overlays.first(ConfirmQuitOverlay.self) != nil { return state.isRunning ? [.cancelRun(variant: nil), .quit] : [.quit] }
        guard state.isRunning else { return [.quit] }
        state.overlays.push(ConfirmQuitOverlay())
        return []
    }

    static func mainAction(_ action: Action, state: inout EditorState) -> [Effect] {
        switch action {
        case .send: return state.send()
        case .cancelOrBack:
            if state.isRunning { return state.cancel(variant: nil) }
            state.preview = .source
        case .nextPanel, .previousPanel:
            state.zoomed = false
            let panels = Panel.allCases
            state.focus = panels[(panels.firstIndex(of: state.focus)! + (action == .nextPanel ? 1 : panels.count - 1)) % panels.count]
        case .openHelp: state.overlays.push(HelpOverlay(first: state.focus.layer.contexts(state)))
        case .openHistory: return HistoryOverlay.open(editor: &state)
        case .beforeAfter:
            switch state.preview {
            case .source where !state.results.isEmpty: state.preview = .result(state.results.count - 1)
            case .source: state.notice = "No result yet to compare with"
            default: state.preview = .source
            }
        case .addSources: return openPicker(&state)
        default: break
        }
        return []
    }

    /// The file picker, to add sources, in the first source's folder (or the starting folder).
    public static func openPicker(_ state: inout EditorState) -> [Effect] {
        PickerOverlay.open(state.pickerFolder, purpose: .addSources, editor: &state)
    }
}

extension EditorState {
    /// Esc cancels everything in flight; x in the set's grid, one variant.
    mutating func cancel(variant: Int?) -> [Effect] {
        guard var set = sent else { return [] }
        var cancelled = false
        for i in set.runs.indices where set.runs[i].isRunning && (variant == nil || set.runs[i].variant == variant) {
            set.runs[i].cancelling = true
            set.runs[i].status = "cancelling"
            cancelled = true
        }
        sent = set
        guard cancelled else {
            notice = "v\(variant ?? 0) is not running"
            return []
        }
        return [.cancelRun(variant: variant)]
    }

    /// The contexts keys are looked up in now, first to last.
    public var keyContexts: [KeyContext] {
        if let top = overlays.top { return top.contexts + [.always] }
        return focus.layer.contexts(self) + [.main, .always]
    }
}
