extension Keymap {
    /// The table. Within a context the first binding of a key wins; a layer's contexts are read
    /// in the order it gives them.
    public static let bindings: [Binding] = always + main + text + prompt + mask + preview + results + sidePanels + overlays

    private static func bind(_ context: KeyContext, _ keys: [Key], _ action: Action, _ description: String,
                             hint: String? = nil) -> Binding {
        Binding(context: context, keys: keys.map(KeyPattern.key), action: action, description: description, hint: hint)
    }

    private static let always = [
        bind(.always, [.control("q"), .control("c")], .quit, "quit (while an edit runs: asks first; again cancels it and quits)", hint: "Ctrl-Q quit"),
    ]

    private static let main = [
        bind(.main, [.control("s")], .send, "send the edit", hint: "Ctrl-S send"),
        bind(.main, [.escape], .cancelOrBack, "cancel the running edit; else back to the source picture"),
        bind(.main, [.tab], .nextPanel, "next panel (a click focuses one)", hint: "Tab panels"),
        bind(.main, [.backTab], .previousPanel, "previous panel"),
        bind(.main, [.control("b")], .beforeAfter, "before / after: the source or the latest result"),
        bind(.main, [.control("o")], .addSources, "add source files"),
        bind(.main, [.function(2)], .openHistory, "history of runs", hint: "F2 history"),
        bind(.main, [.function(1)], .openHelp, "this help", hint: "F1 help"),
    ]

    private static let text = [
        Binding(context: .text, keys: [.anyCharacter, .anyPaste], action: .insertText,
                description: "type or paste (a one-line field joins pasted lines)", hint: "type"),
        bind(.text, [.backspace], .deleteBackward, "delete before the cursor"),
        bind(.text, [.delete, .control("d")], .deleteForward, "delete under the cursor"),
        bind(.text, [.control("w")], .deleteWord, "delete the word before the cursor"),
        bind(.text, [.left], .cursorLeft, "cursor left"),
        bind(.text, [.right], .cursorRight, "cursor right"),
        bind(.text, [.wordLeft], .wordLeft, "a word left"),
        bind(.text, [.wordRight], .wordRight, "a word right"),
        bind(.text, [.home, .control("a")], .lineStart, "start of the line"),
        bind(.text, [.end, .control("e")], .lineEnd, "end of the line"),
    ]

    private static let prompt = [
        bind(.prompt, [.enter], .newLine, "new line"),
        bind(.prompt, [.up], .lineUpOrRecall, "line up; on the first line, the previous prompt (as shells do)", hint: "↑ earlier prompts"),
        bind(.prompt, [.down], .lineDownOrRecall, "line down; on the last line, the next prompt"),
        bind(.prompt, [.control("p"), .pageUp], .recallOlder, "previous prompt of this session"),
        bind(.prompt, [.control("n"), .pageDown], .recallNewer, "next prompt; past the newest, what was being typed"),
        bind(.prompt, [.control("r")], .recallScope, "recall from every session instead (again: this session only)"),
        bind(.prompt, [.control("t")], .newVariant, "a new prompt variant (up to 9; Ctrl-S sends them all at once)"),
        bind(.prompt, [.control("y")], .duplicateVariant, "a copy of this variant, to vary"),
        bind(.prompt, [.shiftRight, .function(6)], .switchVariant(1), "the next variant"),
        bind(.prompt, [.shiftLeft, .function(5)], .switchVariant(-1), "the previous variant"),
        bind(.prompt, [.control("x")], .deleteVariant, "delete this variant (one with text: press twice)"),
    ]

