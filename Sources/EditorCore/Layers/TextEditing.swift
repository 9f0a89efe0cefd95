import Foundation
extension PromptBuffer {
    /// The `text` context's actions on this buffer. A one-line field joins pasted lines.
    mutating func edit(_ action: Action, key: Key, oneLine: Bool = true) {
        switch (action, key) {
        case (.insertText, .character(let c)): insert(String(c))
        case (.insertText, .paste(let pasted)): insert(oneLine ? pasted.replacingOccurrences(of: "\n", with: " ") : pasted)
        case (.deleteBackward, _): deleteBackward()
        case (.deleteForward, _): deleteForward()
        case (.deleteWord, _): deleteWordBackward()
        case (.cursorLeft, _): moveLeft()
        case (.cursorRight, _): moveRight()
        case (.wordLeft, _): moveWordLeft()
        case (.wordRight, _): moveWordRight()
        case (.lineStart, _): moveLineStart()
        case (.lineEnd, _): moveLineEnd()
        default: break
        }
    }
}
