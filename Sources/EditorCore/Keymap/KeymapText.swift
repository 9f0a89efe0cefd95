import Foundation
extension Key {
    /// How the help and the README write this key.
    public var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .enter: "Enter"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .left: "←"
        case .right: "→"
        case .up: "↑"
        case .down: "↓"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .shiftLeft: "Shift-←"
        case .shiftRight: "Shift-→"
        case .shiftUp: "Shift-↑"
        case .shiftDown: "Shift-↓"
        case .wordLeft: "Ctrl-←"
        case .wordRight: "Ctrl-→"
        case .control(let c): "Ctrl-" + c.uppercased()
        case .function(let n): "F\(n)"
        case .paste: "paste"
        }
    }
}

extension KeyPattern {
    public var label: String {
        switch self {
        case .key(let key): key.label
        case .anyCharacter: "characters"
        case .anyPaste: "paste"
        }
    }
}

extension Binding {
    public var keysLabel: String { keys.map(\.label).joined(separator: " or ") }
}

extension Keymap {
    /// The first key bound to `action` in `context`, as the help writes it.
    public static func key(for action: Action, in context: KeyContext) -> String? {
        bindings(in: context).first { $0.action == action }?.keys.first?.label
    }

    /// Every key bound to `action` in `context` ("y or Enter"), as the help writes them.
    public static func keys(for action: Action, in context: KeyContext) -> String {
        bindings(in: context).first { $0.action == action }?.keysLabel ?? ""
    }

    /// The status line's hints for a chain of contexts, the first context's first.
    public static func hints(for contexts: [KeyContext]) -> [String] {
        var seen: Set<String> = []
        return contexts.flatMap { bindings(in: $0).compactMap(\.hint) }.filter { seen.insert($0).inserted }
    }

    /// Hints joined to fit `width`: they give way whole, from the end, rather than being cut
    /// mid-word.
    public static func line(_ hints: [String], width: Int) -> String {
        var hints = hints
        while hints.count > 1 && DisplayWidth.of(hints.joined(separator: " · ")) > width { hints.removeLast() }
        return hints.joined(separator: " · ")
    }

    /// The help: each context's keys under its title, `first` in the order given, then the rest.
    public static func helpSections(first: [KeyContext]) -> [(title: String, rows: [String])] {
        let order = first + KeyContext.allCases.filter { !first.contains($0) }
        return order.map { context in
            (context.title, bindings(in: context).map { "\($0.keysLabel)  \($0.description)" })
        }
    }

    /// The README's key table, in Markdown: a row for each context, its keys in table order.
    public static var markdownTable: String {
        var lines = ["| where | keys |", "|---|---|"]
        for context in KeyContext.allCases {
            let keys = bindings(in: context).map { binding in
                binding.keys.map { "`\($0.label)`" }.joined(separator: " or ") + " " + binding.description
            }
            lines.append("| \(context.title) | \(keys.joined(separator: " · ").replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
