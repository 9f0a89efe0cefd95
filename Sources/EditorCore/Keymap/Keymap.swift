/// Where a key binding applies. A layer names the contexts its keys are looked up in, first to
/// last; the table below is read in that order.
public enum KeyContext: String, CaseIterable, Sendable {
    /// Everywhere, over every overlay: quitting.
    case always
    /// The main screen, when no overlay is open.
    case main
    /// One-line and multi-line text: the prompt, the export path, the history filter.
    case text
    case prompt
    case mask
    /// The preview panel whatever it shows.
    case preview
    /// One result shown in the preview.
    case result
    /// A result shown alone or selected in the grid.
    case anyResult
    case gallery
    /// The tiles of a variant set.
    case variantSet
    case compare
    case parameters
    case sources
    case help
    case error
    case confirm
    case picker
    case export
    case history
    case historyFilter

    /// The heading of this context's keys in the help and the README.
    public var title: String {
        switch self {
        case .always: "Always"
        case .main: "Anywhere"
        case .text: "Editing text (prompt, export path, history filter)"
        case .prompt: "Prompt"
        case .mask: "Mask (the preview panel)"
        case .preview: "Preview"
        case .result: "A result (in the preview)"
        case .anyResult: "A result, alone or in the grid"
        case .gallery: "Results grid"
        case .variantSet: "Variant set (a tile per variant)"
        case .compare: "Comparing two pictures"
        case .parameters: "Parameters"
        case .sources: "Sources"
        case .help: "Help (F1)"
        case .error: "Error panel"
        case .confirm: "Quit while an edit runs"
        case .picker: "File picker (Ctrl-O, o, m)"
        case .export: "Export (e)"
        case .history: "History (F2)"
        case .historyFilter: "History filter (/)"
        }
    }
}

/// What a key asks for. Each layer handles the actions of its contexts.
public enum Action: Equatable, Sendable {
    // Everywhere
    case quit
    case send, cancelOrBack, nextPanel, previousPanel, openHelp, openHistory, beforeAfter, addSources
    // Text
    case insertText, deleteBackward, deleteForward, deleteWord, cursorLeft, cursorRight, wordLeft, wordRight, lineStart, lineEnd
    // Prompt
    case newLine, lineUpOrRecall, lineDownOrRecall, recallOlder, recallNewer, recallScope
    case newVariant, duplicateVariant, deleteVariant, switchVariant(Int)
    // Mask
    case moveRect(dx: Int, dy: Int), resizeRect(dw: Int, dh: Int), addRect, selectRect(Int), deleteRect
    case invertMask, clearMask, loadMask, toggleCoarse
    // Preview and results
    case zoom, grid, stepResult(Int), compareWithSource, useResult, exportResult
    case gallerySelect(dx: Int, dy: Int), galleryFirst, galleryLast, openResult, markToCompare
    case flip, swapSides
    case chooseWinner, cancelVariant
    // Parameters
    case sweepValue, clearSweep
    // Lists (parameters, sources, picker, history, help)
    case up, down, pageUp, pageDown, change(Int), choose
    case moveSourceUp, moveSourceDown, remove
    // Overlays
    case close, confirm, parentFolder, mark, filter, allSessions, restore, runAgain, runSetAgain, branch
}

/// Which keys a binding answers to.
public enum KeyPattern: Equatable, Sendable {
    case key(Key)
    /// Any printable character that no earlier binding of the chain takes.
    case anyCharacter
    /// A bracketed paste.
    case anyPaste

    func matches(_ key: Key) -> Bool {
        switch (self, key) {
        case (.key(let bound), _): bound == key
        case (.anyCharacter, .character): true
        case (.anyPaste, .paste): true
        default: false
        }
    }
}

/// One row of the keymap: in `context`, `keys` do `action`.
public struct Binding: Sendable {
    public var context: KeyContext
    public var keys: [KeyPattern]
    public var action: Action
    /// For the help and the README.
    public var description: String
    /// A few words for the status line, or nil to leave the binding out of it.
    public var hint: String?
}

/// Every key of the editor, declared once: the dispatch, the status-line hints, the F1 help and
/// the README's key table are all read from `bindings`.
public enum Keymap {
    /// The action `key` asks for in the first of `contexts` that binds it.
    public static func action(for key: Key, in contexts: [KeyContext]) -> Action? {
        for context in contexts {
            if let binding = bindings.first(where: { $0.context == context && $0.keys.contains { $0.matches(key) } }) {
                return binding.action
            }
        }
        return nil
    }

    public static func bindings(in context: KeyContext) -> [Binding] {
        bindings.filter { $0.context == context }
    }
}
