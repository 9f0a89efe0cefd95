import Foundation

/// The prompt being written: grapheme clusters and a cursor between them. Lines are split by
/// "\n"; wide characters and combining marks count as the characters they are.
public struct PromptBuffer: Equatable, Sendable {
    public private(set) var characters: [Character]
    /// Index in `characters` the cursor stands before.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }
    /// Length as the API counts it: Unicode code points.
    public var apiLength: Int { text.unicodeScalars.count }

    public mutating func insert(_ text: String) {
        // Pasted text may carry carriage returns: keep line breaks as "\n" and drop other controls
        // (C0, DEL and C1: never text). Bidirectional marks are kept, as right-to-left text may
        // need them; the screen draws them as "?".
        let clean = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let inserted = clean.filter { $0 == "\n" || $0 == "\t" || !$0.unicodeScalars.allSatisfy { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) } }
        characters.insert(contentsOf: inserted, at: cursor)
        cursor += inserted.count
    }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Deletes the word before the cursor (Ctrl-W).
    public mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    public mutating func moveWordLeft() { cursor = wordStart(before: cursor) }

    public mutating func moveWordRight() {
        var i = cursor
        while i < characters.count && !characters[i].isLetter && !characters[i].isNumber { i += 1 }
        while i < characters.count && (characters[i].isLetter || characters[i].isNumber) { i += 1 }
        cursor = i
    }

    public mutating func moveLineStart() { cursor = lineStart(of: cursor) }

    public mutating func moveLineEnd() {
        var i = cursor
        while i < characters.count && characters[i] != "\n" { i += 1 }
        cursor = i
    }

    /// Up or down a line, keeping the display column as far as the line allows.
    public mutating func moveLine(by delta: Int) {
        let lines = self.lines
        let (line, column) = position
        let target = line + delta
        guard target >= 0, target < lines.count else {
            cursor = delta < 0 ? 0 : characters.count
            return
        }
        var offset = lines[..<target].reduce(0) { $0 + $1.count + 1 }
        var width = 0
        for character in lines[target] {
            let w = DisplayWidth.of(character)
            if width + w > column { break }
            width += w
            offset += 1
        }
        cursor = offset
    }

    public mutating func replace(with text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    public var lines: [[Character]] {
        characters.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
    }

    /// The cursor's line and display column.
    public var position: (line: Int, column: Int) {
        let start = lineStart(of: cursor)
        let line = characters[..<start].filter { $0 == "\n" }.count
        return (line, characters[start..<cursor].reduce(0) { $0 + DisplayWidth.of($1) })
    }

    private func lineStart(of index: Int) -> Int {
        var i = index
        while i > 0 && characters[i - 1] != "\n" { i -= 1 }
        return i
    }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0 && !characters[i - 1].isLetter && !characters[i - 1].isNumber { i -= 1 }
        while i > 0 && (characters[i - 1].isLetter || characters[i - 1].isNumber) { i -= 1 }
        return i
    }
}
