import Foundation
import ImageEditModel
import SessionModel
import Raster

/// A source image as the editor knows it: where it is, what it is, and a small copy to show.
public struct SourceImage: Equatable, Sendable {
    public var path: String
    public var facts: InputFacts
    public var width: Int
    public var height: Int
    /// At most about 1024 pixels a side, for drawing.
    public var preview: RGBAImage

    public init(path: String, facts: InputFacts, width: Int, height: Int, preview: RGBAImage) {
        self.path = path
        self.facts = facts
        self.width = width
        self.height = height
        self.preview = preview
    }

    public var name: String { FileName.last(of: path) }
}

public enum Panel: String, CaseIterable, Sendable {
    case prompt, mask, parameters, sources

    var title: String {
        switch self {
        case .prompt: "Prompt"
        case .mask: "Mask"
        case .parameters: "Parameters"
        case .sources: "Sources"
        }
    }
}

/// Where edits go.
public enum Backend: Equatable, Sendable {
    case openAI
    case custom(String)
    /// The local server in this process: offline, prompts are not interpreted.
    case local

    /// Shown in the status line and recorded with each run: a URL without its password.
    public var label: String {
        switch self {
        case .openAI: "OpenAI"
        case .custom(let url): URLRedaction.redact(url)
        case .local: "local engine (offline)"
        }
    }
}

/// A finished image, saved on disk.
public struct ResultItem: Equatable, Sendable {
    public var path: String
    /// A small copy to draw; nil when it was let go to bound memory (it is read again when
    /// shown) or when the file cannot be read.
    public var preview: RGBAImage?

    public init(path: String, preview: RGBAImage?) {
        self.path = path
        self.preview = preview
    }
}

/// Two pictures side by side, or one at a time in the same place (flipped with Space).
public struct Comparison: Equatable, Sendable {
    public enum Side: Equatable, Sendable {
        case source
        case result(Int)
    }

    public var left: Side
    public var right: Side
    /// One picture at a time, in place, instead of side by side.
    public var flip = false
    /// In flip mode: the right one is shown.
    public var showingRight = true

    public init(left: Side, right: Side) {
        self.left = left
        self.right = right
    }
}

public enum PreviewContent: Equatable, Sendable {
    case source
    case partial(RGBAImage)
    case result(Int)
    /// Every result of the session as a grid, one of them selected.
    case gallery(selected: Int)
    /// The last variant set, a tile per variant, one of them (by index) selected.
    case set(selected: Int)
    case compare(Comparison)
}

/// Everything on screen. Changed only by `Editor.update`.
public struct EditorState: Equatable, Sendable {
    public var sources: [SourceImage]
    public var selectedSource = 0
    public var focus: Panel = .prompt
    /// The prompt variants (at least one) and the one being edited (`prompt`).
    public var variants = [PromptBuffer()]
    public var activeVariant = 0
    /// One parameter sent with several values, a variant each.
    public var sweep: Sweep?
    public var mask: MaskEditor?
    public var parameters = Parameters()
    public var backend: Backend
    /// The last edit or variant set sent: in flight, or done (its tiles stay for comparing).
    public var sent: RunSet?
    /// Sets sent in this session, to number the next.
    public var setsSent = 0
    public var preview: PreviewContent = .source
    public var results: [ResultItem] = []
    /// Help, errors, the picker, export, history, confirmations: the top one takes the keys.
    public var overlays = OverlayStack()
    /// A one-line message in the status bar until the next key.
    public var notice: String?
    /// Seconds on a monotonic clock, from tick messages.
    public var now: Double = 0
    /// Earlier prompts, and where recall stands.
    public var recall = PromptRecall()
    /// What this session's runs cost, where a price is known.
    public var sessionCost = Money.zero
    /// The prices past runs are costed at in the history.
    public var prices = PriceTable.published
    /// Tokens the API reported for this session's runs.
    public var sessionTokens = 0
    /// Where past runs' times are shown (the runtime sets the user's; each date gets the
    /// offset in force on that day).
    public var timeZone = TimeZone(identifier: "UTC")!
    /// Ctrl-X was pressed once on a variant with text: again deletes it.
    var variantToDelete: Int?
    /// A result marked in the grid, to compare with the next one chosen.
    public var compareMark: Int?
    /// A mouse drag in progress on the preview, in image pixels.
    public var dragStart: Point?
    /// The preview fills the screen (toggled with z in the preview panel).
    public var zoomed = false
    /// Result previews, least recently shown first, and the ones asked for (see Previews.swift).
    var previewUse: [String] = []
    var previewsAsked: Set<String> = []
    /// Drafts are kept (there is a session store).
    public var keepsDrafts = false
    /// The draft as the store holds it; when they differ, the draft is written once typing
    /// pauses (`draftChanged` is when the difference was first seen).
    public var savedDraft: Draft?
    var draftChanged: Double?
    /// Where the file picker starts when there is no source yet.
    public var startFolder = "."

    public init(sources: [SourceImage], backend: Backend) {
        self.sources = sources
        self.backend = backend
        if let first = sources.first { mask = MaskEditor(imageWidth: first.width, imageHeight: first.height) }
    }
}
