/// What the local engine makes of a prompt: the operations it names, in order, the words it
/// understood (one label per operation, as the vocabulary table names it) and the words it
/// did not (each once). Pure: the same text always reads the same.
public struct PromptReading: Equatable, Sendable {
    /// Operations one prompt may ask for; more are not applied, so that a long prompt cannot
    /// make the engine work for minutes.
    public static let maxOperations = 8
    /// Ignored words kept for the report.
    public static let maxIgnored = 32

    public private(set) var operations: [EditOperation] = []
    public private(set) var understood: [String] = []
    public private(set) var ignored: [String] = []
    /// Operations past `maxOperations`, left out; ignored words past `maxIgnored`, not listed.
    public private(set) var droppedOperations = 0
    public private(set) var moreIgnored = false

    public init(_ prompt: String) {
        let raw = Self.tokens(of: prompt)
        var reader = Reader(raw: raw, base: raw.map(Vocabulary.baseForm))
        reader.read()
        self = reader.reading
    }

    /// A token for the end of a clause (",", ".", ";"…): it ends a pending "fill" or "not".
    static let boundary = ","

    /// Lower-case words, apostrophes dropped ("don't" is "dont"), "b&w" spelt out, everything
    /// else that is not a letter or digit a separator, clause punctuation a boundary token.
    static func tokens(of prompt: String) -> [String] {
        var text = prompt.lowercased()
        for shorthand in ["b&w", "b/w", "b & w"] {
            text = text.split(separator: shorthand, omittingEmptySubsequences: false).joined(separator: " black and white ")
        }
        var tokens: [String] = [], word = ""
        func endWord() {
            if !word.isEmpty { tokens.append(word) }
            word = ""
        }
        for character in text where character != "'" && character != "\u{2019}" {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                endWord()
                if ",.;:!?\n".contains(character), tokens.last != boundary { tokens.append(boundary) }
            }
        }
        endWord()
        return tokens
    }

    mutating func add(_ operation: EditOperation, label: String) {
        guard operations.count < Self.maxOperations else {
            droppedOperations += 1
            return
        }
        operations.append(operation)
        understood.append(label)
    }

    mutating func addUnderstood(_ label: String) {
        guard understood.count < Self.maxOperations else { return }
        understood.append(label)
    }

    mutating func ignore(_ word: String) {
        guard !ignored.contains(word) else { return }
        guard ignored.count < Self.maxIgnored else {
            moreIgnored = true
            return
        }
        ignored.append(word)
    }
}

/// Reads tokens left to right, remembering a fill verb waiting for its colour and a "less" or
/// "not" waiting for its operation; each waits only a few words, and not past a boundary.
private struct Reader {
    let raw: [String]
    let base: [String]
    var reading: PromptReading
    /// A waiting fill verb or modifier, with the index of the last token it may reach.
    var fillVerb: (strong: Bool, alone: EditOperation?, lastIndex: Int)?
    var modifier: (meaning: Vocabulary.Meaning, lastIndex: Int)?

    init(raw: [String], base: [String]) {
        self.raw = raw
        self.base = base
        reading = PromptReading(empty: ())
    }

    mutating func read() {
        var index = 0
        while index < raw.count {
            expireWaiting(before: index)
            index += step(at: index)
        }
        endFillVerb()
    }

    /// Handles the phrase or colour at `index`; returns how many tokens it took.
    private mutating func step(at index: Int) -> Int {
        if raw[index] == PromptReading.boundary {
            endFillVerb()
            modifier = nil
            return 1
        }
        let phrase = Vocabulary.longestPhrase(in: base, at: index)
        let colour = ColourNames.longestMatch(in: raw, at: index, hex: fillVerb != nil)
        if let colour, colour.length > phrase?.length ?? 0 || (colour.length == phrase?.length && fillVerb?.strong == true) {
            if fillVerb != nil {
                fillVerb = nil
                apply(.fill(colour.colour), label: "fill " + colour.name)
            } else {
                // A colour describing something ("the red car") is not an instruction.
                raw[index..<index + colour.length].forEach { reading.ignore($0) }
            }
            return colour.length
        }
        guard let phrase else {
            reading.ignore(raw[index])
            return 1
        }
        switch phrase.meaning {
        case .operation(let operation):
            endFillVerb()
            apply(operation, label: operation.label)
        case .fillVerb(let strong, let alone):
            endFillVerb()
            fillVerb = (strong, alone, index + phrase.length + 4)
        case .opposite, .negation:
            // "don't make it warmer": a negation reaches past a verb and an object to its word.
            modifier = (phrase.meaning, index + phrase.length + (phrase.meaning == .negation ? 3 : 2))
        case .filler:
            break
        }
        return phrase.length
    }

    /// Adds `operation`, turned by a waiting "less" or "not".
    private mutating func apply(_ operation: EditOperation, label: String) {
        defer { modifier = nil }
        switch modifier?.meaning {
        case .negation?:
            reading.addUnderstood("not " + label)
        case .opposite?:
            if let opposite = operation.opposite {
                reading.add(opposite, label: opposite.label)
            } else {
                reading.addUnderstood("not " + label)
            }
        default:
            reading.add(operation, label: label)
        }
    }

    /// A fill verb whose colour never came does what it does alone ("fill the hole").
    private mutating func endFillVerb() {
        guard let verb = fillVerb else { return }
        fillVerb = nil
        if let alone = verb.alone { apply(alone, label: alone.label) }
    }

    private mutating func expireWaiting(before index: Int) {
        if let verb = fillVerb, verb.lastIndex < index { endFillVerb() }
        if let waiting = modifier, waiting.lastIndex < index { modifier = nil }
    }
}

extension PromptReading {
    fileprivate init(empty: Void) {}
}
