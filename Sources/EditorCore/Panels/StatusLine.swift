import Foundation
import ImageEditModel
import Raster

/// The bottom line: the focused layer's keys (from the keymap), or a notice, on the left; the
/// run, the session's tokens, the backend and the model on the right.
enum StatusLine {
    static func draw(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let y = layout.status
        screen.fill(CellRect(x: 0, y: y, width: screen.size.columns, height: 1), style: .statusBar)
        var right = rightText(state)
        // A notice says what just happened (what a run understood, where a file went): where
        // it does not fit, the right side keeps only a run's progress; the session's tokens,
        // cost, backend and model come back once the notice has gone.
        if let notice = state.notice, DisplayWidth.of(notice) + DisplayWidth.of(right) + 3 > screen.size.columns {
            right = rightText(state, whole: false)
        }
        let rightWidth = DisplayWidth.of(right)
        let room = max(0, screen.size.columns - rightWidth - 3)
        let left = state.notice ?? Keymap.line(Keymap.hints(for: state.keyContexts), width: room)
        screen.put(left, x: 1, y: y, style: state.notice == nil ? .statusBar : .statusNotice, limit: room)
        screen.put(right, x: max(1, screen.size.columns - rightWidth - 1), y: y, style: .statusRight)
    }

    /// `whole`: with the session's tokens and cost, the backend and the model, not only a run's progress.
    static func rightText(_ state: EditorState, whole: Bool = true) -> String {
        var parts: [String] = []
        if let set = state.sent, set.isRunning {
            if set.isSet {
                parts.append(setProgress(set, now: state.now))
            } else if let run = set.runs.first {
                parts.append("\(run.status) \(String(format: "%.1f", run.elapsed(now: state.now))) s")
                if run.partials > 0 { parts.append("\(run.partials) partial") }
                if run.images > 0 { parts.append("\(run.images) saved") }
                parts.append(ByteCount.format(run.bytes))
            }
        }
        guard whole else { return parts.joined(separator: " · ") }
        if state.sessionTokens > 0 { parts.append("\(state.sessionTokens) tokens") }
        if state.sessionCost.picodollars > 0 { parts.append(state.sessionCost.formatted) }
        return (parts + [state.backend.label, state.parameters.model]).joined(separator: " · ")
    }

    /// "set 2: 2 running, 1 queued 3.4 s": the grid's title and tiles say the rest.
    static func setProgress(_ set: RunSet, now: Double) -> String {
        let running = set.runs.filter { $0.isRunning && $0.started != nil }.count
        let queued = set.runs.filter { $0.isRunning && $0.started == nil }.count
        let counts = [(running, "running"), (queued, "queued")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        let elapsed = set.runs.map { $0.elapsed(now: now) }.max() ?? 0
        return "set \(set.number): " + counts.joined(separator: ", ") + String(format: " %.1f s", elapsed)
    }
}
