import Foundation
import ImageEditModel
import Raster
import SessionModel

/// The editor's pure state machine: a message changes the state and may ask for effects.
public enum Editor {
    public static func update(_ state: inout EditorState, _ message: Message, size: Size) -> [Effect] {
        switch message {
        case .tick(let now):
            state.now = now
            return []
        case .resize:
            return []
        case .run(let event):
            apply(event, to: &state)
            return []
        case .finished(let outcome):
            finish(outcome, state: &state)
            return []
        case .mouse(let event):
            mouse(event, state: &state, size: size)
            return []
        case .sourceLoaded(let source):
            guard state.sources.count < 16 else {
                state.notice = "Already 16 sources: remove one to add the result"
                return []
            }
            state.sources.insert(source, at: 0)
            state.selectedSource = 0
            firstSourceChanged(&state)
            state.notice = "\(source.name) is now the first source"
            return []
        case .sourceFailed(let reason):
            state.overlay = .error(title: "Could not use that image", lines: [reason])
            return []
        case .sourceAdded(let source):
            let problems = sourceProblems(source)
            if !problems.isEmpty {
                state.overlay = .error(title: "\(source.name) cannot be sent", lines: problems)
                return []
            }
            guard state.sources.count < 16 else {
                state.notice = "An edit takes at most 16 images"
                return []
            }
            guard !state.sources.contains(where: { $0.path == source.path }) else {
                state.notice = "\(source.name) is already a source"
                return []
            }
            state.sources.append(source)
            if state.sources.count == 1 { firstSourceChanged(&state) }
            state.notice = "Added \(source.name) (\(state.sources.count)/16)"
            return []
        case .exported(let path):
            state.notice = "Exported to \(path)"
            return []
        case .exportFailed(let reason):
            state.overlay = .error(title: "Not exported", lines: [reason])
            return []
        case .folderListed(let path, let entries):
            guard case .picker(var picker)? = state.overlay, picker.folder == path else { return [] }
            picker.entries = FilePicker.visible(entries, in: path, purpose: picker.purpose)
            picker.selected = 0
            picker.loading = false
            let effects = inspectSelection(&picker)
            state.overlay = .picker(picker)
            return effects
        case .maskRead(let path, let image, let format, let hasAlpha):
            guard let first = state.sources.first, state.mask != nil else { return [] }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let problems = maskProblems(format: format, hasAlpha: hasAlpha, width: image.width, height: image.height, for: first)
            if !problems.isEmpty {
                state.overlay = .error(title: "\(name) cannot be the mask", lines: problems)
                return []
            }
            state.mask?.load(image, previewWidth: first.preview.width, previewHeight: first.preview.height)
            state.preview = .source
            state.notice = "Mask loaded from \(name); rectangles add to it"
            return []
        case .maskFailed(let reason):
            state.overlay = .error(title: "Could not read the mask", lines: [reason])
            return []
        case .fileInspected(let source):
            setDetails(.image(source), state: &state)
            return []
        case .fileInspectionFailed(let path, let reason):
            setDetails(.unreadable(path: path, reason: reason), state: &state)
            return []
        case .historyLoaded(let runs):
            guard case .history(var browser)? = state.overlay else { return [] }
            browser.runs = runs
            browser.loading = false
            browser.selected = min(browser.selected, max(0, runs.count - 1))
            browser.result = 0
            let effects = inspect(browser.currentResult, details: &browser.details)
            state.overlay = .history(browser)
            return effects
        case .historyFailed(let reason):
            state.overlay = .error(title: "Could not read the history", lines: [reason])
            return []
        case .folderFailed(let path, let reason):
            if case .picker(var picker)? = state.overlay, picker.folder == path {
                picker.loading = false
                picker.entries = FilePicker.visible([], in: path, purpose: picker.purpose)
                state.overlay = .picker(picker)
                state.notice = "Cannot read \(path): \(reason)"
            }
            return []
        case .key(let key):
            return keyPressed(key, state: &state, size: size)
        }
    }

    // MARK: - Keys

