import ImageEditModel
import Raster

/// The pane right of a list (the picker's files, the history's runs): a divider, the
/// highlighted file's picture in what the text lines at the bottom leave, then the lines.
struct DetailsPane {
    var rect: CellRect
    var details: FilePicker.Details?
    var lines: [(text: String, style: Style)]

    func draw(picture: PlacementKey.Kind, id: Int, on screen: inout Screen) {
        for y in rect.y..<(rect.y + rect.height) { screen.put("│", x: rect.x - 1, y: y, style: .dim) }
        let textTop = max(rect.y, rect.y + rect.height - lines.count)
        if case .image(let source)? = details, textTop - rect.y > 2 {
            let box = CellRect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: textTop - rect.y - 1)
            let area = Layout.imageArea(width: source.preview.width, height: source.preview.height, in: box)
            screen.images.append(ImagePlacement(id: id, area: area, image: source.preview, sequence: PlacementKey(picture, source.path)))
        }
        for (i, line) in lines.enumerated() where textTop + i < rect.y + rect.height {
            screen.put(line.text, x: rect.x + 1, y: textTop + i, style: line.style, limit: rect.width - 2)
        }
    }

    /// Asks for the details of the highlighted file (nil: none) when they are not the ones shown.
    static func inspect(_ path: String?, details: inout FilePicker.Details?, replyTo id: LayerID) -> [Effect] {
        guard let path else {
            details = nil
            return []
        }
        guard details?.path != path else { return [] }
        details = .reading(path: path)
        return [.inspectFile(path: path, replyTo: id)]
    }

    /// The highlighted file in words: format, dimensions, size, and whether it can serve.
    static func lines(_ details: FilePicker.Details?, purpose: FilePicker.Purpose, editor: EditorState,
                      width: Int) -> [(text: String, style: Style)] {
        switch details {
        case nil:
            return []
        case .reading:
            return [("Reading…", .dim)]
        case .unreadable(_, let reason):
            return Text.wrap(reason, width: width).map { ($0, .warning) }
        case .image(let source):
            var lines: [(String, Style)] = [("\(source.width)x\(source.height) · \(ByteCount.format(source.facts.byteCount))", .plain)]
            if case .success(let header) = source.facts.header {
                lines.append(("\(header.format.displayName) · \(header.channels.readableName)", .plain))
            }
            let problems = purpose == .loadMask ? Checks.maskProblems(source, editor: editor) : Checks.sourceProblems(source, editor: editor)
            if problems.isEmpty {
                lines.append((purpose == .loadMask ? "✓ fits as the mask" : "✓ can be sent", .accent))
            } else {
                lines += problems.flatMap { Text.wrap("✗ " + $0, width: width) }.map { ($0, .warning) }
            }
            return lines
        }
    }
}

extension Optional where Wrapped == FilePicker.Details {
    /// Takes an inspected file's answer when it is for the file shown; others are stale.
    mutating func take(_ reply: Reply) {
        switch reply {
        case .fileInspected(let source) where self?.path == source.path: self = .image(source)
        case .fileInspectionFailed(let path, let reason) where self?.path == path: self = .unreadable(path: path, reason: reason)
        default: break
        }
    }
}
