import Foundation
import ImageEditModel
import SessionModel

extension HistoryOverlay {
    /// The runs, newest first: id, when, prompt, status; the selected run's settings, sources and
    /// result picture on the right when there is room.
    public func draw(_ editor: EditorState, size: Size, on screen: inout Screen) {
        let width = min(size.columns - 2, 140), height = min(size.rows - 2, 40)
        let scope = browser.allSessions ? "all sessions" : "this session"
        let rect = screen.centredPanel(width: width, height: height, title: "History · \(scope) · \(Text.count(browser.runs.count, "run"))")
        let filterLine = browser.typingFilter || !browser.filter.isEmpty ? "filter: " + browser.filter.text : "/ to filter by prompt"
        screen.put(filterLine, x: rect.x + 2, y: rect.y + 1, style: browser.typingFilter ? .accent : .dim, limit: width - 4)
        if browser.typingFilter {
            screen.cursor = Point(x: min(rect.x + 2 + 8 + DisplayWidth.of(browser.filter.text), rect.x + width - 2), y: rect.y + 1)
        }
        let detailsWidth = width >= 120 ? min(48, width / 2 - 4) : width >= 90 ? 36 : 0
        let listWidth = width - detailsWidth
        drawRuns(in: rect, listWidth: listWidth, rows: height - (detailsWidth > 0 ? 5 : 6), timeZone: editor.timeZone, on: &screen)
        let keys = Keymap.line(Keymap.hints(for: contexts), width: width - 4)
        screen.put(keys, x: rect.x + 2, y: rect.y + height - 2, style: .dim, limit: width - 4)
        guard let run = browser.current else { return }
        guard detailsWidth > 0 else {
            // Narrow: the selected run in one line above the keys.
            let settings = run.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let cost = editor.prices.cost(of: run).money.map { " · " + $0.formatted } ?? ""
            let line = settings + (run.totalTokens.map { " · \($0) tokens" } ?? "") + cost + (run.error.map { " · \($0)" } ?? "")
            screen.put(line, x: rect.x + 2, y: rect.y + height - 3, style: run.error == nil ? .dim : .warning, limit: width - 4)
            return
        }
        let pane = CellRect(x: rect.x + listWidth, y: rect.y + 1, width: detailsWidth - 1, height: height - 3)
        DetailsPane(rect: pane, details: browser.details, lines: detailLines(run, prices: editor.prices, width: pane.width - 2))
            .draw(picture: .result, id: 3, on: &screen)
    }

    private func drawRuns(in rect: CellRect, listWidth: Int, rows: Int, timeZone: TimeZone, on screen: inout Screen) {
        if browser.loading {
            screen.put("Reading…", x: rect.x + 2, y: rect.y + 3, style: .dim)
        } else if browser.runs.isEmpty {
            screen.put(browser.filter.isEmpty ? "No runs yet: Ctrl-S sends one" : "No run's prompt contains that", x: rect.x + 2, y: rect.y + 3, style: .dim)
        }
        let top = max(0, min(browser.selected - rows / 2, browser.runs.count - rows))
        for (i, run) in browser.runs.dropFirst(top).prefix(max(0, rows)).enumerated() {
            let selected = top + i == browser.selected
            let y = rect.y + 3 + i
            screen.fill(CellRect(x: rect.x + 1, y: y, width: listWidth - 2, height: 1), style: selected ? .selected : .plain)
            // Tokens and the rest are in the pane on the right.
            let status = run.status == .completed ? "\(run.results.count) img" : run.status.rawValue
            let right = status + (run.finished.map { " · \(Int(($0 - run.started).rounded())) s" } ?? "")
            screen.put("\(run.id)", x: rect.x + 2, y: y, style: selected ? .selected : .dim)
            screen.put(WallClock.text(run.started, in: timeZone), x: rect.x + 7, y: y, style: selected ? .selected : .dim)
            let set = run.variant.map { "[set \($0.set) v\($0.number)\($0.isWinner ? " ★" : "")] " } ?? ""
            screen.put(set + PromptPanel.shown(run.prompt.replacingOccurrences(of: "\n", with: " ")), x: rect.x + 20, y: y, style: selected ? .selected : .plain,
                       limit: listWidth - 24 - DisplayWidth.of(right))
            let statusStyle: Style = selected ? .selected : run.status == .completed ? .dim : .warning
            screen.put(right, x: rect.x + listWidth - 2 - DisplayWidth.of(right), y: y, style: statusStyle)
        }
    }

    private func detailLines(_ run: PastRun, prices: PriceTable, width: Int) -> [(text: String, style: Style)] {
        var lines: [(text: String, style: Style)] = []
        if case .unreadable(_, let reason)? = browser.details { lines += Text.wrap(reason, width: width).map { ($0, .warning) } }
        let settings = run.parameters.filter { $0.key != EditField.model.rawValue }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append(("\(run.parameters[EditField.model.rawValue] ?? "") · \(run.backend)", .plain))
        lines += Text.wrap(settings.joined(separator: " "), width: width).map { ($0, .dim) }
        let mask = run.maskRects.isEmpty && !run.hasLoadedMask ? "no mask"
            : "mask: \(Text.count(run.maskRects.count, "rect"))\(run.hasLoadedMask ? " + file" : "")\(run.maskInverted ? ", inverted" : "")"
        lines.append((mask, .dim))
        for source in run.sources.prefix(3) {
            lines.append((FileName.last(of: source.path) + (source.isReadable ? "" : " (unreadable when sent)"), .dim))
        }
        if let tokens = run.totalTokens {
            let cost = prices.cost(of: run).money.map { " · " + $0.formatted } ?? ""
            lines.append(("tokens: \(tokens)" + (run.inputTokens.map { " (in \($0), out \(run.outputTokens ?? 0))" } ?? "") + cost, .dim))
        }
        if let error = run.error { lines += Text.wrap(error, width: width).map { ($0, .warning) } }
        if !run.results.isEmpty {
            lines.append(("result \(browser.result + 1)/\(run.results.count): \(FileName.last(of: browser.currentResult ?? ""))", .accent))
        }
        return lines
    }
}