    static func keyPressed(_ key: Key, state: inout EditorState, size: Size) -> [Effect] {
        state.notice = nil
        // Ctrl-C arrives as a key in raw mode: it quits like Ctrl-Q.
        let key = key == .control("c") ? Key.control("q") : key
        if key != .control("q") { state.quitArmed = false }
        // Quitting comes before every panel and overlay: an overlay that kept Ctrl-Q and Ctrl-C
        // for itself left no way out but a signal.
        if key == .control("q") { return quit(&state) }
        if case .picker(let picker)? = state.overlay { return pickerKey(key, picker: picker, state: &state) }
        if case .history(let browser)? = state.overlay { return historyKey(key, browser: browser, state: &state) }
        if case .export(let result, var path)? = state.overlay {
            switch key {
            case .escape: state.overlay = nil
            case .enter:
                let target = path.text.trimmingCharacters(in: .whitespaces)
                guard !target.isEmpty, state.results.indices.contains(result) else { return [] }
                state.overlay = nil
                return [.export(from: state.results[result].path, to: target)]
            default:
                promptEdit(key, &path)
                state.overlay = .export(result: result, path: path)
            }
            return []
        }
        if case .help(let offset)? = state.overlay {
            let limit = helpScrollLimit(focus: state.focus, size: size)
            switch key {
            case .up, .character("k"): state.overlay = .help(offset: max(0, offset - 1))
            case .down, .character("j"): state.overlay = .help(offset: min(limit, offset + 1))
            case .pageUp: state.overlay = .help(offset: max(0, offset - 10))
            case .pageDown, .character(" "): state.overlay = .help(offset: min(limit, offset + 10))
            case .escape, .enter, .character("q"), .character("?"), .function(1): state.overlay = nil
            default: break
            }
            return []
        }
        if state.overlay != nil {
            // Any of these closes an overlay; nothing else happens behind it.
            if [.escape, .enter, .character("q"), .character("?"), .function(1)].contains(key) { state.overlay = nil }
            return []
        }
        switch key {
        case .control("s"):
            return send(&state)
        case .escape:
            if var run = state.run {
                run.cancelling = true
                run.status = "cancelling"
                state.run = run
                return [.cancelRun]
            }
            if state.preview != .source {
                state.preview = .source
            }
            return []
        case .tab:
            state.zoomed = false
            cycleFocus(&state, by: 1)
            return []
        case .backTab:
            state.zoomed = false
            cycleFocus(&state, by: -1)
            return []
        case .function(1):
            state.overlay = .help(offset: 0)
            return []
        case .function(2):
            state.overlay = .history(HistoryBrowser())
            return [.loadHistory(filter: "", allSessions: false)]
        case .control("b"):
            toggleBeforeAfter(&state)
            return []
        case .control("o"):
            return openPicker(&state)
        case .character("?") where state.focus != .prompt:
            state.overlay = .help(offset: 0)
            return []
        default:
            break
        }
        switch state.focus {
        case .prompt: promptKey(key, state: &state)
        case .mask: return maskKey(key, state: &state, size: size)
        case .parameters: parameterKey(key, state: &state)
        case .sources: return sourceKey(key, state: &state)
        }
        return []
    }

    /// Ctrl-Q or Ctrl-C, from anywhere: quits, or, while an edit runs, asks for a second press
    /// that cancels it and quits. Open overlays stay open while it asks.
    static func quit(_ state: inout EditorState) -> [Effect] {
        guard state.run != nil else { return [.quit] }
        if !state.quitArmed {
            state.quitArmed = true
            state.notice = "An edit is running: Ctrl-Q again to cancel it and quit"
            return []
        }
        return [.cancelRun, .quit]
    }

    static func cycleFocus(_ state: inout EditorState, by delta: Int) {
        let panels = Panel.allCases
        state.focus = panels[(panels.firstIndex(of: state.focus)! + delta + panels.count) % panels.count]
    }

    static func toggleBeforeAfter(_ state: inout EditorState) {
        switch state.preview {
        case .source where !state.results.isEmpty: state.preview = .result(state.results.count - 1)
        case .source: state.notice = "No result yet to compare with"
        default: state.preview = .source
        }
    }

