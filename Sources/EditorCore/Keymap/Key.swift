/// A key as the terminal layer decodes it.
public enum Key: Equatable, Sendable {
    case character(Character)
    case enter, backspace, delete, tab, backTab, escape
    case left, right, up, down, home, end, pageUp, pageDown
    case shiftLeft, shiftRight, shiftUp, shiftDown, wordLeft, wordRight
    case control(Character)
    case function(Int)
    /// Bracketed paste: the text arrives whole.
    case paste(String)
}
