import ImageEditModel
import Raster

/// The request's settings, one row a field; values follow the selected model's rules.
enum ParametersPanel: PanelLayer {
    static func contexts(_ state: EditorState) -> [KeyContext] { [.parameters] }

    static func update(_ action: Action, key: Key, state: inout EditorState, size: Size) -> [Effect] {
        switch action {
        case .up: state.parameters.select(-1)
        case .down: state.parameters.select(1)
        case .change(let delta): state.parameters.cycle(delta)
        case .sweepValue: state.toggleSweptValue()
        case .clearSweep: state.clearSweep()
        default: break
        }
        return []
    }

    static func draw(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let box = layout.parameters
        guard screen.panel(box, title: "Parameters", focused: state.focus == .parameters) else { return }
        var lines: [(label: String?, text: String, style: Style)] = Parameters.Field.allCases.map { field in
            let selected = state.focus == .parameters && field == state.parameters.selected
            if let sweep = state.sweep, sweep.field == field.apiField {
                return (field.rawValue, "⇄ " + sweep.values.joined(separator: ","), selected ? .selected : .accent)
            }
            return (field.rawValue, state.parameters.values[field] ?? "default", selected ? .selected : .plain)
        }
        if let mask = state.mask { lines.append((nil, mask.summary, .accent)) }
        if let estimate = estimateLine(state) { lines.append((nil, estimate, .dim)) }
        // An empty prompt is plain from the prompt's own box; Ctrl-S still says so.
        lines += state.pendingRequest.violations.filter { $0.kind != .promptMissing }.map { (nil, "! " + $0.description, .warning) }
        // Labels take what the values leave: "output_compression" shortens in narrow panels.
        let labelWidth = min(18, max(8, box.width - 4 - 14))
        for (i, line) in lines.prefix(max(0, box.height - 2)).enumerated() {
            let y = box.y + 1 + i
            guard let label = line.label else {
                screen.put(line.text, x: box.x + 2, y: y, style: line.style, limit: box.width - 4)
                continue
            }
            screen.put(label, x: box.x + 2, y: y, style: line.style == .selected ? .selected : .dim, limit: labelWidth)
            screen.put(line.text, x: box.x + 3 + labelWidth, y: y, style: line.style, limit: box.width - 5 - labelWidth)
        }
    }
}

extension ParametersPanel {
    /// What sending would cost: "estimate: $0.04 out", or for a set "3 variants × n=2 ≈ $0.12".
    static func estimateLine(_ state: EditorState) -> String? {
        guard state.backend != .local else { return nil }
        guard case .success(let variants) = state.variantsToSend, variants.count > 1 else {
            guard case .usd(let estimate) = state.prices.estimate(state.pendingRequest.request) else { return nil }
            return "estimate: \(estimate.formatted) out"
        }
        guard case .usd(let total) = state.prices.estimate(variants) else { return nil }
        let n = state.pendingRequest.request.n.map { $0 > 1 && state.sweep?.field != .n ? " × n=\($0)" : "" } ?? ""
        return "\(variants.count) variants\(n) ≈ \(total.formatted)"
    }
}

/// The images sent; the first is the one edited, and the mask is its.
enum SourcesPanel: PanelLayer {
    static func contexts(_ state: EditorState) -> [KeyContext] { [.sources] }

    static func update(_ action: Action, key: Key, state: inout EditorState, size: Size) -> [Effect] {
        let count = state.sources.count
        let selected = state.selectedSource
        switch action {
        case .choose: return PickerOverlay.open(state.pickerFolder, purpose: .addSources, editor: &state)
        case .up: state.selectedSource = max(0, selected - 1)
        case .down: state.selectedSource = max(0, min(count - 1, selected + 1))
        case .moveSourceUp where selected > 0:
            state.sources.swapAt(selected, selected - 1)
            state.selectedSource -= 1
            state.firstSourceChanged()
        case .moveSourceDown where selected < count - 1:
            state.sources.swapAt(selected, selected + 1)
            state.selectedSource += 1
            state.firstSourceChanged()
        case .remove where count > 0:
            guard count > 1 else {
                state.notice = "An edit needs at least one source image"
                return []
            }
            state.sources.remove(at: selected)
            state.selectedSource = min(selected, state.sources.count - 1)
            state.firstSourceChanged()
        default: break
        }
        return []
    }

    static func draw(_ state: EditorState, layout: Layout, on screen: inout Screen) {
        let box = layout.sources
        let title = "Sources \(state.sources.count)/\(ModelRules.maxInputImages)"
        guard screen.panel(box, title: title, focused: state.focus == .sources) else { return }
        for (i, source) in state.sources.enumerated() where i < box.height - 2 {
            let selected = state.focus == .sources && i == state.selectedSource
            let dimensions = " \(source.width)x\(source.height)"
            // The name gives way to the dimensions, which always show.
            let end = screen.put("\(i + 1). \(source.name)", x: box.x + 2, y: box.y + 1 + i, style: selected ? .selected : .plain,
                                 limit: box.width - 4 - dimensions.count)
            screen.put(dimensions, x: end, y: box.y + 1 + i, style: selected ? .selected : .dim)
        }
    }
}

/// Whether a file can serve: as a source under the selected model's rules, or as the mask of
/// the first source. Both read the facts taken from the file's own bytes.
enum Checks {
    static func sourceProblems(_ source: SourceImage, editor: EditorState) -> [String] {
        Preflight.fileProblems(source.facts, requirement: ModelRules.forModel(editor.parameters.model).image).map(\.text)
    }

    static func maskProblems(_ file: SourceImage, editor: EditorState) -> [String] {
        guard let first = editor.sources.first else { return ["there is no source image for a mask to belong to"] }
        guard case .success(let header) = file.facts.header else { return sourceProblems(file, editor: editor) }
        return Editor.maskProblems(format: header.format, hasAlpha: header.hasAlpha, width: file.width, height: file.height, for: first)
    }
}

extension MaskEditor {
    /// One line for the parameters panel.
    var summary: String {
        guard !isEmpty else { return "mask: none (whole image)" }
        var parts: [String] = []
        if loaded != nil { parts.append("from file") }
        if !rects.isEmpty { parts.append(Text.count(rects.count, "rect")) }
        if inverted { parts.append("inverted") }
        return "mask: " + parts.joined(separator: ", ")
    }
}