    static func promptKey(_ key: Key, state: inout EditorState) {
        switch key {
        case .enter: state.prompt.insert("\n")
        case .paste(let text):
            state.prompt.insert(text)
            state.recall = nil
        // Up on the first line and Down on the last recall prompts, as shells do.
        case .up where state.prompt.position.line == 0: recallPrompt(&state, by: -1)
        case .down where state.prompt.position.line == state.prompt.lines.count - 1: recallPrompt(&state, by: 1)
        case .up: state.prompt.moveLine(by: -1)
        case .down: state.prompt.moveLine(by: 1)
        case .control("p"), .pageUp: recallPrompt(&state, by: -1)
        case .control("n"), .pageDown: recallPrompt(&state, by: 1)
        case .control("r"):
            state.recallAllSessions.toggle()
            state.recall = nil
            state.notice = state.recallAllSessions
                ? "Recalling prompts of all sessions (\(state.earlierPrompts.count + state.sentPrompts.count)): ↑ or Ctrl-P"
                : "Recalling prompts of this session only"
        default:
            let before = state.prompt.characters
            promptEdit(key, &state.prompt)
            // An edited recalled prompt is new text: recall starts over from it.
            if state.prompt.characters != before { state.recall = nil }
        }
    }

    /// Editing keys shared by the prompt and one-line fields (where pasted lines are joined).
    static func promptEdit(_ key: Key, _ text: inout PromptBuffer) {
        switch key {
        case .character(let c): text.insert(String(c))
        case .paste(let pasted): text.insert(pasted.replacingOccurrences(of: "\n", with: " "))
        case .backspace: text.deleteBackward()
        case .delete, .control("d"): text.deleteForward()
        case .left: text.moveLeft()
        case .right: text.moveRight()
        case .wordLeft: text.moveWordLeft()
        case .wordRight: text.moveWordRight()
        case .home, .control("a"): text.moveLineStart()
        case .end, .control("e"): text.moveLineEnd()
        case .control("w"): text.deleteWordBackward()
        default: break
        }
    }

    /// Earlier prompts of this session, newest first.
    /// Steps through earlier prompts (this session's, or every session's after Ctrl-R); past the
    /// newest, the text being typed before recall began comes back.
    static func recallPrompt(_ state: inout EditorState, by delta: Int) {
        let prompts = state.recallAllSessions ? state.earlierPrompts + state.sentPrompts : state.sentPrompts
        guard !prompts.isEmpty else {
            state.notice = state.recallAllSessions ? "No earlier prompt in any session" : "No earlier prompt in this session (Ctrl-R: all sessions)"
            return
        }
        if state.recall == nil {
            guard delta < 0 else { return }
            state.recallStash = state.prompt.text
        }
        let next = min(prompts.count, (state.recall ?? prompts.count) + delta)
        if next >= prompts.count {
            state.recall = nil
            state.prompt.replace(with: state.recallStash)
            return
        }
        state.recall = max(0, next)
        state.prompt.replace(with: prompts[state.recall!])
    }

