/// A centred panel of text lines, scrolled when they do not fit, with a footer: the help and
/// error overlays draw with it.
struct TextPanel {
    var title: String
    var lines: [(text: String, style: Style)]
    var footer: String
    var width: Int

    /// The panel's height at `size`, and the rows left for its lines.
    func room(at size: Size) -> (height: Int, rows: Int, footer: [String]) {
        let footerLines = Text.wrap(footer, width: width - 4)
        let height = min(size.rows - 2, lines.count + footerLines.count + 3)
        return (height, max(1, height - 3 - footerLines.count), footerLines)
    }

    /// The furthest it scrolls at `size`: its last line at the bottom.
    func scrollLimit(at size: Size) -> Int { max(0, lines.count - room(at: size).rows) }

    func draw(offset: Int, size: Size, on screen: inout Screen) {
        let (height, rows, footerLines) = room(at: size)
        let first = max(0, min(offset, lines.count - rows))
        let rect = CellRect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
        screen.fill(rect, style: .plain)
        let position = lines.count > rows ? " (\(first + 1)–\(min(lines.count, first + rows)) of \(lines.count))" : ""
        screen.box(rect, title: title + position, focused: true)
        for (i, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            screen.put(line.text, x: rect.x + 2, y: rect.y + 1 + i, style: line.style, limit: width - 4)
        }
        for (i, line) in footerLines.enumerated() {
            screen.put(line, x: rect.x + 2, y: rect.y + height - 1 - footerLines.count + i, style: .dim, limit: width - 4)
        }
        // Images under the panel would be drawn over it.
        screen.clearImages(under: rect)
    }
}

/// Words to lines.
enum Text {
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, DisplayWidth.of(text) > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayWidth.of(candidate) > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        lines.append(current)
        return lines
    }

    /// "1 image", "2 images".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// `text`, or its end after "…" when it is wider than `width`: file names differ at the end
    /// (`edit-…-v2.png`).
    static func end(of text: String, width: Int) -> String {
        guard DisplayWidth.of(text) > width, width > 1 else { return text }
        var kept = ""
        for character in text.reversed() {
            if DisplayWidth.of(kept) + DisplayWidth.of(character) > width - 1 { break }
            kept.insert(character, at: kept.startIndex)
        }
        return "…" + kept
    }
}

extension Screen {
    /// Pictures under `rect` would be drawn over a panel there.
    mutating func clearImages(under rect: CellRect) {
        images.removeAll { placement in
            placement.area.x < rect.x + rect.width && rect.x < placement.area.x + placement.area.width
                && placement.area.y < rect.y + rect.height && rect.y < placement.area.y + placement.area.height
        }
    }

    /// A panel's box, unless the layout gave it no room; whether it is drawn.
    mutating func panel(_ rect: CellRect, title: String, focused: Bool) -> Bool {
        guard rect.width > 0, rect.height > 0 else { return false }
        box(rect, title: title, focused: focused)
        return true
    }

    /// A box in the middle of the screen, cleared, pictures under it removed.
    mutating func centredPanel(width: Int, height: Int, title: String) -> CellRect {
        let rect = CellRect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
        fill(rect, style: .plain)
        box(rect, title: title, focused: true)
        clearImages(under: rect)
        return rect
    }
}
