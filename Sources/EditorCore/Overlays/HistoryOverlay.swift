import Foundation
import ImageEditModel
import SessionModel

/// Past runs, newest first, filtered by words of their prompts: restore one, run it again, or
/// branch from its result.
public struct HistoryOverlay: OverlayLayer, Equatable {
    public var browser = HistoryBrowser()

    public init() {}

    public var contexts: [KeyContext] { browser.typingFilter ? [.historyFilter, .text] : [.history] }

    static func open(editor: inout EditorState) -> [Effect] {
        let id = editor.overlays.push(HistoryOverlay())
        return [.loadHistory(filter: "", allSessions: false, replyTo: id)]
    }

    public mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        if browser.typingFilter { return .stays(filter(action, key: key, layer: layer)) }
        switch action {
        case .close: return .closes()
        case .up: browser.select(browser.selected - 1)
        case .down: browser.select(browser.selected + 1)
        case .change(let delta): browser.result = min(max(0, browser.result + delta), max(0, (browser.current?.results.count ?? 1) - 1))
        case .filter: browser.typingFilter = true
        case .allSessions:
            browser.allSessions.toggle()
            browser.loading = true
            return .stays([reload(layer)])
        case .restore:
            guard let run = browser.current else { break }
            return .closes(editor.restore(run))
        case .runAgain:
            guard let run = browser.current else { break }
            guard !editor.isRunning else {
                editor.notice = "An edit is running: wait for it or cancel it with Esc"
                return .stays()
            }
            editor.begin(RunSet(number: 0, runs: [RunProgress(Variant(number: 1, request: run.request))]))
            editor.notice = "Sending run \(run.id) again"
            return .closes([.rerun(runID: run.id)])
        case .runSetAgain:
            return runSetAgain(editor: &editor)
        case .branch:
            guard let path = browser.currentResult else {
                editor.notice = "That run has no result to branch from"
                break
            }
            editor.notice = "Reading the result as the first source…"
            return .closes([.loadSource(path: path)])
        default: break
        }
        return .stays(DetailsPane.inspect(browser.currentResult, details: &browser.details, replyTo: layer.id))
    }

    /// R: every variant of the selected run's set, sent again as a new set. The tiles start
    /// with the variants listed here; the runtime sends the whole set as the store has it.
    private func runSetAgain(editor: inout EditorState) -> LayerOutcome {
        guard let tag = browser.current?.variant else {
            editor.notice = "That run was sent alone: r sends it again"
            return .stays()
        }
        guard !editor.isRunning else {
            editor.notice = "An edit is running: wait for it or cancel it with Esc"
            return .stays()
        }
        let members = browser.runs.compactMap { run in run.variant.flatMap { $0.set == tag.set ? (run, $0.number) : nil } }
        editor.setsSent += 1
        editor.begin(RunSet(number: editor.setsSent, runs: members.sorted { $0.1 < $1.1 }.map { RunProgress(Variant(number: $0.1, request: $0.0.request)) }))
        editor.notice = "Sending set \(tag.set) again as set \(editor.setsSent)"
        return .closes([.rerunSet(setID: tag.set, number: editor.setsSent)])
    }

    private mutating func filter(_ action: Action, key: Key, layer: LayerContext) -> [Effect] {
        if action == .close {
            browser.typingFilter = false
            return []
        }
        let before = browser.filter.text
        browser.filter.edit(action, key: key)
        return browser.filter.text == before ? [] : [reload(layer)]
    }

    private func reload(_ layer: LayerContext) -> Effect {
        .loadHistory(filter: browser.filter.text, allSessions: browser.allSessions, replyTo: layer.id)
    }

    public mutating func receive(_ reply: Reply, editor: inout EditorState, layer: LayerContext) -> [Effect] {
        switch reply {
        case .historyLoaded(let runs):
            browser.runs = runs
            browser.loading = false
            browser.select(browser.selected)
            return DetailsPane.inspect(browser.currentResult, details: &browser.details, replyTo: layer.id)
        case .historyFailed(let reason):
            browser.loading = false
            editor.overlays.push(ErrorOverlay(title: "Could not read the history", lines: [reason]))
        default:
            browser.details.take(reply)
        }
        return []
    }
}

extension HistoryBrowser {
    /// Selects run `index` (kept in range), at its first result.
    mutating func select(_ index: Int) {
        selected = min(max(0, index), max(0, runs.count - 1))
        result = 0
    }
}

extension EditorState {
    /// A past run's prompt, parameters and mask become the draft's; the sources stay.
    mutating func restore(_ run: PastRun) -> [Effect] {
        restore(Draft(prompt: run.prompt, sources: [], maskRects: run.maskRects, maskInverted: run.maskInverted, parameters: run.parameters))
        let kept = mask?.rects.count ?? 0
        let maskNote = run.maskRects.isEmpty && !run.hasLoadedMask ? ""
            : kept == run.maskRects.count ? " and mask" : "; its mask does not fit the first source"
        notice = "Restored run \(run.id): prompt, parameters" + maskNote
        preview = .source
        return run.hasLoadedMask ? [.readRunMask(runID: run.id)] : []
    }
}