    static func maskKey(_ key: Key, state: inout EditorState, size: Size) -> [Effect] {
        if case .gallery(let index) = state.preview { return galleryKey(key, selected: index, state: &state, size: size) }
        if case .compare(var comparison) = state.preview {
            switch key {
            case .character("f"):
                comparison.flip.toggle()
                state.preview = .compare(comparison)
                return []
            case .character(" ") where comparison.flip:
                comparison.showingRight.toggle()
                state.preview = .compare(comparison)
                return []
            case .character("g") where !state.results.isEmpty:
                if case .result(let index) = comparison.right { state.preview = .gallery(selected: index) } else { state.preview = .gallery(selected: 0) }
                return []
            default:
                break
            }
        }
        if key == .character("z") {
            state.zoomed.toggle()
            return []
        }
        // While a result is shown: browse the results, or iterate on one.
        if case .result(let index) = state.preview {
            switch key {
            case .character("["):
                state.preview = .result(max(0, index - 1))
                return []
            case .character("]"):
                state.preview = .result(min(state.results.count - 1, index + 1))
                return []
            case .character("g"):
                state.preview = .gallery(selected: index)
                return []
            case .character("v"):
                state.preview = .compare(Comparison(left: .source, right: .result(index)))
                return []
            default:
                if let effects = resultKey(key, index: index, state: &state) { return effects }
            }
        } else if key == .character("g") {
            guard !state.results.isEmpty else {
                state.notice = "No results yet"
                return []
            }
            state.preview = .gallery(selected: state.results.count - 1)
            return []
        }
        guard var mask = state.mask else { return [] }
        switch key {
        case .left, .character("h"): mask.move(dx: -1, dy: 0)
        case .right, .character("l"): mask.move(dx: 1, dy: 0)
        case .up, .character("k"): mask.move(dx: 0, dy: -1)
        case .down, .character("j"): mask.move(dx: 0, dy: 1)
        case .shiftLeft, .character("H"): mask.resize(dw: -1, dh: 0)
        case .shiftRight, .character("L"): mask.resize(dw: 1, dh: 0)
        case .shiftUp, .character("K"): mask.resize(dw: 0, dh: -1)
        case .shiftDown, .character("J"): mask.resize(dw: 0, dh: 1)
        case .enter, .character(" "), .character("a"): mask.addCursor()
        case .character("n"): mask.selectNext(1)
        case .character("p"): mask.selectNext(-1)
        case .character("d"), .delete, .backspace: mask.deleteSelected()
        case .character("i"): mask.inverted.toggle()
        case .character("c"): mask.clear()
        case .character("m"): return openPicker(&state, purpose: .loadMask)
        case .character("f"):
            mask.coarse.toggle()
            state.notice = mask.coarse ? "Coarse steps (a tenth of the image)" : "Fine steps (a hundredth of the image)"
        default: break
        }
        state.mask = mask
        state.preview = .source
        return []
    }

    /// Keys that act on one result, shown alone or selected in the gallery; nil for other keys.
    static func resultKey(_ key: Key, index: Int, state: inout EditorState) -> [Effect]? {
        switch key {
        case .character("u"):
            state.notice = "Reading the result as the first source…"
            return [.loadSource(path: state.results[index].path)]
        case .character("e"):
            let name = state.results[index].path.split(separator: "/").last.map(String.init) ?? "edit.png"
            state.overlay = .export(result: index, path: PromptBuffer(state.startFolder + "/" + name))
            return []
        default:
            return nil
        }
    }

    static func galleryKey(_ key: Key, selected: Int, state: inout EditorState, size: Size) -> [Effect] {
        let count = state.results.count
        let columns = Layout.gallery(count: count, in: Layout.inner(Layout(size: size, zoomed: state.zoomed).preview)).columns
        var next = selected
        switch key {
        case .left, .character("h"), .character("["): next -= 1
        case .right, .character("l"), .character("]"): next += 1
        case .up, .character("k"): next -= columns
        case .down, .character("j"): next += columns
        case .home: next = 0
        case .end: next = count - 1
        case .enter, .character("g"), .character(" "):
            state.preview = .result(selected)
            return []
        case .character("v"):
            if let mark = state.compareMark, mark != selected, mark < count {
                state.compareMark = nil
                state.preview = .compare(Comparison(left: .result(mark), right: .result(selected)))
            } else {
                state.compareMark = selected
                state.notice = "Result \(selected + 1) marked: choose another and press v to compare"
            }
            return []
        case .character("z"):
            state.zoomed.toggle()
            return []
        default:
            return resultKey(key, index: selected, state: &state) ?? []
        }
        state.preview = .gallery(selected: min(max(0, next), count - 1))
        return []
    }

    /// The highlighted file's details, for whichever panel asked for them.
    static func setDetails(_ details: FilePicker.Details, state: inout EditorState) {
        switch state.overlay {
        case .picker(var picker)? where picker.details?.path == details.path:
            picker.details = details
            state.overlay = .picker(picker)
        case .history(var browser)? where browser.details?.path == details.path:
            browser.details = details
            state.overlay = .history(browser)
        default:
            break
        }
    }

