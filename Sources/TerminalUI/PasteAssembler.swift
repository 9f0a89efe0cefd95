import EditorCore

/// Bracketed paste (ESC [200~ … ESC [201~, which ncurses hands over character by character)
/// made into one `.paste`, also when it arrives over several reads: a long paste outgrows the
/// terminal's buffer, so its text, and either marker, can be cut anywhere. Pure: `Curses` feeds
/// it what each read gave.
struct PasteAssembler {
    static let start = Array("\u{1B}[200~")
    static let end = Array("\u{1B}[201~")

    /// The text of a paste whose end has not arrived yet.
    private var text: String?
    /// Inputs held back because they may be the start of a marker the next read completes.
    private var held: [Curses.Input] = []

    /// Whether a paste, or a marker cut short, waits for the next read.
    var isWaiting: Bool { text != nil || !held.isEmpty }

    /// Seconds without input after which a paste still open is ended where it is.
    static let patience = 0.5

    /// Ends what waits: the open paste's text as a paste, and held inputs as they came.
    mutating func flush() -> [Curses.Input] {
        var out: [Curses.Input] = text.map { [.key(.paste($0))] } ?? []
        out += held
        text = nil
        held = []
        return out
    }

    /// The inputs of one read, with pastes made whole; a paste still arriving is kept.
    mutating func feed(_ inputs: [Curses.Input]) -> [Curses.Input] {
        let inputs = held + inputs
        held = []
        var out: [Curses.Input] = []
        var i = 0
        while i < inputs.count {
            if text == nil {
                switch Self.match(Self.start, in: inputs, at: i) {
                case .whole:
                    text = ""
                    i += Self.start.count
                case .cutShort where inputs.count - i > 1:
                    // ESC [ 2… at the end of a read. A lone Esc is a key, never held.
                    held = Array(inputs[i...])
                    return out
                default:
                    out.append(inputs[i])
                    i += 1
                }
            } else {
                switch Self.match(Self.end, in: inputs, at: i) {
                case .whole:
                    out.append(.key(.paste(text!)))
                    text = nil
                    i += Self.end.count
                case .cutShort:
                    held = Array(inputs[i...])
                    return out
                case .no:
                    switch inputs[i] {
                    case .key(.character(let c)): text!.append(c)
                    case .key(.enter): text!.append("\n")
                    case .key(.tab): text!.append("\t")
                    case .key: break
                    // A resize or a click during a paste still counts.
                    case .mouse, .resize: out.append(inputs[i])
                    }
                    i += 1
                }
            }
        }
        return out
    }

    enum Match { case whole, cutShort, no }

    /// Whether `inputs` spell `marker` from `start`: whole, or up to the end of the inputs.
    static func match(_ marker: [Character], in inputs: [Curses.Input], at start: Int) -> Match {
        for (offset, expected) in marker.enumerated() {
            guard start + offset < inputs.count else { return .cutShort }
            switch inputs[start + offset] {
            case .key(.escape) where expected == "\u{1B}": continue
            case .key(.character(let c)) where c == expected: continue
            default: return .no
            }
        }
        return .whole
    }
}
