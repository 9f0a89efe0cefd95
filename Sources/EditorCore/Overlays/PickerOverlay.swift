import ImageEditModel

/// The file picker: folders, then the images (or mask PNGs) in them; marked files are added
/// together.
public struct PickerOverlay: OverlayLayer, Equatable {
    public var picker: FilePicker

    public init(_ picker: FilePicker) { self.picker = picker }

    public var contexts: [KeyContext] { [.picker] }

    /// Opens the picker in `folder` and asks for its entries.
    static func open(_ folder: String, purpose: FilePicker.Purpose, editor: inout EditorState) -> [Effect] {
        let id = editor.overlays.push(PickerOverlay(FilePicker(folder: folder, purpose: purpose)))
        return [.listFolder(path: folder, replyTo: id)]
    }

    public mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        let last = max(0, picker.entries.count - 1)
        switch action {
        case .close: return .closes()
        case .up: picker.selected = max(0, picker.selected - 1)
        case .down: picker.selected = min(last, picker.selected + 1)
        case .pageUp: picker.selected = max(0, picker.selected - 10)
        case .pageDown: picker.selected = min(last, picker.selected + 10)
        case .parentFolder:
            guard picker.folder != "/" else { break }
            return .stays(enter(picker.path(of: FilePicker.Entry(name: "..", isFolder: true, byteCount: 0)), layer: layer))
        case .mark: mark(editor: &editor)
        case .choose: return choose(editor: &editor, layer: layer)
        default: break
        }
        return .stays(inspectSelection(layer))
    }

    /// Marks or unmarks the highlighted file, then moves on, as file managers do.
    private mutating func mark(editor: inout EditorState) {
        guard let entry = picker.current, !entry.isFolder, picker.purpose == .addSources else { return }
        let path = picker.path(of: entry)
        if let index = picker.marked.firstIndex(of: path) {
            picker.marked.remove(at: index)
        } else if editor.sources.count + picker.marked.count < ModelRules.maxInputImages {
            picker.marked.append(path)
        } else {
            editor.notice = "An edit takes at most \(ModelRules.maxInputImages) images"
        }
        picker.selected = min(max(0, picker.entries.count - 1), picker.selected + 1)
    }

    private mutating func choose(editor: inout EditorState, layer: LayerContext) -> LayerOutcome {
        if !picker.marked.isEmpty {
            editor.notice = "Reading \(Text.count(picker.marked.count, "file"))…"
            return .closes(picker.marked.map { .addSource(path: $0) })
        }
        guard let entry = picker.current else { return .stays() }
        let path = picker.path(of: entry)
        if entry.isFolder { return .stays(enter(path, layer: layer)) }
        if picker.purpose == .loadMask {
            editor.notice = "Reading the mask \(entry.name)…"
            return .closes([.readMask(path: path)])
        }
        editor.notice = "Reading \(entry.name)…"
        return .closes([.addSource(path: path)])
    }

    private mutating func enter(_ folder: String, layer: LayerContext) -> [Effect] {
        picker = FilePicker(folder: folder, purpose: picker.purpose)
        return [.listFolder(path: folder, replyTo: layer.id)]
    }

    public mutating func receive(_ reply: Reply, editor: inout EditorState, layer: LayerContext) -> [Effect] {
        switch reply {
        case .folderListed(let path, let entries) where path == picker.folder:
            picker.entries = FilePicker.visible(entries, in: path, purpose: picker.purpose)
            picker.selected = 0
            picker.loading = false
            return inspectSelection(layer)
        case .folderFailed(let path, let reason) where path == picker.folder:
            picker.loading = false
            picker.entries = FilePicker.visible([], in: path, purpose: picker.purpose)
            editor.notice = "Cannot read \(path): \(reason)"
        default:
            picker.details.take(reply)
        }
        return []
    }

    private mutating func inspectSelection(_ layer: LayerContext) -> [Effect] {
        DetailsPane.inspect(picker.current.flatMap { $0.isFolder ? nil : picker.path(of: $0) }, details: &picker.details, replyTo: layer.id)
    }
}