    static func historyKey(_ key: Key, browser: HistoryBrowser, state: inout EditorState) -> [Effect] {
        var browser = browser
        if browser.typingFilter {
            switch key {
            case .enter, .escape, .tab:
                browser.typingFilter = false
                state.overlay = .history(browser)
                return []
            default:
                let before = browser.filter.text
                promptEdit(key, &browser.filter)
                state.overlay = .history(browser)
                return browser.filter.text == before ? [] : [.loadHistory(filter: browser.filter.text, allSessions: browser.allSessions)]
            }
        }
        switch key {
        case .escape, .function(2), .character("q"):
            state.overlay = nil
            return []
        case .up, .character("k"):
            browser.selected = max(0, browser.selected - 1)
            browser.result = 0
        case .down, .character("j"):
            browser.selected = min(max(0, browser.runs.count - 1), browser.selected + 1)
            browser.result = 0
        case .left, .character("h"):
            browser.result = max(0, browser.result - 1)
        case .right, .character("l"):
            browser.result = min(max(0, (browser.current?.results.count ?? 1) - 1), browser.result + 1)
        case .character("/"):
            browser.typingFilter = true
        case .character("a"):
            browser.allSessions.toggle()
            browser.loading = true
            state.overlay = .history(browser)
            return [.loadHistory(filter: browser.filter.text, allSessions: browser.allSessions)]
        case .enter:
            guard let run = browser.current else { break }
            return restoreRun(run, state: &state)
        case .character("r"):
            guard let run = browser.current else { break }
            guard state.run == nil else {
                state.notice = "An edit is running: wait for it or cancel it with Esc"
                return []
            }
            state.overlay = nil
            state.run = RunProgress(started: state.now)
            state.preview = .source
            state.notice = "Sending run \(run.id) again"
            return [.rerun(runID: run.id)]
        case .character("b"):
            guard let path = browser.currentResult else {
                state.notice = "That run has no result to branch from"
                break
            }
            state.overlay = nil
            state.notice = "Reading the result as the first source…"
            return [.loadSource(path: path)]
        default:
            break
        }
        let effects = inspect(browser.currentResult, details: &browser.details)
        state.overlay = .history(browser)
        return effects
    }

    /// A past run's prompt, parameters and mask become the draft's; the sources stay.
    static func restoreRun(_ run: PastRun, state: inout EditorState) -> [Effect] {
        state.overlay = nil
        state.restore(Draft(prompt: run.prompt, sources: [], maskRects: run.maskRects, maskInverted: run.maskInverted,
                            parameters: run.parameters))
        let kept = state.mask?.rects.count ?? 0
        state.notice = "Restored run \(run.id): prompt, parameters"
            + (run.maskRects.isEmpty && !run.hasLoadedMask ? "" : kept == run.maskRects.count ? " and mask" : "; its mask does not fit the first source")
        state.preview = .source
        return run.hasLoadedMask ? [.readRunMask(runID: run.id)] : []
    }

    static func parameterKey(_ key: Key, state: inout EditorState) {
        switch key {
        case .up, .character("k"): state.parameters.select(-1)
        case .down, .character("j"): state.parameters.select(1)
        case .left, .character("h"): state.parameters.cycle(-1)
        case .right, .character("l"), .enter, .character(" "): state.parameters.cycle(1)
        default: break
        }
    }

    static func sourceKey(_ key: Key, state: inout EditorState) -> [Effect] {
        let count = state.sources.count
        guard count > 0 else { return key == .character("o") || key == .enter ? openPicker(&state) : [] }
        switch key {
        case .up, .character("k"): state.selectedSource = max(0, state.selectedSource - 1)
        case .down, .character("j"): state.selectedSource = min(count - 1, state.selectedSource + 1)
        case .character("K") where state.selectedSource > 0:
            state.sources.swapAt(state.selectedSource, state.selectedSource - 1)
            state.selectedSource -= 1
            firstSourceChanged(&state)
        case .character("J") where state.selectedSource < count - 1:
            state.sources.swapAt(state.selectedSource, state.selectedSource + 1)
            state.selectedSource += 1
            firstSourceChanged(&state)
        case .character("o"), .enter:
            return openPicker(&state)
        case .character("d"), .delete:
            guard count > 1 else {
                state.notice = "An edit needs at least one source image"
                return []
            }
            state.sources.remove(at: state.selectedSource)
            state.selectedSource = min(state.selectedSource, state.sources.count - 1)
            firstSourceChanged(&state)
        default: break
        }
        return []
    }