    private static let mask = [
        bind(.mask, [.left, .character("h")], .moveRect(dx: -1, dy: 0), "move the rectangle left", hint: "arrows move"),
        bind(.mask, [.right, .character("l")], .moveRect(dx: 1, dy: 0), "move it right"),
        bind(.mask, [.up, .character("k")], .moveRect(dx: 0, dy: -1), "move it up"),
        bind(.mask, [.down, .character("j")], .moveRect(dx: 0, dy: 1), "move it down"),
        bind(.mask, [.shiftLeft, .character("H")], .resizeRect(dw: -1, dh: 0), "narrower", hint: "Shift/HJKL size"),
        bind(.mask, [.shiftRight, .character("L")], .resizeRect(dw: 1, dh: 0), "wider"),
        bind(.mask, [.shiftUp, .character("K")], .resizeRect(dw: 0, dh: -1), "shorter"),
        bind(.mask, [.shiftDown, .character("J")], .resizeRect(dw: 0, dh: 1), "taller"),
        bind(.mask, [.enter, .character(" "), .character("a")], .addRect, "add the rectangle to the mask", hint: "Enter add"),
        bind(.mask, [.character("n")], .selectRect(1), "select the next rectangle", hint: "n/p select"),
        bind(.mask, [.character("p")], .selectRect(-1), "select the previous rectangle"),
        bind(.mask, [.character("d"), .delete, .backspace], .deleteRect, "delete the selected rectangle", hint: "d delete"),
        bind(.mask, [.character("i")], .invertMask, "invert the mask", hint: "i invert"),
        bind(.mask, [.character("c")], .clearMask, "clear the mask", hint: "c clear"),
        bind(.mask, [.character("m")], .loadMask, "load a mask PNG (transparent = edit)", hint: "m load"),
        bind(.mask, [.character("f")], .toggleCoarse, "fine steps (a hundredth) or coarse (a tenth)", hint: "f fine"),
    ]

    private static let preview = [
        bind(.preview, [.character("z")], .zoom, "full-size preview (again: back)", hint: "z full size"),
        bind(.preview, [.character("g")], .grid, "every result as a grid", hint: "g grid"),
        bind(.preview, [.character("?")], .openHelp, "this help", hint: "? help"),
    ]

    private static let results = [
        bind(.result, [.character("[")], .stepResult(-1), "previous result", hint: "[ ] results"),
        bind(.result, [.character("]")], .stepResult(1), "next result"),
        bind(.result, [.character("v")], .compareWithSource, "compare with the source", hint: "v compare"),
        bind(.anyResult, [.character("u")], .useResult, "use the result as the first source, to iterate on it", hint: "u use as source"),
        bind(.anyResult, [.character("e")], .exportResult, "export it to a path (never replaces a file)", hint: "e export"),
        bind(.gallery, [.left, .character("h"), .character("[")], .gallerySelect(dx: -1, dy: 0), "select the result on the left", hint: "arrows select"),
        bind(.gallery, [.right, .character("l"), .character("]")], .gallerySelect(dx: 1, dy: 0), "select the result on the right"),
        bind(.gallery, [.up, .character("k")], .gallerySelect(dx: 0, dy: -1), "select the result above"),
        bind(.gallery, [.down, .character("j")], .gallerySelect(dx: 0, dy: 1), "select the result below"),
        bind(.gallery, [.home], .galleryFirst, "the first result"),
        bind(.gallery, [.end], .galleryLast, "the last result"),
        bind(.gallery, [.enter, .character("g"), .character(" ")], .openResult, "open the selected result alone", hint: "Enter open"),
        bind(.gallery, [.character("v")], .markToCompare, "mark a result; v on another compares the two", hint: "v compare"),
        bind(.variantSet, [.left, .character("h")], .gallerySelect(dx: -1, dy: 0), "select the variant on the left", hint: "arrows select"),
        bind(.variantSet, [.right, .character("l")], .gallerySelect(dx: 1, dy: 0), "select the variant on the right"),
        bind(.variantSet, [.up, .character("k")], .gallerySelect(dx: 0, dy: -1), "select the variant above"),
        bind(.variantSet, [.down, .character("j")], .gallerySelect(dx: 0, dy: 1), "select the variant below"),
        bind(.variantSet, [.enter, .character(" ")], .openResult, "open its image alone (z: full size, g: back to the set)", hint: "Enter open"),
        bind(.variantSet, [.character("w")], .chooseWinner, "the winner: its prompt and settings become the editor's", hint: "w winner"),
        bind(.variantSet, [.character("v")], .markToCompare, "mark a variant; v on another compares the two", hint: "v compare"),
        bind(.variantSet, [.character("x")], .cancelVariant, "cancel this variant's request", hint: "x cancel one"),
        bind(.variantSet, [.character("g")], .grid, "every result of the session as a grid"),
        bind(.compare, [.character("f")], .flip, "one picture at a time, in place (again: side by side)", hint: "f flip"),
        bind(.compare, [.character(" ")], .swapSides, "in place: show the other picture", hint: "Space swap"),
    ]