    /// The file picker opens in the first source's folder (or the starting folder).
    public static func openPicker(_ state: inout EditorState, purpose: FilePicker.Purpose = .addSources) -> [Effect] {
        let folder = state.sources.first.map { source -> String in
            let parts = source.path.split(separator: "/").dropLast()
            return source.path.hasPrefix("/") ? "/" + parts.joined(separator: "/") : parts.joined(separator: "/")
        }.flatMap { $0.isEmpty ? nil : $0 } ?? state.startFolder
        state.overlay = .picker(FilePicker(folder: folder, purpose: purpose))
        return [.listFolder(path: folder)]
    }

    static func pickerKey(_ key: Key, picker: FilePicker, state: inout EditorState) -> [Effect] {
        var picker = picker
        switch key {
        case .escape, .control("o"):
            state.overlay = nil
            return []
        case .up, .character("k"): picker.selected = max(0, picker.selected - 1)
        case .down, .character("j"): picker.selected = min(max(0, picker.entries.count - 1), picker.selected + 1)
        case .pageUp: picker.selected = max(0, picker.selected - 10)
        case .pageDown: picker.selected = min(max(0, picker.entries.count - 1), picker.selected + 10)
        case .backspace, .character("-"), .left, .character("h"):
            guard picker.folder != "/" else { break }
            let parent = picker.path(of: FilePicker.Entry(name: "..", isFolder: true, byteCount: 0))
            state.overlay = .picker(FilePicker(folder: parent, purpose: picker.purpose))
            return [.listFolder(path: parent)]
        case .character(" "):
            // Mark or unmark a file, then move on, as file managers do.
            guard let entry = picker.current, !entry.isFolder, picker.purpose == .addSources else { break }
            let path = picker.path(of: entry)
            if let index = picker.marked.firstIndex(of: path) {
                picker.marked.remove(at: index)
            } else if state.sources.count + picker.marked.count < 16 {
                picker.marked.append(path)
            } else {
                state.notice = "An edit takes at most 16 images"
            }
            picker.selected = min(max(0, picker.entries.count - 1), picker.selected + 1)
        case .enter, .right, .character("l"):
            if !picker.marked.isEmpty {
                state.notice = "Reading \(picker.marked.count) file\(picker.marked.count == 1 ? "" : "s")…"
                state.overlay = nil
                return picker.marked.map { .addSource(path: $0) }
            }
            guard let entry = picker.current else { break }
            let path = picker.path(of: entry)
            if entry.isFolder {
                state.overlay = .picker(FilePicker(folder: path, purpose: picker.purpose))
                return [.listFolder(path: path)]
            }
            if picker.purpose == .loadMask {
                state.overlay = nil
                state.notice = "Reading the mask \(entry.name)…"
                return [.readMask(path: path)]
            }
            state.notice = "Reading \(entry.name)…"
            state.overlay = nil
            return [.addSource(path: path)]
        default: break
        }
        let effects = inspectSelection(&picker)
        state.overlay = .picker(picker)
        return effects
    }

    /// Asks for the details of the highlighted file (nil: none) when they are not the ones shown.
    static func inspect(_ path: String?, details: inout FilePicker.Details?) -> [Effect] {
        guard let path else {
            details = nil
            return []
        }
        guard details?.path != path else { return [] }
        details = .reading(path: path)
        return [.inspectFile(path: path)]
    }

    static func inspectSelection(_ picker: inout FilePicker) -> [Effect] {
        inspect(picker.current.flatMap { $0.isFolder ? nil : picker.path(of: $0) }, details: &picker.details)
    }

    /// Why an image cannot be the mask of `first`; empty when it can.
    public static func maskProblems(format: ImageFormat, hasAlpha: Bool, width: Int, height: Int, for first: SourceImage) -> [String] {
        var problems: [String] = []
        if format != .png || !hasAlpha {
            problems.append("a mask must be a PNG with an alpha channel (its transparent pixels mark the area to edit); this is \(format.displayName)\(format == .png ? " without alpha" : "")")
        }
        if width != first.width || height != first.height {
            problems.append("the mask is \(width)x\(height); it must match \(first.name), \(first.width)x\(first.height)")
        }
        return problems
    }

    /// Why the API would refuse `source` as an input image; empty when it is fine.
    public static func sourceProblems(_ source: SourceImage) -> [String] {
        ImageRequirement.gptImageSource.violations(of: ImageFacts(
            format: source.facts.sniffedFormat ?? .png, width: source.width, height: source.height,
            channels: .rgb, hasAlpha: false, byteCount: source.facts.byteCount))
    }

    /// The mask belongs to the first source: a new first source of another size starts a new mask.
    static func firstSourceChanged(_ state: inout EditorState) {
        guard let first = state.sources.first else { return }
        if state.mask?.imageWidth != first.width || state.mask?.imageHeight != first.height {
            if state.mask?.isEmpty == false { state.notice = "The first image changed size: the mask was cleared" }
            state.mask = MaskEditor(imageWidth: first.width, imageHeight: first.height)
        }
        state.preview = .source
    }

    // MARK: - Running

    static func send(_ state: inout EditorState) -> [Effect] {
        if state.run != nil {
            state.notice = "An edit is already running (Esc cancels it)"
            return []
        }
        let (request, violations) = state.pendingRequest
        if !violations.isEmpty {
            state.overlay = .error(title: "Not sent: the request breaks the model's rules",
                                   lines: violations.map(\.description))
            return []
        }
        state.run = RunProgress(started: state.now)
        if state.sentPrompts.last != state.prompt.text { state.sentPrompts.append(state.prompt.text) }
        state.recall = nil
        var sent = request
        sent.mask = nil
        return [.send(sent, mask: state.mask?.image())]
    }

    static func apply(_ event: RunEvent, to state: inout EditorState) {
        guard var run = state.run else { return }
        switch event {
        case .status(let text): if !run.cancelling { run.status = text }
        case .received(let bytes): run.bytes = bytes
        case .partial(let image):
            run.partials += 1
            state.preview = .partial(image)
        case .saved(let item):
            run.images += 1
            state.results.append(item)
            state.preview = .result(state.results.count - 1)
        }
        state.run = run
    }

    static func finish(_ outcome: RunOutcome, state: inout EditorState) {
        let images = state.run?.images ?? 0
        state.run = nil
        switch outcome {
        case .completed(let tokens):
            state.notice = "Done: \(images) image\(images == 1 ? "" : "s") saved" + (tokens.map { ", \($0) tokens" } ?? "")
            state.sessionTokens += tokens ?? 0
            // Several images: see them side by side, the run's first selected.
            if images > 1 { state.preview = .gallery(selected: state.results.count - images) }
        case .failed(let title, let lines):
            state.overlay = .error(title: title, lines: lines + (images > 0 ? ["\(images) image(s) that arrived were saved."] : []))
            if case .partial = state.preview { state.preview = .source }
        case .cancelled:
            state.notice = "Cancelled" + (images > 0 ? "; \(images) image(s) saved" : "")
            if case .partial = state.preview { state.preview = .source }
        }
    }

    // MARK: - Mouse

    static func mouse(_ event: MouseEvent, state: inout EditorState, size: Size) {
        let layout = Layout(size: size, zoomed: state.zoomed)
        switch event {
        case .press(let x, let y):
            if let panel = layout.panel(at: x, y) { state.focus = panel }
            if case .gallery(let selected) = state.preview {
                let box = Layout.inner(layout.preview)
                let grid = Layout.gallery(count: state.results.count, in: box)
                if let index = grid.tile(at: x, y, in: box, count: state.results.count, selected: selected) {
                    // A click selects; a click on the selected tile opens it.
                    state.preview = index == selected ? .result(index) : .gallery(selected: index)
                }
                return
            }
            if state.focus == .mask, let point = Layout.imagePoint(x, y, state: state, size: size) {
                state.dragStart = point
            }
        case .drag(let x, let y):
            if let start = state.dragStart, let point = Layout.imagePoint(x, y, state: state, size: size), var mask = state.mask {
                mask.cursor = PixelRect(x: min(start.x, point.x), y: min(start.y, point.y),
                                        width: abs(point.x - start.x) + 1, height: abs(point.y - start.y) + 1)
                state.mask = mask
            }
        case .release(let x, let y):
            if let start = state.dragStart, let point = Layout.imagePoint(x, y, state: state, size: size), var mask = state.mask {
                mask.addDragged(from: start, to: point)
                state.mask = mask
                state.preview = .source
            }
            state.dragStart = nil
        }
    }
}