    private static let sidePanels = [
        bind(.parameters, [.up, .character("k")], .up, "previous field", hint: "↑↓ field"),
        bind(.parameters, [.down, .character("j")], .down, "next field"),
        bind(.parameters, [.left, .character("h")], .change(-1), "previous value (\"default\" sends nothing)", hint: "←→ value"),
        bind(.parameters, [.right, .character("l"), .enter, .character(" ")], .change(1), "next value"),
        bind(.parameters, [.character("s")], .sweepValue, "sweep: this value too, a variant each (one field at a time)", hint: "s sweep"),
        bind(.parameters, [.character("S")], .clearSweep, "clear the sweep"),
        bind(.parameters, [.character("?")], .openHelp, "this help", hint: "? help"),
        bind(.sources, [.up, .character("k")], .up, "select the source above", hint: "↑↓ select"),
        bind(.sources, [.down, .character("j")], .down, "select the source below"),
        bind(.sources, [.character("o"), .enter], .choose, "add files (the first source is the one edited; the mask is its)",
             hint: "o add files"),
        bind(.sources, [.character("K")], .moveSourceUp, "move the selected source up", hint: "J/K reorder"),
        bind(.sources, [.character("J")], .moveSourceDown, "move it down"),
        bind(.sources, [.character("d"), .delete], .remove, "remove it from the edit", hint: "d remove"),
        bind(.sources, [.character("?")], .openHelp, "this help", hint: "? help"),
    ]

    private static let overlays = [
        bind(.help, [.up, .character("k")], .up, "scroll up"),
        bind(.help, [.down, .character("j")], .down, "scroll down"),
        bind(.help, [.pageUp], .pageUp, "a page up"),
        bind(.help, [.pageDown, .character(" ")], .pageDown, "a page down"),
        bind(.help, [.escape, .enter, .character("q"), .character("?"), .function(1)], .close, "close", hint: "Esc close"),
        bind(.error, [.escape, .enter, .character("q"), .character("?"), .function(1)], .close, "close (nothing of the draft is lost)", hint: "Esc close"),
        bind(.confirm, [.character("y"), .enter], .confirm, "cancel the edit and quit", hint: "y cancel and quit"),
        bind(.confirm, [.character("n"), .escape], .close, "keep editing", hint: "n keep editing"),
        bind(.picker, [.up, .character("k")], .up, "previous entry", hint: "↑↓ choose"),
        bind(.picker, [.down, .character("j")], .down, "next entry"),
        bind(.picker, [.pageUp], .pageUp, "ten up"),
        bind(.picker, [.pageDown], .pageDown, "ten down"),
        bind(.picker, [.character(" ")], .mark, "mark or unmark a file (adding sources)", hint: "Space mark"),
        bind(.picker, [.enter, .right, .character("l")], .choose, "open the folder, or add (or load) the file; marked files first",
             hint: "Enter pick"),
        bind(.picker, [.backspace, .character("-"), .left, .character("h")], .parentFolder, "the folder above", hint: "Backspace up"),
        bind(.picker, [.escape, .control("o")], .close, "close", hint: "Esc close"),
        bind(.export, [.enter], .confirm, "export", hint: "Enter saves"),
        bind(.export, [.escape], .close, "cancel", hint: "Esc cancels"),
        bind(.history, [.up, .character("k")], .up, "newer run", hint: "↑↓ run"),
        bind(.history, [.down, .character("j")], .down, "older run"),
        bind(.history, [.left, .character("h")], .change(-1), "the run's previous result", hint: "←→ result"),
        bind(.history, [.right, .character("l")], .change(1), "its next result"),
        bind(.history, [.enter], .restore, "restore the run's prompt, parameters and mask", hint: "Enter restore"),
        bind(.history, [.character("r")], .runAgain, "send the run again exactly as it was", hint: "r run again"),
        bind(.history, [.character("R")], .runSetAgain, "send its whole variant set again", hint: "R set again"),
        bind(.history, [.character("b")], .branch, "branch: its result becomes the first source", hint: "b branch"),
        bind(.history, [.character("/")], .filter, "filter by words of the prompt", hint: "/ filter"),
        bind(.history, [.character("a")], .allSessions, "runs of all sessions, or of this one", hint: "a all sessions"),
        bind(.history, [.escape, .function(2), .character("q")], .close, "close", hint: "Esc close"),
        bind(.historyFilter, [.enter, .escape, .tab], .close, "done filtering", hint: "Enter done"),
    ]
}
